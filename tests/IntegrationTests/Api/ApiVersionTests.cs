using System.Net;

namespace Kasparro.IntegrationTests.Api;

/// <summary>
/// <c>/v1</c> is the one API version (Asp.Versioning, read from the URL segment): its responses report the supported
/// versions, and any other version in the path is a 404 problem in this API's shape.
/// </summary>
public sealed class ApiVersionTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _client = api.CreateClient();

    [Theory]
    [InlineData("/v1/data")]
    [InlineData("/v1/assets")]
    [InlineData("/v1/runs")]
    public async Task V1Responses_ReportTheSupportedVersions(string url)
    {
        using var response = await _client.GetAsync(url);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("api-supported-versions").Single().ShouldBe("1.0");
    }

    [Theory]
    [InlineData("/v2/data")]
    [InlineData("/v0/assets")]
    [InlineData("/v1.1/stats")]
    public async Task AnUnknownVersion_IsA404Problem(string url)
    {
        using var response = await _client.GetAsync(url);

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.ReadProblemAsync(HttpStatusCode.NotFound);
        problem.GetProperty("instance").GetString().ShouldBe(url);
    }

    [Fact]
    public async Task AnUnknownVersion_OfTheAdminCommand_IsA404Problem()
    {
        using var request = ApiJson.Post("/v2/runs", "{}");
        using var response = await _client.SendAsync(request);

        (await response.ReadProblemAsync(HttpStatusCode.NotFound)).GetProperty("instance").GetString().ShouldBe("/v2/runs");
    }
}

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;

namespace Kasparro.IntegrationTests.Api;

/// <summary>
/// The app as <c>make up</c> runs it: the Production environment. (The other API tests run in Development, the test
/// host's default, where the framework's own defaults differ.)
/// </summary>
public sealed class ProductionEnvironmentTests(ProductionEnvironmentTests.ProductionApi api) : IClassFixture<ProductionEnvironmentTests.ProductionApi>
{
    public sealed class ProductionApi : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["ADMIN_TOKEN"] = AccessTests.Secured.AdminToken };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment(Environments.Production);
        }
    }

    [Fact]
    public async Task TriggerRun_WithMalformedJson_IsThisApisProblem_NotTheFrameworksBare400()
    {
        using var client = api.CreateClient();

        using var response = await client.SendAsync(ApiJson.Post("/v1/runs", "{\"source\": ", AccessTests.Secured.AdminToken));

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("title").GetString().ShouldBe("The request could not be read.");
        problem.GetProperty("detail").GetString().ShouldBe("The request body is not valid JSON (line 1, byte 12).");
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Kasparro.IntegrationTests.Api;

/// <summary>Reading API responses in tests: status, the JSON body, and the problem shape of errors.</summary>
public static class ApiJson
{
    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(url);
        return await response.ReadJsonAsync(expected);
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, body);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem of this status, with no trace of an exception in it, and returns it.</summary>
    public static async Task<JsonElement> GetProblemAsync(this HttpClient client, string url, HttpStatusCode expected)
    {
        using var response = await client.GetAsync(url);
        return await response.ReadProblemAsync(expected);
    }

    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        body.ShouldNotContain("   at ");
        body.ShouldNotContain("Exception");
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        problem.GetProperty("status").GetInt32().ShouldBe((int)expected);
        problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        problem.GetProperty("request_id").GetString().ShouldBe(response.Headers.GetValues("X-Request-Id").Single());
        return problem;
    }

    public static string[] ErrorsFor(this JsonElement problem, string parameter) =>
        [.. problem.GetProperty("errors").GetProperty(parameter).EnumerateArray().Select(e => e.GetString()!)];

    public static HttpRequestMessage Post(string url, string? json, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }
}

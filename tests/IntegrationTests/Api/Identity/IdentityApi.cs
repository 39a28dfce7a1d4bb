using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Kasparro.IntegrationTests.Api.Identity;

/// <summary>The API with an admin token and CSV as its one source, and the requests the identity tests send.</summary>
public sealed class AdminApi : ApiFactory
{
    public const string AdminToken = "identity-admin-token-5678";

    /// <summary>What the records say of the operator: <c>admin:</c> and the first 12 hex digits of the token's SHA-256.</summary>
    public static readonly string Operator = "admin:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AdminToken)))[..12];

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["ADMIN_TOKEN"] = AdminToken };
}

internal static class IdentityApi
{
    public static HttpRequestMessage Get(string url, string? bearer = AdminApi.AdminToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    public static string SplitBody(string reason, params (string Source, string Id)[] mappings) =>
        JsonSerializer.Serialize(new
        {
            mappings = mappings.Select(m => new Dictionary<string, string> { ["source"] = m.Source, ["source_asset_id"] = m.Id }),
            reason,
        });

    public static string MergeBody(Guid from, Guid into, string reason = "the same coin") =>
        JsonSerializer.Serialize(new { from, into, reason });

    public static async Task<JsonElement> SendJsonAsync(this HttpClient client, HttpRequestMessage request, System.Net.HttpStatusCode expected)
    {
        using (request)
        {
            using var response = await client.SendAsync(request);
            return await response.ReadJsonAsync(expected);
        }
    }

    public static async Task<JsonElement> SendProblemAsync(this HttpClient client, HttpRequestMessage request, System.Net.HttpStatusCode expected)
    {
        using (request)
        {
            using var response = await client.SendAsync(request);
            return await response.ReadProblemAsync(expected);
        }
    }
}

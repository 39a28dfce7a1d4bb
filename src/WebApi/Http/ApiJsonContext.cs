using System.Text.Json;
using System.Text.Json.Serialization;
using Kasparro.WebApi.Endpoints.V1;

namespace Kasparro.WebApi.Http;

/// <summary>
/// Serialization code generated at build time for the hot responses (no reflection per request), snake_case like
/// every other body. Types not listed here fall back to the reflection-based resolver.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(QuoteEndpoints.QuotesResponse))]
[JsonSerializable(typeof(AssetEndpoints.AssetsResponse))]
[JsonSerializable(typeof(AssetEndpoints.AssetResponse))]
[JsonSerializable(typeof(AssetEndpoints.AssetHistoryResponse))]
[JsonSerializable(typeof(ResponseMeta))]
public sealed partial class ApiJsonContext : JsonSerializerContext;

namespace Kasparro.IntegrationTests.Api;

/// <summary>Rows written straight into the tables, so API tests control exactly what the endpoints read.</summary>
public static class ApiSeed
{
    public static async Task<Guid> AssetAsync(this ApiFactory api, string ticker, string? name, decimal? marketCap = null)
    {
        var id = Guid.CreateVersion7();
        await api.ExecuteAsync(
            "INSERT INTO assets (id, ticker, name, normalized_name, market_cap_usd, created_at, updated_at) VALUES ($1, $2, $3, lower($3), $4, now(), now())",
            id, ticker, name, marketCap);
        return id;
    }

    public static Task MappingAsync(this ApiFactory api, Guid assetId, string source, string sourceAssetId, string method = "new", decimal confidence = 1m) =>
        api.ExecuteAsync(
            "INSERT INTO asset_sources (source, source_asset_id, asset_id, method, confidence, created_at) VALUES ($1, $2, $3, $4, $5, now())",
            source, sourceAssetId, assetId, method, confidence);

    public static Task QuoteAsync(
        this ApiFactory api, Guid assetId, string ticker, string source, string sourceAssetId, DateTimeOffset observedAt, decimal price, decimal? marketCap = null, string? name = null) =>
        api.ExecuteAsync(
            "INSERT INTO quotes (source, source_asset_id, observed_at, asset_id, ticker, name, price_usd, market_cap_usd, volume_24h_usd, percent_change_24h, "
            + "source_updated_at, ingested_at, run_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, $3, now(), '00000000-0000-0000-0000-000000000001')",
            source, sourceAssetId, observedAt.UtcDateTime, assetId, ticker, name, price, marketCap);
}

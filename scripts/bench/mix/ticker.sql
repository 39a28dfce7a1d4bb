-- GET /v1/data?ticker=T&limit=50 (and its revalidations, which cost this when nothing is cached): QuoteSql's page.
\set rank random_zipfian(1, :assets, 1.1)
SELECT asset_id, ticker, name, source, source_asset_id, trim_scale(price_usd) AS price, trim_scale(market_cap_usd) AS market_cap, trim_scale(volume_24h_usd) AS volume_24h, trim_scale(percent_change_24h) AS percent_change, observed_at, ingested_at FROM quotes WHERE ticker = 'T' || lpad(:rank::text, 4, '0') ORDER BY observed_at DESC, source DESC, source_asset_id DESC LIMIT 51;

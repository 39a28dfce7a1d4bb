-- GET /v1/data?limit=50: QuoteSql's first page of everything.
SELECT asset_id, ticker, name, source, source_asset_id, trim_scale(price_usd) AS price, trim_scale(market_cap_usd) AS market_cap, trim_scale(volume_24h_usd) AS volume_24h, trim_scale(percent_change_24h) AS percent_change, observed_at, ingested_at FROM quotes ORDER BY observed_at DESC, source DESC, source_asset_id DESC LIMIT 51;

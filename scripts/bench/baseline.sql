-- Contender B: the same CSV load in pure SQL, as one psql session (the reference for "how fast can PostgreSQL do it").
--
--   psql -v run_id=UUID -v source_updated_at=TIMESTAMPTZ -f baseline.sql < quotes.csv
--
-- The CSV arrives on psql's standard input (\copy ... FROM pstdin). The target schema is the app's own (`migrate`
-- has run), so the same primary key and the same three secondary indexes on quotes are maintained. The quote
-- upsert mirrors UpsertQuotesSql in src/Infrastructure/Persistence/PostgresIngestionBatch.cs (same conflict
-- target, same SET list, same WHERE); DISTINCT ON is left out because the generated keys are unique.
-- Not done here (the app does it): raw_csv landing (one jsonb row + hash per record), per-record validation,
-- identity resolution, checkpoints and run bookkeeping.
\set ON_ERROR_STOP on
\timing on
SET timezone = 'UTC';
BEGIN;

CREATE TEMP TABLE stage_quotes (
    symbol text, name text, date text, price text, market_cap text, volume text
) ON COMMIT DROP;

\copy stage_quotes FROM pstdin WITH (FORMAT csv, HEADER true)

INSERT INTO assets (id, ticker, name, normalized_name, created_at, updated_at)
SELECT gen_random_uuid(), s.symbol, min(s.name), lower(min(s.name)), now(), now()
FROM stage_quotes s
GROUP BY s.symbol;

INSERT INTO asset_sources (source, source_asset_id, asset_id, method, confidence, created_at)
SELECT 'csv', a.ticker, a.id, 'new', 1, now()
FROM assets a;

INSERT INTO quotes AS q (source, source_asset_id, observed_at, asset_id, ticker, name, price_usd, market_cap_usd,
                         volume_24h_usd, percent_change_24h, source_updated_at, ingested_at, run_id)
SELECT 'csv', s.symbol, s.date::date::timestamp AT TIME ZONE 'UTC', a.id, s.symbol, s.name,
       round(s.price::numeric, 8), NULLIF(s.market_cap, '')::numeric, NULLIF(s.volume, '')::numeric, NULL,
       :'source_updated_at'::timestamptz, now(), :'run_id'::uuid
FROM stage_quotes s
JOIN assets a ON a.ticker = s.symbol
ON CONFLICT (source, source_asset_id, observed_at) DO UPDATE SET
    asset_id = EXCLUDED.asset_id,
    ticker = EXCLUDED.ticker,
    name = EXCLUDED.name,
    price_usd = EXCLUDED.price_usd,
    market_cap_usd = EXCLUDED.market_cap_usd,
    volume_24h_usd = EXCLUDED.volume_24h_usd,
    percent_change_24h = EXCLUDED.percent_change_24h,
    source_updated_at = EXCLUDED.source_updated_at,
    ingested_at = EXCLUDED.ingested_at,
    run_id = EXCLUDED.run_id
WHERE q.source_updated_at <= EXCLUDED.source_updated_at
  AND (q.price_usd, q.market_cap_usd, q.volume_24h_usd, q.percent_change_24h, q.asset_id, q.ticker, q.name)
      IS DISTINCT FROM
      (EXCLUDED.price_usd, EXCLUDED.market_cap_usd, EXCLUDED.volume_24h_usd, EXCLUDED.percent_change_24h,
       EXCLUDED.asset_id, EXCLUDED.ticker, EXCLUDED.name);

COMMIT;

-- Kasparro schema, version 1. Applied once by DatabaseMigrator in its own transaction; never edit an applied
-- script (its SHA-256 is recorded in schema_migrations): add a new numbered script instead.
-- Names are snake_case and match the product contract: operators query these tables directly.

-- Runs: one row per run of one source. Counts grow batch by batch inside each batch's transaction.
CREATE TABLE etl_runs (
    id              uuid        PRIMARY KEY,
    source          text        NOT NULL,
    trigger         text        NOT NULL CHECK (trigger IN ('startup', 'schedule', 'manual', 'cli')),
    status          text        NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed')),
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NULL,
    duration_ms     bigint      NULL CHECK (duration_ms >= 0),
    read_count      bigint      NOT NULL DEFAULT 0,
    loaded_count    bigint      NOT NULL DEFAULT 0,
    skipped_count   bigint      NOT NULL DEFAULT 0,
    rejected_count  bigint      NOT NULL DEFAULT 0,
    error_message   text        NULL,
    CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX ix_etl_runs_source_started_at ON etl_runs (source, started_at DESC);
-- Several 'running' rows of one source are possible (a process died); the app closes them, so no unique index.
CREATE INDEX ix_etl_runs_running ON etl_runs (status) WHERE status = 'running';

-- Checkpoints: how far each stream (a file, an API listing) of a source is committed. Only moves forward.
CREATE TABLE etl_checkpoints (
    source      text        NOT NULL,
    stream      text        NOT NULL,
    generation  bigint      NOT NULL,
    position    bigint      NOT NULL,
    rows        bigint      NOT NULL,
    state       jsonb       NOT NULL,
    run_id      uuid        NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (source, stream)
);

-- Canonical assets: the identity the platform owns.
CREATE TABLE assets (
    id               uuid        PRIMARY KEY,
    ticker           text        NOT NULL,
    name             text        NULL,
    normalized_name  text        NULL,
    market_cap_usd   numeric     NULL CHECK (market_cap_usd >= 0),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX ix_assets_ticker ON assets (ticker);

-- Each (source, source asset id) maps to one asset, with how that was decided and how sure it is.
CREATE TABLE asset_sources (
    source           text         NOT NULL,
    source_asset_id  text         NOT NULL,
    asset_id         uuid         NOT NULL REFERENCES assets (id),
    method           text         NOT NULL CHECK (method IN ('crosswalk', 'symbol+name', 'symbol', 'new')),
    confidence       numeric(5,4) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    created_at       timestamptz  NOT NULL,
    PRIMARY KEY (source, source_asset_id)
);
CREATE INDEX ix_asset_sources_asset_id ON asset_sources (asset_id);

-- Curated crosswalk: source ids sharing a canonical_key are one coin. Data, not code (seeded in 0002).
CREATE TABLE asset_crosswalk (
    canonical_key    text NOT NULL,
    source           text NOT NULL,
    source_asset_id  text NOT NULL,
    PRIMARY KEY (source, source_asset_id)
);
CREATE INDEX ix_asset_crosswalk_canonical_key ON asset_crosswalk (canonical_key);

-- Symbols some sources use for a coin whose ticker is another (XBT is BTC).
CREATE TABLE ticker_aliases (
    alias   text PRIMARY KEY,
    ticker  text NOT NULL
);

-- Normalized quotes: one per (source, source asset id, observed_at). Indexes are few on purpose: the bulk load
-- pays for each one. source_updated_at orders two versions of one observation (older never overwrites newer).
CREATE TABLE quotes (
    source              text           NOT NULL,
    source_asset_id     text           NOT NULL,
    observed_at         timestamptz    NOT NULL,
    asset_id            uuid           NOT NULL REFERENCES assets (id),
    ticker              text           NOT NULL,
    name                text           NULL,
    price_usd           numeric(38,18) NOT NULL CHECK (price_usd > 0),
    market_cap_usd      numeric        NULL,
    volume_24h_usd      numeric        NULL,
    percent_change_24h  numeric        NULL,
    source_updated_at   timestamptz    NOT NULL,
    ingested_at         timestamptz    NOT NULL,
    run_id              uuid           NOT NULL,
    PRIMARY KEY (source, source_asset_id, observed_at)
);
CREATE INDEX ix_quotes_ticker_observed_at ON quotes (ticker, observed_at DESC);
CREATE INDEX ix_quotes_asset_id_observed_at ON quotes (asset_id, observed_at DESC);
CREATE INDEX ix_quotes_observed_at ON quotes (observed_at DESC);

-- Raw landing tables: every record read, verbatim, once per content hash.
CREATE TABLE raw_csv (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content_hash      bytea       NOT NULL UNIQUE,
    source_record_id  text        NULL,
    source_reference  text        NOT NULL,
    run_id            uuid        NOT NULL,
    fetched_at        timestamptz NOT NULL,
    payload           jsonb       NULL,
    raw_bytes         bytea       NULL,
    CHECK (payload IS NOT NULL OR raw_bytes IS NOT NULL)
);

CREATE TABLE raw_coinpaprika (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content_hash      bytea       NOT NULL UNIQUE,
    source_record_id  text        NULL,
    source_reference  text        NOT NULL,
    run_id            uuid        NOT NULL,
    fetched_at        timestamptz NOT NULL,
    payload           jsonb       NULL,
    raw_bytes         bytea       NULL,
    CHECK (payload IS NOT NULL OR raw_bytes IS NOT NULL)
);

CREATE TABLE raw_coingecko (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content_hash      bytea       NOT NULL UNIQUE,
    source_record_id  text        NULL,
    source_reference  text        NOT NULL,
    run_id            uuid        NOT NULL,
    fetched_at        timestamptz NOT NULL,
    payload           jsonb       NULL,
    raw_bytes         bytea       NULL,
    CHECK (payload IS NOT NULL OR raw_bytes IS NOT NULL)
);

-- Records that broke a data rule: every reason, the raw content, kept once per (source, content).
CREATE TABLE rejected_records (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id            uuid        NOT NULL,
    source            text        NOT NULL,
    source_reference  text        NOT NULL,
    source_record_id  text        NULL,
    content_hash      bytea       NOT NULL,
    raw_content       text        NULL,
    raw_bytes         bytea       NULL,
    reasons           text[]      NOT NULL CHECK (cardinality(reasons) > 0),
    rejected_at       timestamptz NOT NULL,
    UNIQUE (source, content_hash)
);
CREATE INDEX ix_rejected_records_run_id ON rejected_records (run_id);

-- Every schema drift a source detected, with the fuzzy match it made and what it did about it.
CREATE TABLE schema_drift_events (
    id              bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          text         NOT NULL,
    run_id          uuid         NOT NULL,
    stream          text         NOT NULL,
    expected_field  text         NOT NULL,
    observed_field  text         NULL,
    confidence      numeric(5,4) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    action          text         NOT NULL,
    message         text         NOT NULL,
    detected_at     timestamptz  NOT NULL
);
CREATE INDEX ix_schema_drift_events_detected_at ON schema_drift_events (detected_at DESC);

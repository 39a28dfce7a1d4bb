-- Identity you can trust and correct (decision 3):
--   * identity_decisions keeps every identity decision: each mapping the resolver stores ('map'), each operator's
--     'split' and 'merge', with what was before and after, who (the resolver, or a fingerprint of the admin token),
--     why and when;
--   * a mapping an operator moved is method 'manual', and no automatic run ever moves it again;
--   * a catalog source (coinpaprika, coingecko) lists each coin once under its own id, so an asset holds at most one
--     id of each: a partial unique index enforces it. CSV files are not catalogs and stay out of the rule.
--
-- A database loaded before this rule may hold assets with two ids of one catalog source (coins sharing a ticker that
-- the name match took for one). They are split here, before the index is built, the same way on every database:
-- on each such asset the id of that source that stays is the one whose crosswalk sibling is on the same asset, then
-- the earliest mapped, then the smallest id; every other id of that source moves, with its quotes, to an asset of its
-- own (ids the crosswalk names as one coin move together). The new asset's id is derived from the old asset and the
-- moved id, its ticker and name are those of its newest quote, and both assets' market caps are recounted from their
-- quotes. Each split is recorded as a decision ('split', method 'repair', who 'resolver'); a later review can merge
-- what was wrongly kept apart.

CREATE TABLE identity_decisions (
    id               bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    what             text         NOT NULL CHECK (what IN ('map', 'split', 'merge')),
    asset_id         uuid         NOT NULL,
    other_asset_id   uuid         NULL,
    source           text         NULL,
    source_asset_id  text         NULL,
    before           jsonb        NULL,
    after            jsonb        NOT NULL,
    method           text         NOT NULL,
    confidence       numeric(5,4) NULL CHECK (confidence BETWEEN 0 AND 1),
    who              text         NOT NULL,
    reason           text         NOT NULL,
    decided_at       timestamptz  NOT NULL,
    CHECK ((what = 'map') = (source IS NOT NULL AND source_asset_id IS NOT NULL)),
    CHECK ((what = 'map') = (other_asset_id IS NULL))
);
-- No foreign key to assets: the records of an asset merged away stay readable by its id.
CREATE INDEX ix_identity_decisions_asset_id ON identity_decisions (asset_id, id);
CREATE INDEX ix_identity_decisions_other_asset_id ON identity_decisions (other_asset_id, id) WHERE other_asset_id IS NOT NULL;
-- The newest correction is what every run compares its identity cache with: an index of the corrections alone.
CREATE INDEX ix_identity_decisions_corrections ON identity_decisions (id) WHERE what <> 'map';

ALTER TABLE asset_sources DROP CONSTRAINT asset_sources_method_check;
ALTER TABLE asset_sources ADD CONSTRAINT asset_sources_method_check
    CHECK (method IN ('crosswalk', 'symbol+name', 'symbol', 'new', 'manual'));

-- The mappings stored before decisions were kept, recorded as they are.
INSERT INTO identity_decisions (what, asset_id, source, source_asset_id, after, method, confidence, who, reason, decided_at)
SELECT 'map', m.asset_id, m.source, m.source_asset_id,
       jsonb_build_object('asset_id', m.asset_id, 'method', m.method, 'confidence', m.confidence),
       m.method, m.confidence, 'resolver', 'mapped by ' || m.method || ' before decisions were recorded', m.created_at
FROM asset_sources m
ORDER BY m.created_at, m.source, m.source_asset_id;

-- The ids that leave their asset, and the asset each goes to.
CREATE TEMPORARY TABLE identity_repair ON COMMIT DROP AS
WITH catalog AS (
    SELECT m.source, m.source_asset_id, m.asset_id, m.method, m.confidence, m.created_at, c.canonical_key,
           EXISTS (
               SELECT 1 FROM asset_crosswalk s JOIN asset_sources t USING (source, source_asset_id)
               WHERE s.canonical_key = c.canonical_key AND t.asset_id = m.asset_id AND t.source <> m.source) AS paired
    FROM asset_sources m
    LEFT JOIN asset_crosswalk c USING (source, source_asset_id)
    WHERE m.source IN ('coinpaprika', 'coingecko')),
ranked AS (
    SELECT catalog.*,
           row_number() OVER (PARTITION BY asset_id, source ORDER BY paired DESC, created_at, source_asset_id) AS rank
    FROM catalog)
SELECT source, source_asset_id, asset_id AS old_asset_id, method, confidence,
       md5(asset_id::text || '|' || coalesce('crosswalk:' || canonical_key, source || ':' || source_asset_id))::uuid AS new_asset_id
FROM ranked
WHERE rank > 1;

INSERT INTO assets (id, ticker, name, normalized_name, market_cap_usd, created_at, updated_at)
SELECT DISTINCT ON (r.new_asset_id)
       r.new_asset_id, coalesce(q.ticker, a.ticker), coalesce(q.name, a.name),
       lower(regexp_replace(coalesce(q.name, a.name), '[^[:alnum:]]+', '', 'g')), NULL, now(), now()
FROM identity_repair r
JOIN assets a ON a.id = r.old_asset_id
LEFT JOIN LATERAL (
    SELECT q.ticker, q.name, q.observed_at FROM quotes q
    WHERE q.asset_id = r.old_asset_id AND q.source = r.source AND q.source_asset_id = r.source_asset_id
    ORDER BY q.observed_at DESC LIMIT 1) q ON true
ORDER BY r.new_asset_id, q.observed_at DESC NULLS LAST, r.source, r.source_asset_id;

UPDATE asset_sources m SET asset_id = r.new_asset_id
FROM identity_repair r
WHERE m.source = r.source AND m.source_asset_id = r.source_asset_id;

UPDATE quotes q SET asset_id = r.new_asset_id
FROM identity_repair r
WHERE q.asset_id = r.old_asset_id AND q.source = r.source AND q.source_asset_id = r.source_asset_id;

UPDATE assets a SET market_cap_usd = (SELECT max(q.market_cap_usd) FROM quotes q WHERE q.asset_id = a.id), updated_at = now()
WHERE a.id IN (SELECT old_asset_id FROM identity_repair UNION SELECT new_asset_id FROM identity_repair);

INSERT INTO identity_decisions (what, asset_id, other_asset_id, before, after, method, confidence, who, reason, decided_at)
SELECT 'split', r.old_asset_id, r.new_asset_id,
       jsonb_build_array(jsonb_build_object('asset_id', r.old_asset_id, 'mappings', jsonb_agg(
           jsonb_build_object('source', r.source, 'source_asset_id', r.source_asset_id, 'method', r.method, 'confidence', r.confidence)
           ORDER BY r.source, r.source_asset_id))),
       jsonb_build_array(jsonb_build_object('asset_id', r.new_asset_id, 'mappings', jsonb_agg(
           jsonb_build_object('source', r.source, 'source_asset_id', r.source_asset_id, 'method', r.method, 'confidence', r.confidence)
           ORDER BY r.source, r.source_asset_id))),
       'repair', 1, 'resolver',
       'the asset held two ids of one catalog source; moved to an asset of their own: '
           || string_agg(r.source || ':' || r.source_asset_id, ', ' ORDER BY r.source, r.source_asset_id),
       now()
FROM identity_repair r
GROUP BY r.old_asset_id, r.new_asset_id
ORDER BY r.old_asset_id, r.new_asset_id;

CREATE UNIQUE INDEX ux_asset_sources_one_id_per_catalog ON asset_sources (asset_id, source)
    WHERE source IN ('coinpaprika', 'coingecko');

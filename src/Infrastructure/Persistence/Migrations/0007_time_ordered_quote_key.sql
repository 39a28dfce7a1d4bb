-- quotes' primary key leads with observed_at: (observed_at, source, source_asset_id), the same columns as before.
--
-- A key led by the source asset id put each coin's quotes in a range of their own, so a run that brings one new quote
-- per coin wrote into as many index pages as it has coins; after a checkpoint each of those pages is written to the
-- WAL whole once more (a full-page image). With observed_at first, a run's new quotes, which share a few minutes,
-- land side by side at the index's right edge. The key's order is also the order of GET /v1/data's default sort and
-- its keyset cursor, which ix_quotes_observed_at_key served; that index is now the key itself, so every quote
-- maintains one index fewer. Uniqueness is unchanged (ON CONFLICT (source, source_asset_id, observed_at) still
-- finds it: an arbiter index is matched by its set of columns), and the batch writer still finds stored keys by
-- probing the key with each (observed_at, source, source_asset_id). The newest quote of one source id (GET
-- /v1/assets) is read from ix_quotes_asset_id_observed_at: a source id maps to one asset for good (ADR 3), so that
-- index holds every quote of a source id within its asset's range.
ALTER TABLE quotes DROP CONSTRAINT quotes_pkey;
DROP INDEX ix_quotes_observed_at_key;
ALTER TABLE quotes ADD CONSTRAINT quotes_pkey PRIMARY KEY (observed_at, source, source_asset_id);

-- Tells the planner that a quote's source and source_asset_id decide its asset_id (a source id maps to one asset for
-- good, ADR 3), so that a condition on all three is as selective as the one on source_asset_id, not the product of
-- the three. Without it, "the newest quote of this mapping" (GET /v1/assets: asset_id, source and source_asset_id
-- equal, newest observed_at first, LIMIT 1) looked so rare that PostgreSQL read every quote of the asset and sorted
-- them (263 ms for a page of 50 assets over 1,000,000 quotes) instead of reading ix_quotes_asset_id_observed_at
-- backwards to the first match (2 ms).
CREATE STATISTICS quotes_source_key_asset (dependencies) ON source, source_asset_id, asset_id FROM quotes;
ANALYZE quotes;

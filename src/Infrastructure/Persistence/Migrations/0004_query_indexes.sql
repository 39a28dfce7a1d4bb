-- Indexes for GET /v1/data, whose pages are ordered by (observed_at, source, source_asset_id), all one direction, so
-- that the order is total and a keyset cursor is one row comparison. An index on observed_at alone leaves PostgreSQL
-- to sort every quote that shares the newest timestamp (a listing fetch stamps thousands alike) before it can stop at
-- the page's 51st row; with the whole key in the index, a page is a plain index scan of 51 entries at any depth.
-- Read backwards, the same index serves the newest-first default.
DROP INDEX ix_quotes_observed_at;
CREATE INDEX ix_quotes_observed_at_key ON quotes (observed_at, source, source_asset_id);

-- The same for one ticker (the common filter): equality on ticker, then the key order.
DROP INDEX ix_quotes_ticker_observed_at;
CREATE INDEX ix_quotes_ticker_observed_at_key ON quotes (ticker, observed_at, source, source_asset_id);

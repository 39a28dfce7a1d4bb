-- Raw landing tables find identical content by a 64-bit key instead of a UNIQUE index on the 32-byte SHA-256.
--
-- content_key is the hash's first 8 bytes read as a big-endian bigint. Its UNIQUE index is about 40 % the size of the
-- one on content_hash and cheaper to insert into and search (a random 32-byte bytea key touched a random page of a
-- large index for every record: the costliest index of a bulk load). A record whose key is already held by
-- different content (a 64-bit collision: among ten million rows, a chance of about 3 in a million) is stored
-- without a key, and the partial UNIQUE index on content_hash keeps those rows unique by their full hash. So content
-- is still stored once by its full SHA-256; the key only makes the common case cheap. The writer copies a batch
-- expecting new content and, when the key's index refuses a row, looks up both indexes and copies what is new
-- (PostgresIngestionBatch), under its source's run lock. Raw rows are never deleted by the platform, so the row that
-- holds a keyless row's key stays, and copying that content again is always refused and sent to the look-up.

ALTER TABLE raw_csv ADD COLUMN content_key bigint NULL;
ALTER TABLE raw_coinpaprika ADD COLUMN content_key bigint NULL;
ALTER TABLE raw_coingecko ADD COLUMN content_key bigint NULL;

-- Existing rows: the key goes to the oldest row of each prefix; a younger row sharing it (a collision) stays keyless.
UPDATE raw_csv r SET content_key = k.key
FROM (SELECT DISTINCT ON (key) id, key
      FROM (SELECT id, ('x' || encode(substring(content_hash FROM 1 FOR 8), 'hex'))::bit(64)::bigint AS key
            FROM raw_csv WHERE octet_length(content_hash) >= 8) s
      ORDER BY key, id) k
WHERE r.id = k.id;

UPDATE raw_coinpaprika r SET content_key = k.key
FROM (SELECT DISTINCT ON (key) id, key
      FROM (SELECT id, ('x' || encode(substring(content_hash FROM 1 FOR 8), 'hex'))::bit(64)::bigint AS key
            FROM raw_coinpaprika WHERE octet_length(content_hash) >= 8) s
      ORDER BY key, id) k
WHERE r.id = k.id;

UPDATE raw_coingecko r SET content_key = k.key
FROM (SELECT DISTINCT ON (key) id, key
      FROM (SELECT id, ('x' || encode(substring(content_hash FROM 1 FOR 8), 'hex'))::bit(64)::bigint AS key
            FROM raw_coingecko WHERE octet_length(content_hash) >= 8) s
      ORDER BY key, id) k
WHERE r.id = k.id;

CREATE UNIQUE INDEX ux_raw_csv_content_key ON raw_csv (content_key);
CREATE UNIQUE INDEX ux_raw_csv_content_hash_unkeyed ON raw_csv (content_hash) WHERE content_key IS NULL;
ALTER TABLE raw_csv DROP CONSTRAINT raw_csv_content_hash_key;

CREATE UNIQUE INDEX ux_raw_coinpaprika_content_key ON raw_coinpaprika (content_key);
CREATE UNIQUE INDEX ux_raw_coinpaprika_content_hash_unkeyed ON raw_coinpaprika (content_hash) WHERE content_key IS NULL;
ALTER TABLE raw_coinpaprika DROP CONSTRAINT raw_coinpaprika_content_hash_key;

CREATE UNIQUE INDEX ux_raw_coingecko_content_key ON raw_coingecko (content_key);
CREATE UNIQUE INDEX ux_raw_coingecko_content_hash_unkeyed ON raw_coingecko (content_hash) WHERE content_key IS NULL;
ALTER TABLE raw_coingecko DROP CONSTRAINT raw_coingecko_content_hash_key;

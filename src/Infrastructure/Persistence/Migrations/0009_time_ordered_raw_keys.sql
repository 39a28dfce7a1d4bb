-- API raw rows are keyed by the minute their content states before their hash, so that a run's new rows land side by
-- side at the right edge of the content-key index instead of one random page each.
--
-- Migration 0005 keyed every raw row by the first 8 bytes of its SHA-256: every new row went to a random leaf of an
-- index that grows with every run (2,500 rows an hour per API source). After a checkpoint, each of those leaves is
-- written to the WAL whole (1,079 full-page images in one run at 375,000 rows, `pg_walinspect`, heading for one per
-- row), and once the index outgrows memory each insert reads a random page. An API item states its own time
-- (`last_updated`), a function of the content like the hash: its minute since 2000-01-01 UTC (26 bits, to 2127)
-- above the hash's first 37 bits keeps identical content on one key and a run's rows together. Such a key collides
-- more often than a 64-bit hash (two items of one minute sharing 37 hash bits: about once in 40,000 runs of 2,500
-- items that all state the same minute); the second content is then stored without a key and found by its full
-- hash, as migration 0005 already does for any collision.
-- CSV rows keep the hash key (a CSV file's rows are one bulk load; its timestamps are not the row's arrival).
--
-- raw_content_key(stated, content_hash) is the rule, here for stored rows and in RawContentKey for new ones (an
-- integration test holds the two equal): `stated` must read exactly YYYY-MM-DDTHH:MM:SS, optional fractions, Z, a
-- real date in range; anything else, and a payload kept only as bytes, keeps the hash key. The function stays, for
-- operators who want to recompute or check a key.

-- Not PARALLEL SAFE: its exception block is a subtransaction, which a parallel worker cannot start.
CREATE FUNCTION raw_content_key(stated text, content_hash bytea) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    hash_key bigint;
    stated_at timestamptz;
    minute bigint;
BEGIN
    IF content_hash IS NULL OR octet_length(content_hash) < 8 THEN
        RETURN NULL;
    END IF;
    hash_key := ('x' || encode(substring(content_hash FROM 1 FOR 8), 'hex'))::bit(64)::bigint;
    IF stated IS NULL
       OR stated !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?Z$' THEN
        RETURN hash_key;
    END IF;
    BEGIN
        stated_at := (substr(stated, 1, 19) || '+00')::timestamptz;
    EXCEPTION WHEN OTHERS THEN
        RETURN hash_key; -- not a calendar date (2023-02-30)
    END;
    minute := floor(extract(epoch FROM stated_at - timestamptz '2000-01-01 00:00:00+00') / 60)::bigint;
    IF minute < 0 OR minute >= (1::bigint << 26) THEN
        RETURN hash_key;
    END IF;
    RETURN (minute << 37) | ((hash_key >> 27) & ((1::bigint << 37) - 1));
END
$$;

-- Re-key the stored API rows (rows stored without a key keep none); a new key that two contents share goes to the
-- oldest row, and the younger one is kept without a key, found by its full hash. Every API raw row is rewritten once,
-- inside the migration's transaction (100,000 rows took under 3 s on the bench machine; plan for minutes at tens of
-- millions, and a VACUUM after).
DO $$
DECLARE
    raw_table text;
BEGIN
    FOREACH raw_table IN ARRAY ARRAY['raw_coinpaprika', 'raw_coingecko'] LOOP
        EXECUTE format('DROP INDEX ux_%s_content_key', raw_table);
        EXECUTE format('UPDATE %I SET content_key = raw_content_key(payload->>''last_updated'', content_hash)
                        WHERE content_key IS NOT NULL AND payload IS NOT NULL', raw_table);
        EXECUTE format('UPDATE %1$I r SET content_key = NULL
                        FROM (SELECT id, row_number() OVER (PARTITION BY content_key ORDER BY id) AS n
                              FROM %1$I WHERE content_key IS NOT NULL) d
                        WHERE r.id = d.id AND d.n > 1', raw_table);
        EXECUTE format('CREATE UNIQUE INDEX ux_%1$s_content_key ON %1$I (content_key)', raw_table);
    END LOOP;
END
$$;

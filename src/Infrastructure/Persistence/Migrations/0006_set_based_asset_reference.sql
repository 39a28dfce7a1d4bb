-- quotes.asset_id keeps referring to an existing asset, checked once per statement instead of once per row.
--
-- A FOREIGN KEY checks each inserted quote with its own query and locks the asset row it points to (FOR KEY SHARE,
-- itself a WAL record); for a batch of 2,500 quotes that was about 28 ms of the 95 ms its COPY costs the server. The
-- triggers below check a whole statement's rows with one anti-join against the assets' primary key (about 5 ms for the
-- same batch), and stop what would leave a quote without its asset: deleting or truncating an asset that quotes refer
-- to, or changing an asset's id. What the row locks gave beyond that (a concurrent DELETE of an asset racing an INSERT
-- of its first quote) does not arise: the platform never deletes an asset. See docs/decisions/0008.

ALTER TABLE quotes DROP CONSTRAINT quotes_asset_id_fkey;

CREATE FUNCTION quotes_refer_to_assets() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing uuid;
BEGIN
    SELECT c.asset_id INTO missing
    FROM changed_quotes c
    WHERE NOT EXISTS (SELECT 1 FROM assets a WHERE a.id = c.asset_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'quotes refer to asset % that does not exist', missing
            USING ERRCODE = 'foreign_key_violation', TABLE = 'quotes', COLUMN = 'asset_id';
    END IF;
    RETURN NULL;
END
$$;

-- One trigger per event: a trigger with transition tables takes a single event.
CREATE TRIGGER quotes_inserted_refer_to_assets AFTER INSERT ON quotes
    REFERENCING NEW TABLE AS changed_quotes FOR EACH STATEMENT EXECUTE FUNCTION quotes_refer_to_assets();
CREATE TRIGGER quotes_updated_refer_to_assets AFTER UPDATE ON quotes
    REFERENCING NEW TABLE AS changed_quotes FOR EACH STATEMENT EXECUTE FUNCTION quotes_refer_to_assets();

CREATE FUNCTION assets_keep_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    referenced uuid;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM quotes) THEN
            RAISE EXCEPTION 'assets cannot be truncated while quotes refer to them'
                USING ERRCODE = 'foreign_key_violation', TABLE = 'assets';
        END IF;
        RETURN NULL;
    END IF;

    SELECT g.id INTO referenced
    FROM removed_assets g
    WHERE EXISTS (SELECT 1 FROM quotes q WHERE q.asset_id = g.id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'asset % cannot be deleted: quotes refer to it', referenced
            USING ERRCODE = 'foreign_key_violation', TABLE = 'assets';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER assets_deleted_keep_referenced AFTER DELETE ON assets
    REFERENCING OLD TABLE AS removed_assets FOR EACH STATEMENT EXECUTE FUNCTION assets_keep_referenced();
CREATE TRIGGER assets_truncated_keep_referenced BEFORE TRUNCATE ON assets
    FOR EACH STATEMENT EXECUTE FUNCTION assets_keep_referenced();

CREATE FUNCTION assets_id_is_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an asset''s id never changes (asset %)', OLD.id
        USING ERRCODE = 'foreign_key_violation', TABLE = 'assets', COLUMN = 'id';
END
$$;

-- Fires only for an UPDATE that names id in its SET list (the platform's upserts never do) and changes it.
CREATE TRIGGER assets_id_fixed BEFORE UPDATE OF id ON assets
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION assets_id_is_fixed();

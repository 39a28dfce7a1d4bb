-- The version of the data the API serves (docs/decisions/0011-response-cache.md). Every transaction that changes what
-- a read can return (a batch, a run starting or ending, an identity decision) adds one to it and sends the new value
-- on the channel kasparro_data_changed, which PostgreSQL delivers to the listening API processes only if, and when, the
-- transaction commits. The API keys its remembered answers and its ETags by this version. A migration or a manual fix
-- that changes what reads return ends with the same statement (DataVersionSql.BumpSql).
--
-- One row: bumping it is one UPDATE per transaction, sent with the transaction's last statements, so the row lock is
-- held only while the transaction commits.
CREATE TABLE data_version (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint NOT NULL
);

INSERT INTO data_version (id, version) VALUES (true, 1);

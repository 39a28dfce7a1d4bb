#!/usr/bin/env bash
# An audit of canonical identity for a database, for an operator to read (decision 3):
#   scripts/identity_report.sh                                     # the database `make up` started (from .env)
#   DATABASE_URL=postgres://user:password@host:port/db scripts/identity_report.sh
# Prints the mappings counted by method and confidence band, the 20 least sure merges (mappings that joined an asset
# another id had made), and every ticker held by several assets with each asset's ids. It only reads.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -z ${DATABASE_URL:-} ]]; then
    [[ -f $ENV_FILE ]] || die "set DATABASE_URL, or start the stack with make up (it writes .env)"
    load_env
    DATABASE_URL="$(database_url)"
fi

# psql: the server's bindir when this machine has one, else PATH, else apt.
psql_bin() {
    local bindir
    if bindir="$(find_pg_bindir)" && [[ -x $bindir/psql ]]; then echo "$bindir/psql"; return; fi
    command -v psql >/dev/null || apt_install postgresql-client
    command -v psql
}
PSQL="$(psql_bin)"

"$PSQL" "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -A -F ' | ' -P footer=off <<'SQL'
\echo == identity: assets and mappings
SELECT (SELECT count(*) FROM assets) AS assets, (SELECT count(*) FROM asset_sources) AS mappings,
       (SELECT count(*) FROM (SELECT ticker FROM assets GROUP BY ticker HAVING count(*) > 1) AS t) AS shared_tickers;

\echo
\echo == mappings by method and confidence band
SELECT method,
       CASE WHEN confidence = 1 THEN '1'
            WHEN confidence >= 0.95 THEN '[0.95, 1)'
            WHEN confidence >= 0.88 THEN '[0.88, 0.95)'
            WHEN confidence >= 0.5 THEN '[0.5, 0.88)'
            ELSE '[0, 0.5)' END AS confidence_band,
       count(*) AS mappings
FROM asset_sources
GROUP BY 1, 2
ORDER BY 1, 2 DESC;

\echo
\echo == the 20 least sure merges (mappings that joined an existing asset)
SELECT trim_scale(m.confidence) AS confidence, m.method, m.source || ':' || m.source_asset_id AS source_id,
       coalesce(q.name, '') AS source_name, a.ticker, coalesce(a.name, '') AS asset_name, a.id AS asset_id
FROM asset_sources m
JOIN assets a ON a.id = m.asset_id
LEFT JOIN LATERAL (
    SELECT q.name FROM quotes q
    WHERE q.asset_id = m.asset_id AND q.source = m.source AND q.source_asset_id = m.source_asset_id
    ORDER BY q.observed_at DESC LIMIT 1) q ON true
WHERE m.method <> 'new'
ORDER BY m.confidence, m.source, m.source_asset_id
LIMIT 20;

\echo
\echo == tickers held by several assets
SELECT a.ticker, count(*) AS assets,
       string_agg(coalesce(a.name, '?') || ' [' || coalesce(k.ids, '') || ']', '; ' ORDER BY a.market_cap_usd DESC NULLS LAST, a.id) AS held_by
FROM assets a
LEFT JOIN LATERAL (
    SELECT string_agg(s.source || ':' || s.source_asset_id, ', ' ORDER BY s.source, s.source_asset_id) AS ids
    FROM asset_sources s WHERE s.asset_id = a.id) k ON true
GROUP BY a.ticker
HAVING count(*) > 1
ORDER BY a.ticker;
SQL

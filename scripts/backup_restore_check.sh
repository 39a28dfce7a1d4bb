#!/usr/bin/env bash
# Proves the backup and restore procedure of docs/operations.md on a live database:
#   DATABASE_URL=postgres://user:password@host:port/database scripts/backup_restore_check.sh
# pg_dump (custom format) of DATABASE_URL, pg_restore into a new scratch database on the same server, then the two
# compared table by table (row count and an md5 of every row, in order) and sequence by sequence. The scratch database
# is dropped at the end. DATABASE_URL's user needs CREATEDB; the check reads every row, so run it on a copy or a
# small database, not on a busy production one.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ ${DATABASE_URL:-} =~ ^(postgres(ql)?://[^/]+/)([A-Za-z0-9_]+)(\?.*)?$ ]] \
    || die "set DATABASE_URL=postgres://user:password@host:port/database"
SOURCE_DB="${BASH_REMATCH[3]}"
SCRATCH_DB="${SOURCE_DB}_restore_$(date +%s)_$$"
SCRATCH_URL="${BASH_REMATCH[1]}$SCRATCH_DB${BASH_REMATCH[4]}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kasparro-backup.XXXXXX")"

# The client programs: the server's bindir when this machine has one (the newest), else PATH, else apt.
client() {
    local bindir
    if bindir="$(find_pg_bindir)" && [[ -x $bindir/$1 ]]; then echo "$bindir/$1"; return; fi
    command -v "$1" >/dev/null || apt_install postgresql-client
    command -v "$1"
}
PG_DUMP="$(client pg_dump)" PG_RESTORE="$(client pg_restore)" PSQL="$(client psql)"

sql() { "$PSQL" "$1" -X -v ON_ERROR_STOP=1 -qAt -F ' ' -c "$2"; }

cleanup() {
    local rc=$?
    sql "$DATABASE_URL" "DROP DATABASE IF EXISTS $SCRATCH_DB WITH (FORCE)" >/dev/null 2>&1 || warn "could not drop $SCRATCH_DB"
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

# fingerprint URL: per table "table rows md5", then per sequence "sequence last_value", in name order.
fingerprint() {
    local table
    for table in $(sql "$1" "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"); do
        sql "$1" "SELECT '$table', count(*), md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '')) FROM public.\"$table\" t"
    done
    sql "$1" "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
}

log "pg_dump of $SOURCE_DB ($("$PG_DUMP" --version))"
"$PG_DUMP" --format=custom --no-owner --file "$WORK/kasparro.dump" "$DATABASE_URL"
echo "backup: pg_dump --format=custom of $SOURCE_DB, $(stat -c %s "$WORK/kasparro.dump") bytes"

sql "$DATABASE_URL" "CREATE DATABASE $SCRATCH_DB" >/dev/null
"$PG_RESTORE" --no-owner --exit-on-error --dbname "$SCRATCH_URL" "$WORK/kasparro.dump"
echo "restore: pg_restore into the new database $SCRATCH_DB"

fingerprint "$DATABASE_URL" >"$WORK/source"
fingerprint "$SCRATCH_URL" >"$WORK/restored"
if ! diff -u "$WORK/source" "$WORK/restored" >"$WORK/diff"; then
    cat "$WORK/diff" >&2
    die "the restored database differs from $SOURCE_DB"
fi
awk 'NF == 3 { printf "table %s: %s rows, identical\n", $1, $2 } NF == 2 { printf "sequence %s: at %s, identical\n", $1, $2 }' "$WORK/source"
echo "backup and restore check passed: $(awk 'NF == 3' "$WORK/source" | wc -l) tables identical after the round trip"

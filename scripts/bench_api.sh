#!/usr/bin/env bash
# Query API benchmark over 1,000,000 quotes on a throwaway cluster, in three parts:
#   1. GET /v1/data served by the app with its response cache off, measured with wrk, against the identical SQL driven
#      by pgbench straight at PostgreSQL, at the same concurrency;
#   2. a realistic read mix (scripts/bench/mix.lua: Zipf-like tickers, first pages, cursor pages, assets, history,
#      revalidations with If-None-Match) against pgbench running the same statements (scripts/bench/mix/*.sql), with
#      the cache off (cold) and on (warm);
#   3. the warm mix again while a second server commits an ingest batch every second, with scripts/bench/freshness.py
#      checking that no answer is older than its commit.
# Everything lives under .data/bench-api (git-ignored); the cluster is removed at the end.
#
#   make bench-api                                   # 1,000,000 quotes, 32 connections, 15 s per measurement after 5 s of unmeasured API warm-up (BENCH_WARMUP_SECONDS)
#   BENCH_QUOTES=100000 BENCH_SECONDS=5 make bench-api   # quick run
#   BENCH_MIX=0 make bench-api                       # part 1 only
#   BENCH_MIX_WARMUP_SECONDS=30 make bench-api       # the mix's unmeasured warm-up, after every distinct read was asked once
#   BENCH_APP_ENV="DOTNET_gcServer=0" make bench-api     # extra environment for the API process (experiments)
#   BENCH_APP_DIR=/path make bench-api                # measure an app published there (another commit, for an A/B)
#   make bench-scale                                 # the same over 10,000,000 quotes (scripts/bench_scale.sh)
#
# Targets are reported (PASS/MISS), not asserted. The summary on stdout is Markdown.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=bench/mix.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench/mix.sh"
cd "$ROOT"

BENCH_QUOTES="${BENCH_QUOTES:-1000000}"
BENCH_ASSETS="${BENCH_ASSETS:-1000}"
BENCH_SPAN_DAYS="${BENCH_SPAN_DAYS:-0}"   # 0: one observation per hour
BENCH_SECONDS="${BENCH_SECONDS:-15}"
BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-32}"
BENCH_WARMUP_SECONDS="${BENCH_WARMUP_SECONDS:-5}"
BENCH_MIX="${BENCH_MIX:-1}"
BENCH_INCREMENTAL_ROWS="${BENCH_INCREMENTAL_ROWS:-0}"   # >0: also time ingesting a CSV of that many rows into the loaded table, then its unchanged re-run
BENCH_TITLE="${BENCH_TITLE:-Query API}"
BENCH_DIR="${BENCH_DIR:-$DATA_DIR/bench-api}"
BENCH_PG="$BENCH_DIR/pg"
BENCH_PG_LOG="$BENCH_DIR/pg.log"
BENCH_APP="$BENCH_DIR/app"
BENCH_LOGS="$BENCH_DIR/logs"
BENCH_USER=bench
BENCH_DB=kasparro_api
ASSETS="$BENCH_ASSETS"
TARGET_RATIO=0.5   # API requests/s over pgbench transactions/s
TARGET_P99_MS=25

[[ $ASSETS =~ ^[1-9][0-9]*$ && $ASSETS -le 9999 ]] || die "BENCH_ASSETS must be a whole number from 1 to 9999"
[[ $BENCH_QUOTES =~ ^[1-9][0-9]*$ && $BENCH_QUOTES -ge $ASSETS ]] || die "BENCH_QUOTES must be a whole number of at least $ASSETS"
[[ $BENCH_SPAN_DAYS =~ ^[0-9]+$ ]] || die "BENCH_SPAN_DAYS must be a whole number"
[[ $BENCH_INCREMENTAL_ROWS =~ ^[0-9]+$ ]] || die "BENCH_INCREMENTAL_ROWS must be a whole number"
[[ $BENCH_SECONDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive whole number"
[[ $BENCH_CONNECTIONS =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONNECTIONS must be a positive whole number"
[[ $BENCH_WARMUP_SECONDS =~ ^[0-9]+$ ]] || die "BENCH_WARMUP_SECONDS must be a whole number"

calc() { awk "BEGIN { printf \"${2:-%.2f}\", $1 }"; }
pass_miss() { awk "BEGIN { exit !($1) }" && echo PASS || echo MISS; }
PER_ASSET=$((BENCH_QUOTES / ASSETS))
# Minutes between two observations of an asset: an hour, or the span spread over its observations.
STEP_MINUTES=60
((BENCH_SPAN_DAYS == 0)) || STEP_MINUTES=$((BENCH_SPAN_DAYS * 1440 / PER_ASSET))
((STEP_MINUTES > 0)) || die "BENCH_SPAN_DAYS is too short for $PER_ASSET observations per asset"
FIRST_OBSERVED="2026-01-01 00:00:00+00"

# --- the throwaway cluster and the app -----------------------------------------------------------------------------

APP_PID_BENCH=""
cleanup() {
    stop_api
    stop_writer
    if [[ -f $BENCH_PG/PG_VERSION ]]; then
        as_postgres "$PG_BINDIR/pg_ctl" stop -w -m fast -D "$BENCH_PG" >/dev/null 2>&1 || true
    fi
    rm -rf "$BENCH_PG"
}
trap cleanup EXIT

start_cluster() {
    cleanup
    chmod 755 "$DATA_DIR" "$BENCH_DIR"
    install -d -m 700 -o postgres -g postgres "$BENCH_PG"
    : >"$BENCH_PG_LOG" && chown postgres "$BENCH_PG_LOG"
    # Trust on loopback only: a throwaway cluster with no password to leak, listening on 127.0.0.1, no socket.
    as_postgres "$PG_BINDIR/initdb" -D "$BENCH_PG" -U "$BENCH_USER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >>"$BENCH_PG_LOG" 2>&1 || { tail -n 20 "$BENCH_PG_LOG" >&2; die "initdb failed"; }
    BENCH_PORT="$(free_port 55599)"
    log "starting the bench PostgreSQL on 127.0.0.1:$BENCH_PORT (${PG_SERVER_SETTINGS[*]}, max_connections=200)"
    as_postgres "$PG_BINDIR/pg_ctl" start -w -t 60 -D "$BENCH_PG" -l "$BENCH_PG_LOG" \
        -o "-c listen_addresses=127.0.0.1 -c port=$BENCH_PORT -c unix_socket_directories=''$(pg_setting_options "${PG_SERVER_SETTINGS[@]}" max_connections=200)" \
        >/dev/null || { tail -n 20 "$BENCH_PG_LOG" >&2; die "the bench PostgreSQL did not start"; }
}

psql_bench() { "$PG_BINDIR/psql" -h 127.0.0.1 -p "$BENCH_PORT" -U "$BENCH_USER" -X -v ON_ERROR_STOP=1 -qAt "$@"; }

# --- the data: 1,000 assets, quotes spread evenly, three sources ---------------------------------------------------

load_quotes() {
    local per_asset="$PER_ASSET"
    log "loading $((per_asset * ASSETS)) quotes ($ASSETS assets x $per_asset observations $STEP_MINUTES minutes apart) with SQL"
    psql_bench -d "$BENCH_DB" <<SQL
INSERT INTO assets (id, ticker, name, normalized_name, market_cap_usd, created_at, updated_at)
SELECT gen_random_uuid(), 'T' || lpad(a::text, 4, '0'), 'Token ' || a, 'token ' || a, ($ASSETS - a + 1)::numeric * 1000000, now(), now()
FROM generate_series(1, $ASSETS) AS a;
INSERT INTO asset_sources (source, source_asset_id, asset_id, method, confidence, created_at)
SELECT (ARRAY['coinpaprika','coingecko','csv'])[1 + (substr(ticker, 2)::int % 3)], lower(ticker), id, 'new', 1, now() FROM assets;
INSERT INTO quotes (source, source_asset_id, observed_at, asset_id, ticker, name, price_usd, market_cap_usd, volume_24h_usd,
                    percent_change_24h, source_updated_at, ingested_at, run_id)
SELECT m.source, m.source_asset_id, TIMESTAMPTZ '$FIRST_OBSERVED' + make_interval(mins => h * $STEP_MINUTES),
       a.id, a.ticker, a.name, round((1 + random() * 1000)::numeric, 8), round((random() * 1e9)::numeric, 2),
       round((random() * 1e7)::numeric, 2), round((random() * 20 - 10)::numeric, 4),
       TIMESTAMPTZ '$FIRST_OBSERVED' + make_interval(mins => h * $STEP_MINUTES), now(), '00000000-0000-4000-8000-00000000a0a0'
FROM assets a JOIN asset_sources m ON m.asset_id = a.id CROSS JOIN generate_series(0, $per_asset - 1) AS h;
VACUUM ANALYZE;
SQL
}

# --- measuring -----------------------------------------------------------------------------------------------------

# wrk_run LABEL URL [wrk options...] -> "rps p50_ms p99_ms non2xx"
wrk_run() {
    local label="$1" url="$2" out
    shift 2
    out="$BENCH_LOGS/wrk-$label.txt"
    wrk -t2 -c"$BENCH_CONNECTIONS" -d"${BENCH_SECONDS}s" --latency --timeout 5s "$@" "$url" >"$out" 2>&1 || die "wrk failed: $(cat "$out")"
    local rps p50 p99 non2xx
    rps="$(awk '/^Requests\/sec:/ { print $2 }' "$out")"
    p50="$(awk '$1 == "50%" { print $2 }' "$out" | to_ms)"
    p99="$(awk '$1 == "99%" { print $2 }' "$out" | to_ms)"
    non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $5 }' "$out")"
    echo "$rps $p50 $p99 ${non2xx:-0}"
}

# wrk prints 1.23ms, 456.00us or 1.02s
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }'; }

# pgbench_run LABEL SQL -> "tps p50_ms p99_ms"; with SQL "-", the pgbench options after it name the scripts.
pgbench_run() {
    local label="$1" sql="$2"
    shift 2
    local dir="$BENCH_LOGS/pgbench-$label"
    rm -rf "$dir" && mkdir -p "$dir"
    if [[ $sql != - ]]; then
        printf '%s;\n' "$sql" >"$dir/script.sql"
        set -- -f script.sql
    fi
    (cd "$dir" && "$PG_BINDIR/pgbench" -h 127.0.0.1 -p "$BENCH_PORT" -U "$BENCH_USER" -n -M prepared \
        -c "$BENCH_CONNECTIONS" -j 2 -T "$BENCH_SECONDS" -l "$@" "$BENCH_DB" >"$dir/out.txt" 2>&1) \
        || die "pgbench failed: $(tail -n 5 "$dir/out.txt")"
    local tps
    tps="$(awk '/^tps = / { print $3 }' "$dir/out.txt")"
    # Per-transaction log: the third column is the latency in microseconds.
    cat "$dir"/pgbench_log.* | awk '{ print $3 }' | sort -n >"$dir/latencies"
    local n p50 p99
    n="$(wc -l <"$dir/latencies")"
    p50="$(awk -v n="$n" 'NR == int(n * 0.50) + 1 { printf "%.2f", $1 / 1000; exit }' "$dir/latencies")"
    p99="$(awk -v n="$n" 'NR == int(n * 0.99) + 1 { printf "%.2f", $1 / 1000; exit }' "$dir/latencies")"
    echo "$tps $p50 $p99"
}

# start_api LABEL [VAR=value ...]: the API on a free port with the given settings; sets API_BASE.
start_api() {
    local label="$1" port app_env
    shift
    port="$(free_port 18480)"
    read -r -a app_env <<<"${BENCH_APP_ENV:-}"
    log "starting the API ($label) on 127.0.0.1:$port"
    env DATABASE_URL="$DB_URL" PORT="$port" ASPNETCORE_URLS="http://127.0.0.1:$port" ETL_ON_STARTUP=false ETL_INTERVAL=0 \
        API_RATE_LIMIT=0 LOG_FORMAT=json Logging__LogLevel__Default=Warning "$@" "${app_env[@]}" \
        dotnet "$BENCH_APP/Kasparro.WebApi.dll" serve >"$BENCH_LOGS/app-$label.log" 2>&1 &
    APP_PID_BENCH=$!
    API_BASE="http://127.0.0.1:$port"
    for _ in $(seq 1 120); do curl -fsS "$API_BASE/health/live" >/dev/null 2>&1 && break; sleep 0.5; done
    curl -fsS "$API_BASE/health/live" >/dev/null || die "the API did not start (log: $BENCH_LOGS/app-$label.log)"
}

stop_api() {
    if [[ -n $APP_PID_BENCH ]]; then kill "$APP_PID_BENCH" 2>/dev/null || true; wait "$APP_PID_BENCH" 2>/dev/null || true; fi
    APP_PID_BENCH=""
}

# Part 1: GET /v1/data against the identical SQL. Sets CASE_ROWS and DEPTH.
identical_sql_cases() {
    # The SQL the API sends for each case (QuoteSql): the same text, so pgbench runs it prepared as Npgsql does.
    local cols="asset_id, ticker, name, source, source_asset_id, trim_scale(price_usd) AS price, trim_scale(market_cap_usd) AS market_cap, trim_scale(volume_24h_usd) AS volume_24h, trim_scale(percent_change_24h) AS percent_change, observed_at, ingested_at"
    local order="ORDER BY observed_at DESC, source DESC, source_asset_id DESC LIMIT 51"
    local base="$API_BASE"

    # A position 10,000 pages of 50 deep, reached by walking the API itself with cursors (1,000 pages of 500).
    local cursor="" walked=0 page
    DEPTH=$((10000 * 50))
    (( DEPTH < BENCH_QUOTES )) || DEPTH=$((BENCH_QUOTES / 2))
    log "walking $DEPTH quotes deep by cursor"
    while (( walked < DEPTH )); do
        page="$(curl -fsS "$base/v1/data?limit=500${cursor:+&cursor=$cursor}")"
        cursor="$(python3 -c 'import json,sys,urllib.parse; print(urllib.parse.quote(json.load(sys.stdin)["pagination"]["next_cursor"], safe=""))' <<<"$page")"
        walked=$((walked + 500))
    done
    local deep_row
    deep_row="$(curl -fsS "$base/v1/data?limit=1&cursor=$cursor" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"][0]; print(r["observed_at"], r["source"], r["source_asset_id"], sep="|")')"
    local deep_at deep_source deep_id
    IFS='|' read -r deep_at deep_source deep_id <<<"$deep_row"

    # Warm both paths once so neither pays for first-touch I/O.
    curl -fsS "$base/v1/data?ticker=T0001&limit=50" >/dev/null
    curl -fsS "$base/v1/data?limit=50" >/dev/null

    CASE_ROWS=()
    local label url sql
    while IFS=$'\t' read -r label url sql; do
        log "measuring: $label (${BENCH_SECONDS}s each, $BENCH_CONNECTIONS connections)"
        local api db
        # Unmeasured warm-up: the .NET tiered JIT recompiles a path's hot methods only after they have run a while.
        wrk -t2 -c"$BENCH_CONNECTIONS" -d"${BENCH_WARMUP_SECONDS}s" "$base$url" >/dev/null 2>&1 || true
        api="$(wrk_run "$label" "$base$url")"
        db="$(pgbench_run "$label" "$sql")"
        CASE_ROWS+=("$label|$url|$api|$db")
    done <<EOF_CASES
ticker	/v1/data?ticker=T0001&limit=50	SELECT $cols FROM quotes WHERE ticker = 'T0001' $order
first-page	/v1/data?limit=50	SELECT $cols FROM quotes $order
deep-cursor	/v1/data?limit=50&cursor=$cursor	SELECT $cols FROM quotes WHERE (observed_at, source, source_asset_id) < ('$deep_at', '$deep_source', '$deep_id') $order
EOF_CASES
}

report_identical_sql() {
    echo
    echo "## $BENCH_TITLE: GET /v1/data vs the identical SQL (wrk vs pgbench), response cache off"
    echo
    echo "$MACHINE"
    echo
    echo "| case | API req/s | API p50 ms | API p99 ms | non-2xx | pgbench tps | SQL p50 ms | SQL p99 ms | API/SQL | ratio ≥ $TARGET_RATIO | p99 < $TARGET_P99_MS ms |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    local r label url api db rps p50 p99 non2xx tps sp50 sp99 ratio
    for r in "${CASE_ROWS[@]}"; do
        IFS='|' read -r label url api db <<<"$r"
        read -r rps p50 p99 non2xx <<<"$api"
        read -r tps sp50 sp99 <<<"$db"
        ratio="$(calc "$rps / $tps")"
        echo "| $label | $(calc "$rps" %.0f) | $p50 | $p99 | $non2xx | $(calc "$tps" %.0f) | $sp50 | $sp99 | $ratio | $(pass_miss "$ratio >= $TARGET_RATIO") | $(pass_miss "$p99 < $TARGET_P99_MS") |"
    done
    echo
    echo "Deep cursor: the page after quote $DEPTH, reached by walking the API; URLs: ticker \`/v1/data?ticker=T0001&limit=50\`, first page \`/v1/data?limit=50\`."
}

main() {
    install -d "$BENCH_DIR" "$BENCH_LOGS"
    ensure_postgres_binaries
    ensure_tools wrk:wrk curl:curl
    command -v python3 >/dev/null || apt_install python3
    use_bench_app "$BENCH_APP" "$BENCH_LOGS/publish.log"
    start_cluster
    psql_bench -d postgres -c "CREATE DATABASE $BENCH_DB" >/dev/null
    DB_URL="postgres://$BENCH_USER@127.0.0.1:$BENCH_PORT/$BENCH_DB"
    DATABASE_URL="$DB_URL" dotnet "$BENCH_APP/Kasparro.WebApi.dll" migrate >"$BENCH_LOGS/migrate.log" 2>&1 || die "migrate failed"
    local loaded_at
    loaded_at="$(date +%s)"
    load_quotes
    LOAD_SECONDS=$(($(date +%s) - loaded_at))
    # Flush what the load left dirty, so that no case (the first, in practice) runs during a checkpoint's writes.
    psql_bench -d "$BENCH_DB" -c CHECKPOINT >/dev/null
    MACHINE="$((PER_ASSET * ASSETS)) quotes ($ASSETS assets), $BENCH_CONNECTIONS connections, ${BENCH_SECONDS}s each after ${BENCH_WARMUP_SECONDS}s of unmeasured API warm-up, $(nproc) cores (wrk, the API, pgbench and PostgreSQL share them), kernel $(uname -r)."

    # Cold: the response cache off, as the identical-SQL comparison needs.
    start_api cold RESPONSE_CACHE_MB=0
    identical_sql_cases
    if ((BENCH_MIX)); then
        mix_prepare
        mix_measure cold
        mix_pgbench
        stop_api
        start_api warm
        mix_measure warm
        mix_measure_under_writes
    fi
    stop_api
    ((BENCH_INCREMENTAL_ROWS == 0)) || incremental

    report_identical_sql
    ((BENCH_MIX == 0)) || report_mix
    ((BENCH_INCREMENTAL_ROWS == 0)) || report_incremental
}

main "$@"

#!/usr/bin/env bash
# Bulk-load benchmark: our `ingest --source csv` against a pure-SQL baseline of the same load, on a throwaway
# PostgreSQL cluster. Everything lives under .data/bench (git-ignored); the cluster is removed at the end.
#
#   make bench                          # 1,000,000 rows (the CSV is generated once and cached)
#   BENCH_ROWS=20000 make bench         # quick smoke run
#   BENCH_BATCH_SIZES="5000 20000 50000" make bench   # also time ours at each INGEST_BATCH_SIZE (diagnostic)
#   BENCH_ONLY=api make bench           # only the API ingest part (CoinPaprika listing from a local stub)
#   BENCH_ONLY=csv make bench           # only the CSV part
#   BENCH_APP_DIR=/path make bench      # measure an app published there (another commit, for an A/B) instead of publishing
#   BENCH_PG_EXTRA="wal_buffers=64MB" make bench   # extra settings for the throwaway cluster (experiments)
#
# Targets are reported (PASS/MISS), not asserted: the exit code is non-zero only when something errored
# (a failed ingest, a wrong row count, a tool missing). The summary on stdout is Markdown.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

BENCH_ROWS="${BENCH_ROWS:-1000000}"
BENCH_BATCH_SIZES="${BENCH_BATCH_SIZES:-}"
BENCH_ONLY="${BENCH_ONLY:-}"
BENCH_DIR="$DATA_DIR/bench"
BENCH_PG="$BENCH_DIR/pg"
BENCH_PG_LOG="$BENCH_DIR/pg.log"
BENCH_APP="$BENCH_DIR/app"
BENCH_LOGS="$BENCH_DIR/logs"
BENCH_USER=bench
BENCH_RUN_ID=00000000-0000-4000-8000-00000000b0b0
# What ships (lib.sh), plus experiments: BENCH_PG_EXTRA is a space-separated list of name=value settings.
read -r -a PG_EXTRA_SETTINGS <<<"${BENCH_PG_EXTRA:-}"
PG_SETTINGS=("${PG_SERVER_SETTINGS[@]}" "${PG_EXTRA_SETTINGS[@]}")

TARGET_RATIO=1.5      # ours / baseline wall time
TARGET_RSS_MB=300     # our peak resident memory
TARGET_RERUN_S=2      # re-ingesting the unchanged file
TARGET_API_TPS=20000  # API tickers per second, end to end

[[ $BENCH_ROWS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROWS must be a positive integer (got '$BENCH_ROWS')"
if [[ $BENCH_ROWS == 1000000 ]]; then CSV="$BENCH_DIR/quotes_1m.csv"; else CSV="$BENCH_DIR/quotes_$BENCH_ROWS.csv"; fi

# --- small helpers -----------------------------------------------------------------------------------------------

now_ns() { date +%s%N; }
# Seconds between two now_ns readings, 3 decimals.
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
# calc 'expression' -> number formatted with $2 (default %.2f).
calc() { awk "BEGIN { printf \"${2:-%.2f}\", $1 }"; }
# pass_miss 'condition' -> PASS or MISS.
pass_miss() { awk "BEGIN { exit !($1) }" && echo PASS || echo MISS; }
# json_field LINE KEY -> the value of a flat JSON field (numbers and simple strings).
json_field() { grep -o "\"$2\":[^,}]*" <<<"$1" | head -n 1 | cut -d: -f2- | tr -d '"'; }
thousands() { sed -E ':a;s/^([0-9]+)([0-9]{3})/\1,\2/;ta' <<<"$1"; }

ensure_gnu_time() {
    [[ -x /usr/bin/time ]] && /usr/bin/time -v true 2>/dev/null && return 0
    apt_install time
    [[ -x /usr/bin/time ]] || die "GNU time not available at /usr/bin/time"
}

# --- the throwaway cluster ---------------------------------------------------------------------------------------

bench_pg_running() {
    [[ -f $BENCH_PG/PG_VERSION ]] && as_postgres "$PG_BINDIR/pg_ctl" status -D "$BENCH_PG" >/dev/null 2>&1
}

bench_pg_stop() {
    if bench_pg_running; then
        log "stopping the bench PostgreSQL"
        as_postgres "$PG_BINDIR/pg_ctl" stop -w -m fast -D "$BENCH_PG" >/dev/null 2>&1 \
            || as_postgres "$PG_BINDIR/pg_ctl" stop -w -m immediate -D "$BENCH_PG" >/dev/null 2>&1 || true
    fi
    rm -rf "$BENCH_PG"
}

bench_pg_start() {
    bench_pg_stop   # a cluster left by an interrupted run
    as_postgres test -x "$BENCH_DIR" || die "the postgres OS user cannot reach $BENCH_DIR"
    install -d -m 700 -o postgres -g postgres "$BENCH_PG"
    : >"$BENCH_PG_LOG" && chown postgres "$BENCH_PG_LOG"
    # Trust on loopback only: a throwaway cluster with no password to leak, listening on 127.0.0.1, no socket.
    as_postgres "$PG_BINDIR/initdb" -D "$BENCH_PG" -U "$BENCH_USER" --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >>"$BENCH_PG_LOG" 2>&1 || { tail -n 20 "$BENCH_PG_LOG" >&2; die "initdb failed"; }
    BENCH_PORT="$(free_port 55499)"
    local opts
    opts="-c listen_addresses=127.0.0.1 -c port=$BENCH_PORT -c unix_socket_directories=''$(pg_setting_options "${PG_SETTINGS[@]}")"
    log "starting the bench PostgreSQL on 127.0.0.1:$BENCH_PORT (${PG_SETTINGS[*]}, fsync on)"
    as_postgres "$PG_BINDIR/pg_ctl" start -w -t 60 -D "$BENCH_PG" -l "$BENCH_PG_LOG" -o "$opts" >/dev/null \
        || { tail -n 20 "$BENCH_PG_LOG" >&2; die "the bench PostgreSQL did not start"; }
}

# bench_psql DB [psql args...]
bench_psql() {
    local db="$1"; shift
    "$PG_BINDIR/psql" -h 127.0.0.1 -p "$BENCH_PORT" -U "$BENCH_USER" -d "$db" -X -v ON_ERROR_STOP=1 -qAt "$@"
}

fresh_database() {
    bench_psql postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
}

database_url_for() { printf 'postgres://%s@127.0.0.1:%s/%s' "$BENCH_USER" "$BENCH_PORT" "$1"; }

# Flushes dirty buffers so that neither contender pays for the other's checkpoint.
checkpoint() { bench_psql postgres -c CHECKPOINT >/dev/null; }

# CPU seconds used by the server so far: the postmaster, its live children and its reaped children (backends).
server_cpu_seconds() {
    local pm ticks total=0 pid
    pm="$(head -n 1 "$BENCH_PG/postmaster.pid")"
    ticks="$(getconf CLK_TCK)"
    total=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat")
    for pid in $(pgrep -P "$pm" || true); do
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    calc "$total / $ticks"
}

# Waits until no client session of database $1 is left (so its backend's CPU has been reaped).
wait_sessions_closed() {
    local tries=0
    while (( $(bench_psql postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$1'") > 0 )); do
        ((tries++ < 100)) || { warn "sessions of $1 still open"; return 0; }
        sleep 0.1
    done
    sleep 0.5   # let the postmaster reap the exited backends (their CPU moves to its cutime then)
}

# --- inputs --------------------------------------------------------------------------------------------------------

ensure_csv() {
    local gen=scripts/bench/gen_quotes.awk inputs=(data/btc-usd-max.csv data/eth-usd-max.csv)
    if [[ -f $CSV && $CSV -nt $gen && $(wc -l <"$CSV") -eq $((BENCH_ROWS + 1)) ]]; then
        log "using the cached $(basename "$CSV")"
        return 0
    fi
    log "generating $(basename "$CSV") ($BENCH_ROWS rows from the real BTC and ETH price series)"
    local start; start="$(now_ns)"
    awk -v rows="$BENCH_ROWS" -f "$gen" "${inputs[@]}" >"$CSV.tmp" || die "CSV generation failed"
    mv -f "$CSV.tmp" "$CSV"
    log "generated in $(seconds_between "$start" "$(now_ns)") s"
}

# --- contender A: our app ------------------------------------------------------------------------------------------

app() { dotnet "$BENCH_APP/Kasparro.WebApi.dll" "$@"; }

migrate() {
    DATABASE_URL="$(database_url_for "$1")" LOG_FORMAT=json app migrate >"$BENCH_LOGS/migrate-$1.log" 2>&1 \
        || { tail -n 20 "$BENCH_LOGS/migrate-$1.log" >&2; die "migrate of $1 failed"; }
}

# run_ours DB LABEL [VAR=value ...]: one timed `ingest --source csv`. Sets R_WALL, R_RSS_MB, R_CPU (client user+sys
# seconds), R_SERVER_CPU, R_SUMMARY, R_LOADED, R_SKIPPED, R_STATUS. Dies if the run did not succeed.
run_ours() {
    local db="$1" label="$2"; shift 2
    local out="$BENCH_LOGS/$label.out" err="$BENCH_LOGS/$label.err" tv="$BENCH_LOGS/$label.time"
    local start end cpu0 rc=0
    checkpoint
    cpu0="$(server_cpu_seconds)"
    log "ours ($label): ingest --source csv${*:+ with $*}"
    start="$(now_ns)"
    env "$@" DATABASE_URL="$(database_url_for "$db")" LOG_FORMAT=json \
        /usr/bin/time -v -o "$tv" dotnet "$BENCH_APP/Kasparro.WebApi.dll" ingest --source csv --csv "$CSV" \
        </dev/null >"$out" 2>"$err" || rc=$?
    end="$(now_ns)"
    wait_sessions_closed "$db"
    R_SERVER_CPU="$(calc "$(server_cpu_seconds) - $cpu0")"
    R_WALL="$(seconds_between "$start" "$end")"
    R_SUMMARY="$(grep '^{"source"' "$out" | tail -n 1 || true)"
    R_STATUS="$(json_field "$R_SUMMARY" status)"
    R_LOADED="$(json_field "$R_SUMMARY" loaded)"
    R_SKIPPED="$(json_field "$R_SUMMARY" skipped)"
    R_RSS_MB="$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$tv")"
    R_CPU="$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$tv")"
    if ((rc != 0)) || [[ $R_STATUS != succeeded ]]; then
        tail -n 20 "$err" >&2
        die "ours ($label) did not succeed (exit $rc, summary: ${R_SUMMARY:-none}; logs in $BENCH_LOGS)"
    fi
    log "ours ($label): ${R_WALL}s, summary $R_SUMMARY"
}

# run_api: the CoinPaprika source end to end on the recorded 2,500-ticker listing, served by a local stub
# (scripts/bench/stub_api.py), into a fresh database; then the same listing again (every ticker unchanged).
# Sets API_* figures. The target's tickers/s is read "after the response arrives": from the app's log line for the
# response headers (HttpClient, Information) to its "Run of coinpaprika ended" line, both timestamped by the app
# (ms); the body is streamed and parsed inside that window. Each run is a fresh `ingest` process, so the window
# includes the JIT compiling the parse and write paths. The run's own duration_ms (lock, run row, fetch) is shown too.
run_api() {
    local fixture="$ROOT/tests/IntegrationTests/Sources/Fixtures/coinpaprika/tickers_usd_2500_2023-08-11.json"
    local portfile="$BENCH_DIR/stub.port" pid port label
    [[ -f $fixture ]] || die "missing $fixture"
    command -v python3 >/dev/null || apt-get install -y --no-install-recommends python3 >&2 || die "python3 is needed for the API stub"
    rm -f "$portfile"
    python3 "$ROOT/scripts/bench/stub_api.py" "$fixture" "$portfile" &
    pid=$!
    for _ in $(seq 100); do [[ -s $portfile ]] && break; sleep 0.1; done
    port="$(cat "$portfile")" || die "the API stub did not start"
    fresh_database bench_api
    migrate bench_api
    for label in api-first api-unchanged; do
        checkpoint
        env DATABASE_URL="$(database_url_for bench_api)" LOG_FORMAT=json COINPAPRIKA_BASE_URL="http://127.0.0.1:$port/v1/" \
            COINPAPRIKA_RATE_LIMIT=1000/s /usr/bin/time -v -o "$BENCH_LOGS/$label.time" \
            dotnet "$BENCH_APP/Kasparro.WebApi.dll" ingest --source coinpaprika </dev/null >"$BENCH_LOGS/$label.out" 2>"$BENCH_LOGS/$label.err" \
            || { kill "$pid"; tail -n 20 "$BENCH_LOGS/$label.err" >&2; die "API ingest ($label) failed"; }
        local summary ms rss after read
        summary="$(grep '^{"source"' "$BENCH_LOGS/$label.out" | tail -n 1)"
        ms="$(json_field "$summary" duration_ms)"
        read="$(json_field "$summary" read)"
        rss="$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$BENCH_LOGS/$label.time")"
        after="$(after_response_windows "$BENCH_LOGS/$label.err" | awk 'NR == 1 { print $1 }')"
        [[ -n $after ]] || die "API ingest ($label): no response or run-end line in its log"
        printf -v "API_${label//-/_}" '%s' "| $label | $read | $(json_field "$summary" loaded) | $(json_field "$summary" skipped) | ${after} ms | $(thousands "$(calc "$read * 1000 / $after" %.0f)") | ${ms} ms | ${rss} MB |"
        [[ $label == api-first ]] && API_FIRST_TPS="$(calc "$read * 1000 / $after" %.0f)"
        log "API ($label): $summary"
    done
    kill "$pid" 2>/dev/null || true
}

# run_api_warm: the same listing through a running server (`serve`), the way the scheduler and `POST /v1/runs` run it,
# one run after the other, from a stub that moves every ticker's last_updated on each request: run 1 is a first load in
# a fresh server (2,500 new assets, code not yet compiled), every later run loads 2,500 new quotes into known assets
# (the steady state of a schedule). BENCH_API_WARMUP runs (default 120) let the tiered JIT finish: a method called once
# per run is recompiled only after some 30 and again after some 60 calls, so methods compiled per run went 325, 99,
# 141, 92, 53 over runs 1-100 (means of 20) and 2, 1, 2.5, 0, 0 over runs 101-200 (DOTNET_JitStdOutFile); then
# 20 runs back to back (a schedule shorter than PostgreSQL's checkpoint interval), 20 runs each right after a
# CHECKPOINT (an hourly schedule: every run then writes each index page it touches to the WAL whole, once), and a last
# run of the same listing again (every ticker unchanged). Sets API_WARM_ROWS (Markdown rows), API_WARM_TPS and
# API_WARM_CKPT_TPS (the two medians, tickers/s).
run_api_warm() {
    local fixture="$ROOT/tests/IntegrationTests/Sources/Fixtures/coinpaprika/tickers_usd_2500_2023-08-11.json"
    local warmup="${BENCH_API_WARMUP:-120}" log="$BENCH_LOGS/api-warm.log" portfile="$BENCH_DIR/stub-move.port" token app_port stub app i
    [[ $warmup =~ ^[0-9]+$ ]] || die "BENCH_API_WARMUP must be a whole number (got '$warmup')"
    rm -f "$portfile" "$portfile.hold"
    python3 "$ROOT/scripts/bench/stub_api.py" "$fixture" "$portfile" --move &
    stub=$!
    for _ in $(seq 100); do [[ -s $portfile ]] && break; sleep 0.1; done
    fresh_database bench_api_warm
    migrate bench_api_warm
    token="$(random_secret)"   # this process's own, never written down
    app_port="$(free_port 58080)"
    log "API (warm): serve on 127.0.0.1:$app_port; 1 + $warmup warm-up runs, 20 back to back, 20 after a CHECKPOINT each, 1 unchanged"
    : >"$log"
    env DATABASE_URL="$(database_url_for bench_api_warm)" LOG_FORMAT=json SOURCES=coinpaprika ETL_ON_STARTUP=false \
        ETL_INTERVAL=0 ADMIN_TOKEN="$token" PORT="$app_port" API_RATE_LIMIT=0 COINPAPRIKA_RATE_LIMIT=1000/s \
        COINPAPRIKA_BASE_URL="http://127.0.0.1:$(cat "$portfile")/v1/" dotnet "$BENCH_APP/Kasparro.WebApi.dll" serve </dev/null >>"$log" 2>&1 &
    app=$!
    stop_warm() { kill "$app" "$stub" 2>/dev/null; wait "$app" 2>/dev/null || true; }
    for _ in $(seq 300); do curl -fsS -o /dev/null "http://127.0.0.1:$app_port/health/live" 2>/dev/null && break; sleep 0.1; done
    curl -fsS -o /dev/null "http://127.0.0.1:$app_port/health/live" || { stop_warm; die "the server for the warm API runs did not start (log: $log)"; }
    local first_timed=$((warmup + 2)) first_checkpointed=$((warmup + 22)) unchanged=$((warmup + 42))
    checkpoint
    for ((i = 1; i <= unchanged; i++)); do
        ((i < unchanged)) || touch "$portfile.hold"   # the last run reads the listing it read before
        ((i < first_checkpointed)) || checkpoint
        curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            -d '{"source":"coinpaprika"}' "http://127.0.0.1:$app_port/v1/runs" || { stop_warm; die "POST /v1/runs failed (log: $log)"; }
        local ended=0
        for _ in $(seq 1200); do
            (( $(grep -c 'Run of coinpaprika ended' "$log") >= i )) && { ended=1; break; }
            sleep 0.02
        done
        ((ended)) || { stop_warm; die "warm run $i did not end (log: $log)"; }
    done
    stop_warm
    rm -f "$portfile.hold"
    local windows; windows="$(after_response_windows "$log")"
    # quartiles LO HI: "p25 median p75" of the after-response times of runs LO..HI.
    quartiles() {
        awk -v lo="$1" -v hi="$2" 'NR >= lo && NR <= hi { print $1 }' <<<"$windows" | sort -n \
            | awk '{ v[NR] = $1 } END { print v[int((NR - 1) / 4) + 1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[int(3 * (NR - 1) / 4) + 1] }'
    }
    local q
    row() { # LABEL WHAT LO HI
        read -r -a q <<<"$(quartiles "$3" "$4")"
        printf '| %s | %s | %s | %s ms | %s–%s ms | %s |\n' "$1" "$2" "$(awk -v n="$3" 'NR == n { print $2 " read, " $3 " loaded, " $4 " skipped" }' <<<"$windows")" \
            "${q[1]}" "${q[0]}" "${q[2]}" "$(thousands "$(calc "2500 * 1000 / ${q[1]}" %.0f)")"
    }
    API_WARM_ROWS="$(row 1 "first load, fresh server (2,500 new assets)" 1 1)"$'\n'
    API_WARM_ROWS+="$(row "$first_timed–$((first_checkpointed - 1))" "new quotes, known assets, back to back" "$first_timed" $((first_checkpointed - 1)))"$'\n'
    API_WARM_ROWS+="$(row "$first_checkpointed–$((unchanged - 1))" "new quotes, known assets, each after a CHECKPOINT" "$first_checkpointed" $((unchanged - 1)))"$'\n'
    API_WARM_ROWS+="$(row "$unchanged" "the same listing again (unchanged)" "$unchanged" "$unchanged")"
    read -r -a q <<<"$(quartiles "$first_timed" $((first_checkpointed - 1)))"
    API_WARM_TPS="$(calc "2500 * 1000 / ${q[1]}" %.0f)"
    read -r -a q <<<"$(quartiles "$first_checkpointed" $((unchanged - 1)))"
    API_WARM_CKPT_TPS="$(calc "2500 * 1000 / ${q[1]}" %.0f)"
}

# Per run of a JSON log (file $1), in order: milliseconds from the response headers to the run's end, then read, loaded
# and skipped.
after_response_windows() {
    python3 - "$1" <<'PY'
import datetime, json, re, sys
def at(line): return datetime.datetime.fromisoformat(line["Timestamp"].replace("Z", "+00:00"))
response = None
for text in open(sys.argv[1], encoding="utf-8"):
    try:
        line = json.loads(text)
    except ValueError:
        continue
    message = line.get("Message", "")
    if message.startswith("Received HTTP response headers"):
        response = at(line)
    elif message.startswith("Run of coinpaprika ended") and response is not None:
        counts = re.search(r"read (\d+), loaded (\d+), skipped (\d+)", message)
        print(round((at(line) - response).total_seconds() * 1000), *counts.groups())
        response = None
PY
}


# Sum of the per-batch write times the app logs at Debug level ("Batch of csv written ... in N ms").
batch_write_seconds() {
    grep -o 'rejected in [0-9]* ms' "$1" | awk '{ s += $3 } END { printf "%.1f", s / 1000 }'
}

# --- contender B: pure SQL -----------------------------------------------------------------------------------------

# Sets B_WALL, B_SERVER_CPU, B_COUNT.
run_baseline() {
    local db=bench_sql start end cpu0 updated_at
    fresh_database "$db"
    migrate "$db"
    updated_at="$(date -u -r "$CSV" '+%Y-%m-%d %H:%M:%S+00')"
    checkpoint
    cpu0="$(server_cpu_seconds)"
    log "baseline: psql \\copy + one INSERT ... ON CONFLICT"
    start="$(now_ns)"
    bench_psql "$db" -v run_id="$BENCH_RUN_ID" -v source_updated_at="$updated_at" \
        -f scripts/bench/baseline.sql <"$CSV" >"$BENCH_LOGS/baseline.out" 2>&1 \
        || { tail -n 20 "$BENCH_LOGS/baseline.out" >&2; die "the baseline failed"; }
    end="$(now_ns)"
    wait_sessions_closed "$db"
    B_SERVER_CPU="$(calc "$(server_cpu_seconds) - $cpu0")"
    B_WALL="$(seconds_between "$start" "$end")"
    B_COUNT="$(bench_psql "$db" -c "SELECT count(*) FROM quotes WHERE source = 'csv'")"
    [[ $B_COUNT == "$BENCH_ROWS" ]] || die "the baseline loaded $B_COUNT quotes, expected $BENCH_ROWS"
    log "baseline: ${B_WALL}s"
}

# Both databases hold the same quotes? (count, sums of the amounts, date range)
quotes_fingerprint() {
    bench_psql "$1" -c "SELECT count(*), sum(price_usd), sum(market_cap_usd), sum(volume_24h_usd), min(observed_at), max(observed_at), count(DISTINCT asset_id) FROM quotes"
}

# --- report --------------------------------------------------------------------------------------------------------

machine_info() {
    local cpu mem pgv dn commit
    cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
    mem="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    pgv="$(bench_psql postgres -c 'SHOW server_version')"
    dn="$(dotnet --version 2>/dev/null) SDK, runtime $(dotnet --list-runtimes 2>/dev/null | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }')"
    commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    [[ -z "$(git status --porcelain -- src 2>/dev/null)" ]] || commit+=" (src/ has uncommitted changes)"
    [[ -z ${BENCH_APP_DIR:-} ]] || commit="the app in $BENCH_APP_DIR"
    echo "| machine | |"
    echo "|---|---|"
    echo "| CPU | ${cpu:-unknown}, $(nproc) cores available (nproc) |"
    echo "| memory | $mem |"
    # shellcheck source=/dev/null
    echo "| OS | $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r) |"
    echo "| PostgreSQL | $pgv, defaults + ${PG_SETTINGS[*]}, fsync on, same cluster for both |"
    echo "| .NET | $dn |"
    echo "| commit | $commit |"
    echo "| input | $(thousands "$BENCH_ROWS") rows, $(calc "$(stat -c %s "$CSV") / 1048576" %.1f) MiB ($(basename "$CSV")) |"
}

report_api() {
    echo
    echo "API ingest (CoinPaprika source, the recorded 2,500-ticker listing from a local stub, a fresh \`ingest\` process per run; target ≥ ${TARGET_API_TPS} tickers/s after the response arrives, peak RSS < ${TARGET_RSS_MB} MB):"
    echo
    echo "| run | read | loaded | skipped | after the response | tickers/s after the response | run duration | peak RSS |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    # Set by printf -v "API_<label>" in the API runs above.
    # shellcheck disable=SC2154
    echo "$API_api_first"
    # shellcheck disable=SC2154
    echo "$API_api_unchanged"
    echo
    echo "Fresh process, first load: $(thousands "$API_FIRST_TPS") tickers/s after the response: $(pass_miss "$API_FIRST_TPS >= $TARGET_API_TPS")"
    echo
    echo "The same listing through a running server (\`serve\`, runs started by \`POST /v1/runs\` one after the other; the stub moves every ticker's last_updated on each request; ${BENCH_API_WARMUP:-120} runs of JIT warm-up not shown):"
    echo
    echo "| runs | what | counts (of the first) | median after the response | p25–p75 | tickers/s (median) |"
    echo "|---|---|---|---:|---:|---:|"
    echo "$API_WARM_ROWS"
    echo
    echo "Steady state, back to back: $(thousands "$API_WARM_TPS") tickers/s after the response: $(pass_miss "$API_WARM_TPS >= $TARGET_API_TPS")"
    echo "Steady state, each run after a CHECKPOINT: $(thousands "$API_WARM_CKPT_TPS") tickers/s after the response: $(pass_miss "$API_WARM_CKPT_TPS >= $TARGET_API_TPS")"
}

report() {
    local ratio ours_rps base_rps
    ratio="$(calc "$A_WALL / $B_WALL")"
    ours_rps="$(calc "$A_LOADED / $A_WALL" %.0f)"
    base_rps="$(calc "$B_COUNT / $B_WALL" %.0f)"
    echo
    echo "## Bulk load benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'))"
    echo
    machine_info
    echo
    echo "| measure | ours (\`ingest --source csv\`) | baseline (psql \\copy + 1 upsert) | target | result |"
    echo "|---|---:|---:|---|---|"
    echo "| wall time, $(thousands "$BENCH_ROWS") rows | ${A_WALL} s | ${B_WALL} s | | |"
    echo "| ours / baseline | ${ratio}x | | ≤ ${TARGET_RATIO}x | $(pass_miss "$ratio <= $TARGET_RATIO") |"
    echo "| rows/s | $(thousands "$ours_rps") | $(thousands "$base_rps") | | |"
    echo "| peak RSS (client) | ${A_RSS_MB} MB | | ≤ ${TARGET_RSS_MB} MB | $(pass_miss "$A_RSS_MB <= $TARGET_RSS_MB") |"
    echo "| client CPU (user+sys) | ${A_CPU} s | | | |"
    echo "| server CPU (all PostgreSQL processes) | ${A_SERVER_CPU} s | ${B_SERVER_CPU} s | | |"
    echo "| re-run, unchanged file | ${RERUN_WALL} s (loaded $RERUN_LOADED, skipped $(thousands "$RERUN_SKIPPED")) | | < ${TARGET_RERUN_S} s | $(pass_miss "$RERUN_WALL < $TARGET_RERUN_S") |"
    echo
    echo "Same quotes in both databases (count, sums, date range, assets): $SAME_QUOTES"
    echo
    echo "Our summary line: \`$A_SUMMARY\`"
    echo
    echo "Re-run summary line: \`$RERUN_SUMMARY\`"
    if [[ -n $SWEEP_ROWS ]]; then
        echo
        echo "INGEST_BATCH_SIZE sweep (ours, fresh database each, Debug logs on to sum the per-batch write time):"
        echo
        echo "| INGEST_BATCH_SIZE | wall | rows/s | peak RSS | client CPU | server CPU | Σ batch write (DB side of the pipeline) |"
        echo "|---:|---:|---:|---:|---:|---:|---:|"
        printf '%s' "$SWEEP_ROWS"
    fi
    [[ $BENCH_ONLY == csv ]] || report_api
    echo
    echo "Wall times include process start-up (dotnet host, psql). Logs: .data/bench/logs/."
}

sweep() {
    local size db
    SWEEP_ROWS=""
    for size in $BENCH_BATCH_SIZES; do
        [[ $size =~ ^[1-9][0-9]*$ ]] || die "BENCH_BATCH_SIZES: '$size' is not a positive integer"
        db="bench_app_$size"
        fresh_database "$db"
        migrate "$db"
        run_ours "$db" "sweep-$size" INGEST_BATCH_SIZE="$size" Logging__LogLevel__Default=Debug
        [[ $R_LOADED == "$BENCH_ROWS" ]] || die "sweep $size loaded $R_LOADED, expected $BENCH_ROWS"
        SWEEP_ROWS+="| $size | ${R_WALL} s | $(thousands "$(calc "$R_LOADED / $R_WALL" %.0f)") | ${R_RSS_MB} MB | ${R_CPU} s | ${R_SERVER_CPU} s | $(batch_write_seconds "$BENCH_LOGS/sweep-$size.err") s |"$'\n'
        bench_psql postgres -c "DROP DATABASE $db" >/dev/null
    done
}

main() {
    mkdir -p "$BENCH_DIR" "$BENCH_LOGS"
    chmod o+x "$DATA_DIR" "$BENCH_DIR" 2>/dev/null || true
    ensure_postgres_binaries
    ensure_gnu_time
    [[ -z $BENCH_ONLY || $BENCH_ONLY == api || $BENCH_ONLY == csv ]] || die "BENCH_ONLY can only be 'api' or 'csv' (got '$BENCH_ONLY')"
    [[ $BENCH_ONLY == api ]] || ensure_csv
    use_bench_app "$BENCH_APP" "$BENCH_LOGS/publish.log"

    trap bench_pg_stop EXIT
    bench_pg_start

    if [[ $BENCH_ONLY == api ]]; then
        run_api
        run_api_warm
        echo
        echo "## API ingest benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
        report_api
        return
    fi

    # Contender A: our app, fresh database, migrated.
    fresh_database bench_app
    migrate bench_app
    run_ours bench_app ingest
    [[ $R_LOADED == "$BENCH_ROWS" ]] || die "ours loaded $R_LOADED quotes, expected $BENCH_ROWS (summary: $R_SUMMARY)"
    A_WALL="$R_WALL" A_RSS_MB="$R_RSS_MB" A_CPU="$R_CPU" A_SERVER_CPU="$R_SERVER_CPU" A_SUMMARY="$R_SUMMARY" A_LOADED="$R_LOADED"

    # Contender B: the same load in pure SQL.
    run_baseline

    # The unchanged file again: skipped without parsing.
    run_ours bench_app rerun
    RERUN_WALL="$R_WALL" RERUN_SUMMARY="$R_SUMMARY" RERUN_LOADED="$R_LOADED" RERUN_SKIPPED="$R_SKIPPED"
    [[ $RERUN_LOADED == 0 && $RERUN_SKIPPED == "$BENCH_ROWS" ]] \
        || die "the re-run should load 0 and skip $BENCH_ROWS (summary: $RERUN_SUMMARY)"

    if [[ "$(quotes_fingerprint bench_app)" == "$(quotes_fingerprint bench_sql)" ]]; then
        SAME_QUOTES=yes
    else
        SAME_QUOTES="NO (ours: $(quotes_fingerprint bench_app); baseline: $(quotes_fingerprint bench_sql))"
        warn "the two contenders stored different quotes: $SAME_QUOTES"
    fi

    if [[ $BENCH_ONLY != csv ]]; then
        # The two million quotes just loaded would keep autovacuum busy through the API part: they are done with.
        bench_psql postgres -c "DROP DATABASE bench_app" -c "DROP DATABASE bench_sql" >/dev/null
        run_api
        run_api_warm
    fi
    sweep
    report
}

main "$@"

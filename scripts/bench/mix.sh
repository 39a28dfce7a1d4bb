# shellcheck shell=bash
# The read mix of scripts/bench_api.sh (parts 2 and 3) and its incremental re-run (make bench-scale), sourced by it:
# API_BASE, DB_URL, BENCH_*, ASSETS, STEP_MINUTES, MACHINE and its helpers (wrk_run, pgbench_run, psql_bench, calc,
# pass_miss) come from there.
# shellcheck disable=SC2154

MIX_LUA="$ROOT/scripts/bench/mix.lua"
MIX_SQL="$ROOT/scripts/bench/mix"
TARGET_MIX_RATIO=2       # warm mix requests/s over pgbench's transactions/s on the same mix
TARGET_MIX_P99_MS=10
TARGET_WRITES_P99_MS=25
TARGET_RERUN_S=2         # make bench's floor for re-reading an unchanged file
# The mix's unmeasured warm-up: a fresh server keeps getting faster for about half a minute under the mix (the tiered
# JIT recompiling the whole request path with its profile), and a server in service has long been past that.
BENCH_MIX_WARMUP_SECONDS="${BENCH_MIX_WARMUP_SECONDS:-30}"
declare -A MIX_API=()
declare -A MIX_CACHE=()
WRITER_PID=""
LIVE_PID=""

next_cursor() {
    python3 -c 'import json,sys,urllib.parse; c=json.load(sys.stdin)["pagination"]["next_cursor"]; print(urllib.parse.quote(c, safe="") if c else "")'
}

# The mix's material, read from the API (MIX_FILE, see mix.lua): every ticker, most popular first; for the first
# page of everything and of the 50 most popular tickers, the cursors of the second and third pages (when they exist)
# and the first page's ETag.
mix_prepare() {
    export MIX_FILE="$BENCH_LOGS/mix.tsv"
    : >"$MIX_FILE"
    local a path
    for ((a = 1; a <= ASSETS; a++)); do printf 'ticker\tT%04d\n' "$a" >>"$MIX_FILE"; done
    mix_pages "/v1/data?limit=50"
    for ((a = 1; a <= 50 && a <= ASSETS; a++)); do
        mix_pages "/v1/data?ticker=$(printf 'T%04d' "$a")&limit=50"
    done
}

# mix_pages PATH: the first page's ETag and the cursors of the next two pages, as MIX_FILE lines.
mix_pages() {
    local path="$1" etag cursor page="$BENCH_LOGS/mix-page.json"
    etag="$(curl -fsS -D - -o "$page" "$API_BASE$path" | awk 'tolower($1) == "etag:" { sub(/\r$/, "", $2); print $2 }')"
    [[ -n $etag ]] || die "no ETag on $path"
    printf 'etag\t%s\t%s\n' "$path" "$etag" >>"$MIX_FILE"
    cursor="$(next_cursor <"$page")"
    [[ -n $cursor ]] || return 0
    printf 'cursor\t%s\n' "$path&cursor=$cursor" >>"$MIX_FILE"
    cursor="$(curl -fsS "$API_BASE$path&cursor=$cursor" | next_cursor)"
    [[ -z $cursor ]] || printf 'cursor\t%s\n' "$path&cursor=$cursor" >>"$MIX_FILE"
}

# mix_measure LABEL: the mix through wrk against the running API, after its unmeasured warm-up: every distinct read of
# the mix asked once (with the cache on, that fills it), then the mix itself for BENCH_MIX_WARMUP_SECONDS.
mix_measure() {
    log "measuring the mix ($1; ${BENCH_SECONDS}s, $BENCH_CONNECTIONS connections)"
    mix_prefill
    wrk -t2 -c"$BENCH_CONNECTIONS" -d"${BENCH_MIX_WARMUP_SECONDS}s" -s "$MIX_LUA" "$API_BASE" >/dev/null 2>&1 || true
    local before
    before="$(cache_counts)"
    MIX_API[$1]="$(wrk_run "mix-$1" "$API_BASE" -s "$MIX_LUA")"
    MIX_CACHE[$1]="$(counts_since "$before"); peak RSS $(api_peak_rss_mb) MB"
}

# The API process's peak resident memory so far, in MB.
api_peak_rss_mb() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$APP_PID_BENCH/status"; }

# Every distinct read of the mix once, four at a time (one curl, its connections kept): the first page, the cursor
# pages, and each ticker's page, asset and history. (wrk runs for its whole duration even when its threads stop.)
mix_prefill() {
    awk -F'\t' -v base="$API_BASE" '
        BEGIN { print "url = \"" base "/v1/data?limit=50\""; print "output = /dev/null" }
        $1 == "cursor" { print "url = \"" base $2 "\""; print "output = /dev/null" }
        $1 == "ticker" {
            print "url = \"" base "/v1/data?ticker=" $2 "&limit=50\""; print "output = /dev/null"
            print "url = \"" base "/v1/assets/" $2 "\""; print "output = /dev/null"
            print "url = \"" base "/v1/assets/" $2 "/history?interval=1d\""; print "output = /dev/null"
        }' "$MIX_FILE" >"$BENCH_LOGS/prefill.curl"
    curl --parallel --parallel-max 4 --no-progress-meter -f -K "$BENCH_LOGS/prefill.curl" || die "the mix's prefill failed"
}

# The API's response cache counters: "hits misses coalesced bypassed not_modified".
cache_counts() {
    curl -fsS "$API_BASE/metrics" | awk '
        $1 ~ /^response_cache_hits_total/ { h += $NF } $1 ~ /^response_cache_misses_total/ { m += $NF }
        $1 ~ /^response_cache_coalesced_total/ { c += $NF }
        $1 ~ /^response_cache_bypassed_total/ { b += $NF } $1 ~ /^response_cache_not_modified_total/ { n += $NF }
        END { printf "%d %d %d %d %d", h, m, c, b, n }'
}

# counts_since "h m c b n" -> "hits H, misses M, coalesced C, bypassed B, 304s N" over the window since those counts.
counts_since() {
    local h0 m0 c0 b0 n0 h m c b n
    read -r h0 m0 c0 b0 n0 <<<"$1"
    read -r h m c b n <<<"$(cache_counts)"
    echo "hits $((h - h0)), misses $((m - m0)), coalesced $((c - c0)), bypassed $((b - b0)), 304s $((n - n0))"
}

# The statements the mix's requests send when nothing is cached, weighted as the mix (revalidations cost a ticker page).
mix_pgbench() {
    log "measuring the mix's statements with pgbench"
    local newest
    newest="$(psql_bench -d "$BENCH_DB" -c "SELECT to_char(max(observed_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS+00') FROM quotes")"
    MIX_DB="$(pgbench_run mix - -D assets="$ASSETS" -D newest="$newest" -D step="$STEP_MINUTES" \
        -f "$MIX_SQL/ticker.sql@50" -f "$MIX_SQL/first.sql@10" -f "$MIX_SQL/cursor.sql@15" \
        -f "$MIX_SQL/asset.sql@15" -f "$MIX_SQL/history.sql@10")"
}

# A second server on the same database, scheduled every second over a folder that gains one CSV file (a new quote
# of T0001, the most popular ticker) every second: a batch committed by another process every second.
start_writer() {
    local live="$BENCH_DIR/live" port
    rm -rf "$live" && mkdir -p "$live"
    port="$(free_port 18490)"
    log "starting a second server committing a batch every second (127.0.0.1:$port)"
    env DATABASE_URL="$DB_URL" ASPNETCORE_URLS="http://127.0.0.1:$port" SOURCES=csv CSV_PATH="$live" ETL_ON_STARTUP=true \
        ETL_INTERVAL=00:00:01 RESPONSE_CACHE_MB=0 API_RATE_LIMIT=0 LOG_FORMAT=json Logging__LogLevel__Default=Warning \
        dotnet "$BENCH_APP/Kasparro.WebApi.dll" serve >"$BENCH_LOGS/writer.log" 2>&1 &
    WRITER_PID=$!
    for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null 2>&1 && break; sleep 0.5; done
    curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null || die "the writer did not start (log: $BENCH_LOGS/writer.log)"
    write_live_files "$live" &
    LIVE_PID=$!
}

write_live_files() {
    local live="$1" n=0 at
    while :; do
        n=$((n + 1))
        at="$(date -u -d "2031-01-01 00:00:00 UTC + $n minutes" +%Y-%m-%dT%H:%M:%SZ)"
        printf '%s\n' "symbol,name,date,price,market_cap,volume" "T0001,Token 1,$at,$((1000 + n)).5,," >"$live/.next.tmp"
        mv "$live/.next.tmp" "$live/live-$(printf %06d "$n").csv"
        sleep 1
    done
}

stop_writer() {
    if [[ -n $LIVE_PID ]]; then kill "$LIVE_PID" 2>/dev/null || true; wait "$LIVE_PID" 2>/dev/null || true; fi
    if [[ -n $WRITER_PID ]]; then kill "$WRITER_PID" 2>/dev/null || true; wait "$WRITER_PID" 2>/dev/null || true; fi
    LIVE_PID=""
    WRITER_PID=""
}

# Part 3: the warm mix while batches commit, with the freshness check running beside it.
mix_measure_under_writes() {
    start_writer
    local before checker
    before="$(psql_bench -d "$BENCH_DB" -c "SELECT count(*) FROM etl_runs WHERE loaded_count > 0")"
    log "measuring the mix (warm) while a batch commits every second, checking answers against the database"
    python3 "$ROOT/scripts/bench/freshness.py" "$API_BASE" T0001 "$BENCH_SECONDS" \
        "$PG_BINDIR/psql" -X -h 127.0.0.1 -p "$BENCH_PORT" -U "$BENCH_USER" -d "$BENCH_DB" >"$BENCH_LOGS/freshness.txt" 2>&1 &
    checker=$!
    local counts
    counts="$(cache_counts)"
    MIX_API[writes]="$(wrk_run mix-writes "$API_BASE" -s "$MIX_LUA")"
    MIX_CACHE[writes]="$(counts_since "$counts")"
    wait "$checker" || die "the freshness check failed: $(tail -n 5 "$BENCH_LOGS/freshness.txt")"
    FRESHNESS="$(tail -n 1 "$BENCH_LOGS/freshness.txt")"
    COMMITTED=$(($(psql_bench -d "$BENCH_DB" -c "SELECT count(*) FROM etl_runs WHERE loaded_count > 0") - before))
    stop_writer
}

report_mix() {
    local ratio label api rps p50 p99 non2xx tps sp50 sp99 floors
    read -r tps sp50 sp99 <<<"$MIX_DB"
    echo
    echo "## $BENCH_TITLE: a realistic read mix (wrk) vs the same statements (pgbench)"
    echo
    echo "$MACHINE Mix per 100 requests: 30 first pages of a ticker, 10 first pages, 15 cursor pages, 15 \`/v1/assets/{t}\`, 10 histories, 20 revalidations; tickers Zipf-like (s = 1.1). pgbench runs each request's statements with the response cache's help removed (revalidations as ticker pages), tickers by \`random_zipfian\`."
    echo
    echo "| mix | API req/s | API p50 ms | API p99 ms | non-2xx | pgbench tps | SQL p50 ms | SQL p99 ms | API/SQL | floors | the API's cache |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    for label in cold warm writes; do
        api="${MIX_API[$label]:-}"
        [[ -n $api ]] || continue
        read -r rps p50 p99 non2xx <<<"$api"
        ratio="$(calc "$rps / $tps")"
        case "$label" in
            cold) floors="reported" ;;
            warm) floors="ratio ≥ $TARGET_MIX_RATIO: $(pass_miss "$ratio >= $TARGET_MIX_RATIO"); p99 < $TARGET_MIX_P99_MS ms: $(pass_miss "$p99 < $TARGET_MIX_P99_MS")" ;;
            writes) floors="p99 < $TARGET_WRITES_P99_MS ms: $(pass_miss "$p99 < $TARGET_WRITES_P99_MS"); no answer older than its commit: $(pass_miss "$(awk '{ print $4 }' <<<"$FRESHNESS") == 0 && $(awk '{ print $8 }' <<<"$FRESHNESS") == 0 && $(awk '{ print $2 }' <<<"$FRESHNESS") > 0")" ;;
        esac
        echo "| $label | $(calc "$rps" %.0f) | $p50 | $p99 | $non2xx | $(calc "$tps" %.0f) | $sp50 | $sp99 | $ratio | $floors | ${MIX_CACHE[$label]:-} |"
    done
    echo
    echo "Before cold and warm: every distinct read of the mix asked once, then ${BENCH_MIX_WARMUP_SECONDS}s of the mix, unmeasured. cold: \`RESPONSE_CACHE_MB=0\`; warm: the cache on; writes: warm while a second server committed $COMMITTED batches (one every second). Freshness check on T0001: $FRESHNESS (an answer is checked once the API's \`data_version\` shows the commit; one asked before the notice arrived may miss it and is only counted)."
}

# timed_ingest CSV LABEL -> "seconds loaded skipped"
timed_ingest() {
    local start end summary
    start="$(date +%s%N)"
    DATABASE_URL="$DB_URL" LOG_FORMAT=json dotnet "$BENCH_APP/Kasparro.WebApi.dll" ingest --source csv --csv "$1" \
        </dev/null >"$BENCH_LOGS/$2.out" 2>"$BENCH_LOGS/$2.err" || die "ingest ($2) failed (log: $BENCH_LOGS/$2.err)"
    end="$(date +%s%N)"
    summary="$(grep '^{"source"' "$BENCH_LOGS/$2.out" | tail -n 1)"
    echo "$(calc "($end - $start) / 1e9" %.3f) $(grep -o '"loaded":[0-9]*' <<<"$summary" | cut -d: -f2) $(grep -o '"skipped":[0-9]*' <<<"$summary" | cut -d: -f2)"
}

# make bench's incremental case on the loaded table: a new CSV of BENCH_INCREMENTAL_ROWS rows, then the same file
# again (unchanged: skipped without parsing); and the quotes table's size.
incremental() {
    local csv="$BENCH_DIR/incremental_$BENCH_INCREMENTAL_ROWS.csv"
    if [[ ! -f $csv ]]; then
        log "generating $(basename "$csv")"
        awk -v rows="$BENCH_INCREMENTAL_ROWS" -f "$ROOT/scripts/bench/gen_quotes.awk" "$ROOT/data/btc-usd-max.csv" "$ROOT/data/eth-usd-max.csv" >"$csv.tmp"
        mv -f "$csv.tmp" "$csv"
    fi
    psql_bench -d "$BENCH_DB" -c CHECKPOINT >/dev/null
    log "ingesting $BENCH_INCREMENTAL_ROWS new rows into the loaded table, then the unchanged file again"
    INC_LOAD="$(timed_ingest "$csv" incremental)"
    INC_RERUN="$(timed_ingest "$csv" incremental-rerun)"
    STORAGE="$(psql_bench -d "$BENCH_DB" -c "SELECT (SELECT count(*) FROM quotes), pg_total_relation_size('quotes'), pg_relation_size('quotes'), (SELECT count(*) FROM raw_csv), pg_total_relation_size('raw_csv')" | tr '|' ' ')"
}

report_incremental() {
    local seconds loaded rerun rerun_loaded rerun_skipped rows bytes heap raw_rows raw_bytes
    read -r seconds loaded _ <<<"$INC_LOAD"
    read -r rerun rerun_loaded rerun_skipped <<<"$INC_RERUN"
    read -r rows bytes heap raw_rows raw_bytes <<<"$STORAGE"
    echo
    echo "## $BENCH_TITLE: make bench's incremental run on the loaded table"
    echo
    echo "| case | time | figures | floor | |"
    echo "|---|---|---|---|---|"
    echo "| load of the quotes by SQL (before measuring) | ${LOAD_SECONDS} s | $((PER_ASSET * ASSETS)) quotes | reported | |"
    echo "| \`ingest\` of a new $BENCH_INCREMENTAL_ROWS-row CSV | $seconds s | loaded $loaded, $(calc "$loaded / $seconds" %.0f) rows/s | reported | |"
    echo "| re-run, unchanged file | $rerun s | loaded $rerun_loaded, skipped $rerun_skipped | < $TARGET_RERUN_S s | $(pass_miss "$rerun < $TARGET_RERUN_S") |"
    echo
    echo "Storage: $rows quotes take $(calc "$bytes / 1048576" %.0f) MB with their indexes ($(calc "$heap / 1048576" %.0f) MB of table), $(calc "$bytes / 1048576 / ($rows / 1000000)" %.0f) MB per million quotes. The CSV's raw rows: $raw_rows in $(calc "$raw_bytes / 1048576" %.0f) MB with their indexes, $(calc "$raw_bytes / 1048576 / ($raw_rows / 1000000)" %.0f) MB per million."
}

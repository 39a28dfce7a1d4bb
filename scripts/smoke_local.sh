# shellcheck shell=bash
# The --local half of scripts/smoke.sh, which sources it: the server as a child process the script can kill and start
# again, on a free port, against DATABASE_URL, ingesting a generated CSV file in small batches so a run lasts long
# enough to be killed half-way.

LOCAL_TICKERS=30
LOCAL_DAYS=300
LOCAL_ROWS=$((LOCAL_TICKERS * LOCAL_DAYS)) # at most 10,000, so /v1/data counts them exactly
LOCAL_PID=""

# The app to run: KASPARRO_APP, else this checkout's Release build, else what `make up` published.
local_app() {
    local dll
    for dll in "${KASPARRO_APP:-}" "$ROOT/src/WebApi/bin/Release/net10.0/Kasparro.WebApi.dll" "$APP_DIR/Kasparro.WebApi.dll"; do
        if [[ -n $dll && -f $dll ]]; then echo "$dll"; return 0; fi
    done
    die "--local: no Kasparro.WebApi.dll (set KASPARRO_APP, or run make build)"
}

# LOCAL_ROWS quotes: BTC, ETH and numbered coins, one row per coin and day; every row valid and a distinct quote.
local_write_csv() {
    mkdir -p "$WORK/csv"
    seq 0 $((LOCAL_DAYS - 1)) | sed 's/.*/2020-01-01 + & days/' | date -u -f - +%F >"$WORK/days"
    awk -v tickers="$LOCAL_TICKERS" 'BEGIN { print "symbol,name,date,price,market_cap,volume" }
        {
            for (t = 0; t < tickers; t++) {
                symbol = t == 0 ? "BTC" : t == 1 ? "ETH" : sprintf("T%04d", t)
                name = t == 0 ? "Bitcoin" : t == 1 ? "Ethereum" : sprintf("Coin %04d", t)
                price = 100 + t + (NR - 1) / 100
                printf "%s,%s,%sT00:00:00Z,%.2f,%.2f,%.2f\n", symbol, name, $1, price, price * 1000000, price * 10
            }
        }' "$WORK/days" >"$WORK/csv/smoke.csv"
}

local_serve() {
    DATABASE_URL="$DATABASE_URL" ASPNETCORE_URLS="$BASE_URL" SOURCES=csv CSV_PATH="$WORK/csv" INGEST_BATCH_SIZE=10 \
        ETL_ON_STARTUP=false ETL_INTERVAL=0 API_KEYS="$SMOKE_API_KEYS" ADMIN_TOKEN="$SMOKE_ADMIN_TOKEN" \
        API_RATE_LIMIT="$SMOKE_RATE_LIMIT" LOG_FORMAT=json \
        dotnet "$LOCAL_APP" serve </dev/null >>"$WORK/app.log" 2>&1 &
    LOCAL_PID=$!
    until_true "$SMOKE_TIMEOUT" local_live || fail "local: the server did not answer /health/live in ${SMOKE_TIMEOUT}s"
}

local_live() {
    kill -0 "$LOCAL_PID" 2>/dev/null || fail "local: the server exited while starting"
    curl -fsS --max-time 2 -o /dev/null "$BASE_URL/health/live" 2>/dev/null
}

local_start() {
    [[ -n ${DATABASE_URL:-} ]] || die "--local needs DATABASE_URL: a database of its own"
    ensure_dotnet || die "--local needs the .NET runtime"
    LOCAL_APP="$(local_app)"
    BASE_URL="http://127.0.0.1:$(free_port)"
    SMOKE_API_KEYS="$(random_secret),$(random_secret)"
    SMOKE_ADMIN_TOKEN="$(random_secret)"
    SMOKE_RATE_LIMIT=120/min
    # shellcheck disable=SC2034  # read by smoke.sh's run checks
    SMOKE_SOURCE=csv
    local_write_csv
    local_serve
}

# SIGTERM, then SIGKILL if the server is still there after 20 s.
local_stop() {
    [[ -n $LOCAL_PID ]] && kill -0 "$LOCAL_PID" 2>/dev/null || return 0
    kill -TERM "$LOCAL_PID" 2>/dev/null || true
    local deadline=$((SECONDS + 20))
    while kill -0 "$LOCAL_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$LOCAL_PID" 2>/dev/null || true
    wait "$LOCAL_PID" 2>/dev/null || true
    LOCAL_PID=""
}

local_log_tail() {
    [[ -f $WORK/app.log ]] || return 0
    echo "--- last lines of the server's log ---" >&2
    tail -n 40 "$WORK/app.log" >&2
}

local_expect_fresh_database() {
    read_v1 /v1/stats "$KEY"
    expect 200 "local: /v1/stats"
    [[ $(jq -r '.sources.csv.runs_total' <<<"$BODY") == 0 ]] || fail "local: DATABASE_URL already holds csv runs; give it a database of its own"
}

run_committed_some() {
    run_get "$RUN"
    [[ $RUN_STATUS == running ]] || fail "recovery: run $RUN ended ($RUN_STATUS) before it could be killed"
    (($(field loaded) >= 100))
}

# The run started by check_trigger is killed (SIGKILL) once it has committed some batches; the restarted server's next
# run reads exactly the rows after the checkpoint, and the source ends with every row once.
local_check_recovery() {
    until_true "$SMOKE_TIMEOUT" run_committed_some || fail "recovery: run $RUN committed nothing in ${SMOKE_TIMEOUT}s"
    kill -KILL "$LOCAL_PID"
    wait "$LOCAL_PID" 2>/dev/null || true
    local_serve
    run_get "$RUN"
    local committed; committed="$(field loaded)"
    ((committed > 0 && committed < LOCAL_ROWS)) || fail "recovery: the kill did not land mid-run ($committed of $LOCAL_ROWS rows committed)"

    request POST /v1/runs -H "Authorization: Bearer $SMOKE_ADMIN_TOKEN" -H 'Content-Type: application/json' -d '{"source":"csv"}'
    expect 202 "recovery: a run after the restart"
    local resumed; resumed="$(jq -r '.runs[0].run_id' <<<"$BODY")"
    until_true "$SMOKE_TIMEOUT" run_final "$resumed" || fail "recovery: run $resumed did not end in ${SMOKE_TIMEOUT}s"
    [[ $RUN_STATUS == succeeded ]] || fail "recovery: run $resumed ended $RUN_STATUS: $(field error)"
    local read loaded; read="$(field read)" loaded="$(field loaded)"
    ((read == LOCAL_ROWS - committed && loaded == read)) \
        || fail "recovery: the resumed run read $read and loaded $loaded; the checkpoint left $((LOCAL_ROWS - committed))"
    run_get "$RUN"
    [[ $RUN_STATUS == failed ]] || fail "recovery: the killed run $RUN is $RUN_STATUS, not failed"

    read_v1 '/v1/data?source=csv&limit=1' "$KEY"
    expect 200 "recovery: /v1/data?source=csv"
    jq -e --argjson rows "$LOCAL_ROWS" '.pagination.total == $rows and .pagination.total_exact' <<<"$BODY" >/dev/null \
        || fail "recovery: the source holds $(jq -r .pagination.total <<<"$BODY") quotes, not $LOCAL_ROWS"
    read_v1 /v1/stats "$KEY"
    [[ $(jq -r .sources.csv.records_loaded <<<"$BODY") == "$LOCAL_ROWS" ]] \
        || fail "recovery: the runs loaded $(jq -r .sources.csv.records_loaded <<<"$BODY") rows in all, not $LOCAL_ROWS"
    pass "recovery: run killed after $committed of $LOCAL_ROWS rows; after a restart the next run read the other $read; $LOCAL_ROWS quotes, none twice"
}

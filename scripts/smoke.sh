#!/usr/bin/env bash
# Smoke test of a live Kasparro: one line per check, exit 1 at the first failure.
#   scripts/smoke.sh [BASE_URL]   a running server; without BASE_URL, the one `make up` started (settings from .env)
#   scripts/smoke.sh --local      starts its own server on a free port and also checks ETL recovery: a run killed
#                                 mid-way (SIGKILL), the server restarted, the next run resumes with exact counts
# What the server was given, so the checks know what to expect (`make smoke` reads them from .env):
#   SMOKE_API_KEYS     its API_KEYS (unset: reads must be open); with two keys or more the last is kept for the burst
#   SMOKE_ADMIN_TOKEN  its ADMIN_TOKEN (unset: the run checks are skipped)
#   SMOKE_RATE_LIMIT   its API_RATE_LIMIT (default 600/min)
#   SMOKE_SOURCE       the source to start runs of (default csv); SMOKE_TIMEOUT bounds every wait (seconds, 120)
# --local reads DATABASE_URL (a database of its own: the counts are checked exactly) and KASPARRO_APP (a
# Kasparro.WebApi.dll; default: the Release build, else the app `make up` published).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=smoke_local.sh
source "$(dirname "${BASH_SOURCE[0]}")/smoke_local.sh"

ensure_tools curl:curl jq:jq

LOCAL=false
if [[ ${1:-} == --local ]]; then
    LOCAL=true
    shift
fi
(($# <= 1)) || die "usage: scripts/smoke.sh [BASE_URL | --local]"
BASE_URL="${1:-}"
if [[ $LOCAL == false && -z $BASE_URL ]]; then
    [[ -f $ENV_FILE ]] || die "no BASE_URL and no .env: start the stack with make up, or give the URL"
    load_env
    BASE_URL="http://127.0.0.1:${PORT:-8080}"
    SMOKE_API_KEYS="${SMOKE_API_KEYS:-${API_KEYS:-}}"
    SMOKE_ADMIN_TOKEN="${SMOKE_ADMIN_TOKEN:-${ADMIN_TOKEN:-}}"
    SMOKE_RATE_LIMIT="${SMOKE_RATE_LIMIT:-${API_RATE_LIMIT:-}}"
fi
SMOKE_SOURCE="${SMOKE_SOURCE:-csv}"
SMOKE_TIMEOUT="${SMOKE_TIMEOUT:-120}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kasparro-smoke.XXXXXX")"
TRANSCRIPT="$WORK/transcript"
checks=0
declare -A READS=()

cleanup() {
    local rc=$?
    [[ $LOCAL == false ]] || local_stop
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

pass() { checks=$((checks + 1)); printf 'ok    %s\n' "$*"; }
skip() { printf 'skip  %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; [[ $LOCAL == false ]] || local_log_tail; exit 1; }

# request METHOD PATH [curl args...]: sets STATUS, BODY and HEADERS (lower-case names); every answer is kept in the
# transcript, which the last check searches for secrets.
request() {
    local method="$1" path="$2"
    shift 2
    STATUS="$(curl -sS --max-time 15 -X "$method" -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$@" "$BASE_URL$path")" \
        || fail "$method $path: no answer from $BASE_URL"
    BODY="$(cat "$WORK/body")"
    HEADERS="$(tr -d '\r' <"$WORK/headers" | tr '[:upper:]' '[:lower:]')"
    { printf '%s\n' "$HEADERS"; printf '%s\n' "$BODY"; } >>"$TRANSCRIPT"
}

header() { sed -n "s/^$1: //p" <<<"$HEADERS" | tail -n 1; }

# read_v1 PATH KEY: a /v1 read (with X-API-Key when KEY is set), counted against KEY's budget; a 429 is waited out
# as its Retry-After says, a few times, as a polite client would.
read_v1() {
    local path="$1" key="$2" tries=0 args=()
    [[ -z $key ]] || args=(-H "X-API-Key: $key")
    while :; do
        READS[${key:-address}]=$((${READS[${key:-address}]:-0} + 1))
        request GET "$path" "${args[@]}"
        [[ $STATUS == 429 && $((tries++)) -lt 5 ]] || return 0
        sleep "$(header retry-after)"
    done
}

expect() { # expect STATUS WHAT
    [[ $STATUS == "$1" ]] || fail "$2: expected $1, got $STATUS: ${BODY:0:300}"
}

# until_true SECONDS COMMAND...: polls COMMAND (every 0.2 s) until it succeeds; fails after SECONDS.
until_true() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

health_answers() { request GET /health && [[ $STATUS == 200 ]]; }

check_health() {
    until_true "$SMOKE_TIMEOUT" health_answers || fail "health: /health answered $STATUS, not 200, for ${SMOKE_TIMEOUT}s: ${BODY:0:300}"
    [[ $(jq -r .database <<<"$BODY") == connected ]] || fail "health: /health says the database is $(jq -r .database <<<"$BODY")"
    pass "health: /health 200, database connected"
    request GET /health/live
    expect 200 "liveness"
    pass "liveness: /health/live 200"
}

check_access() {
    if [[ -z $KEY ]]; then
        read_v1 /v1/stats ""
        expect 200 "access: SMOKE_API_KEYS is unset, so reads must be open"
        pass "access: reads answer without a key (the server has no API_KEYS)"
        return
    fi
    request GET /v1/stats
    expect 401 "access: a read without X-API-Key"
    [[ -n $(header www-authenticate) ]] || fail "access: the 401 has no WWW-Authenticate"
    read_v1 /v1/stats "$KEY"
    expect 200 "access: a read with a key"
    pass "access: 401 without a key, 200 with one"
}

check_data() {
    read_v1 '/v1/data?limit=5&sort=observed_at' "$KEY"
    expect 200 "data: first page"
    local first next
    first="$(jq -c '[.data[] | [.source, .source_asset_id, .observed_at]]' <<<"$BODY")"
    next="$(jq -r '.pagination.next_cursor // empty' <<<"$BODY")"
    [[ $(jq length <<<"$first") == 5 && -n $next ]] || fail "data: the first page has $(jq length <<<"$first") rows and no next cursor"
    read_v1 "/v1/data?limit=5&sort=observed_at&cursor=$next" "$KEY"
    expect 200 "data: the page after the cursor"
    jq -e --argjson first "$first" '(.data | length) > 0 and ([.data[] | [.source, .source_asset_id, .observed_at]] - $first | length) == (.data | length)' \
        <<<"$BODY" >/dev/null || fail "data: the second page is empty or repeats the first: ${BODY:0:300}"
    pass "data: /v1/data first page (5 rows) and the next by cursor, no row twice"
    read_v1 /v1/assets/BTC "$KEY"
    expect 200 "assets: /v1/assets/BTC"
    [[ $(jq -r .data.ticker <<<"$BODY") == BTC ]] || fail "assets: /v1/assets/BTC answered ticker $(jq -r .data.ticker <<<"$BODY")"
    pass "assets: /v1/assets/BTC 200"
}

# post_run OUT: POST /v1/runs for SMOKE_SOURCE with the admin token; OUT gets "status body".
post_run() {
    local status
    status="$(curl -sS --max-time 15 -o "$1.body" -w '%{http_code}' -X POST -H "Authorization: Bearer $SMOKE_ADMIN_TOKEN" \
        -H 'Content-Type: application/json' -d "{\"source\":\"$SMOKE_SOURCE\"}" "$BASE_URL/v1/runs")" || status=000
    cat "$1.body" >>"$TRANSCRIPT"
    printf '%s %s\n' "$status" "$(tr -d '\n' <"$1.body")" >"$1"
}

# run_get ID: sets RUN_JSON (the run) and RUN_STATUS; field NAME reads RUN_JSON. Not for $(...): the reads count.
run_get() {
    read_v1 "/v1/runs/$1" "$KEY"
    expect 200 "runs: GET /v1/runs/$1"
    RUN_JSON="$(jq -c .data <<<"$BODY")"
    RUN_STATUS="$(jq -r .status <<<"$RUN_JSON")"
}
run_final() { run_get "$1" && [[ $RUN_STATUS =~ ^(succeeded|partial|failed)$ ]]; }
field() { jq -r ".$1" <<<"$RUN_JSON"; }

source_idle() {
    read_v1 "/v1/runs?source=$SMOKE_SOURCE&limit=1" "$KEY"
    [[ $STATUS == 200 && $(jq -r '.data[0].status // "none"' <<<"$BODY") != running ]]
}

# trigger_pair MODE: two POSTs, one right after the other's answer (sequential) or both at once (concurrent).
trigger_pair() {
    if [[ $1 == sequential ]]; then
        post_run "$WORK/a"
        post_run "$WORK/b"
    else
        local pa pb
        post_run "$WORK/a" & pa=$!
        post_run "$WORK/b" & pb=$!
        wait "$pa" "$pb"
    fi
}

# A trigger answers 202 and one right after it 409, naming the run (a second at the same instant may find the lock
# taken before the run's row is written: its 409 names no run). A run already in progress (start-up, schedule) is
# waited for. Two 202s prove nothing unless their runs overlapped, which is a failure; a fast source may end before
# the second request, so later attempts send both at once.
check_trigger() {
    request POST /v1/runs -H 'Content-Type: application/json' -d "{\"source\":\"$SMOKE_SOURCE\"}"
    expect 401 "runs: POST /v1/runs without the admin token"
    local attempt a b
    for attempt in 1 2 3 4 5; do
        if ((attempt == 1)); then trigger_pair sequential; else trigger_pair concurrent; fi
        a="$(cut -d' ' -f1 "$WORK/a")" b="$(cut -d' ' -f1 "$WORK/b")"
        case "$a $b" in
            "202 409" | "409 202")
                local won=a lost=b
                [[ $a == 202 ]] || { won=b; lost=a; }
                RUN="$(cut -d' ' -f2- "$WORK/$won" | jq -r '.runs[0].run_id')"
                local named; named="$(cut -d' ' -f2- "$WORK/$lost" | jq -r '.running[0].run_id')"
                [[ $named == "$RUN" || ($attempt -gt 1 && $named == null) ]] || fail "runs: the 409 names run $named, not the running $RUN"
                pass "runs: POST /v1/runs 202 (run $RUN); a second trigger while it runs: 409"
                return
                ;;
            "409 409")
                until_true "$SMOKE_TIMEOUT" source_idle || fail "runs: a run of $SMOKE_SOURCE already running did not end in ${SMOKE_TIMEOUT}s"
                ;;
            "202 202")
                local first second first_end first_start
                first="$(cut -d' ' -f2- "$WORK/a" | jq -r '.runs[0].run_id')" second="$(cut -d' ' -f2- "$WORK/b" | jq -r '.runs[0].run_id')"
                until_true "$SMOKE_TIMEOUT" run_final "$first" || fail "runs: run $first did not end in ${SMOKE_TIMEOUT}s"
                first_start="$(field started_at)" first_end="$(field finished_at)"
                until_true "$SMOKE_TIMEOUT" run_final "$second" || fail "runs: run $second did not end in ${SMOKE_TIMEOUT}s"
                [[ $first_end < $(field started_at) || $(field finished_at) < $first_start ]] \
                    || fail "runs: two runs of $SMOKE_SOURCE ($first, $second) ran at the same time"
                ;;
            *) fail "runs: two POST /v1/runs answered $a and $b: $(cat "$WORK/a" "$WORK/b")" ;;
        esac
    done
    fail "runs: in 5 attempts every run ended before a second trigger reached the server; no 409 was seen"
}

check_run_ends() {
    until_true "$SMOKE_TIMEOUT" run_final "$RUN" || fail "runs: run $RUN did not reach a final status in ${SMOKE_TIMEOUT}s"
    [[ $RUN_STATUS != failed ]] || fail "runs: run $RUN failed: $(field error)"
    pass "runs: run $RUN ended $RUN_STATUS (read $(field read), loaded $(field loaded))"
}

# A burst past the budget from a client that has not read yet (the last key, when there are two or more) is refused
# no sooner than the budget allows and no later than the budget plus what refilled meanwhile; after Retry-After
# seconds the same client reads again.
check_rate_limit() {
    local budget="${SMOKE_RATE_LIMIT:-600/min}" count unit period
    [[ $budget =~ ^([0-9]+)/(s|sec|second|min|minute|h|hour)$ ]] || fail "rate limit: SMOKE_RATE_LIMIT '$budget' is not N/s, N/min or N/h"
    count="${BASH_REMATCH[1]}" unit="${BASH_REMATCH[2]}"
    case "$unit" in s | sec | second) period=1 ;; min | minute) period=60 ;; *) period=3600 ;; esac
    local key="${BURST_KEY:-}" burst=$((count + count / 5 + 10)) args=() started
    [[ -z $key ]] || args=(-H "X-API-Key: $key")
    : >"$WORK/burst.config"
    for ((i = 0; i < burst; i++)); do printf 'url = "%s/v1/runs?limit=1"\noutput = "/dev/null"\n' "$BASE_URL" >>"$WORK/burst.config"; done
    started="$(date +%s%N)"
    curl -sS --max-time 120 "${args[@]}" -w '%{http_code} %header{retry-after}\n' -K "$WORK/burst.config" >"$WORK/burst" \
        || fail "rate limit: the burst of $burst reads did not complete"
    local elapsed=$((($(date +%s%N) - started) / 1000000)) first retry used
    first="$(awk '$1 == 429 { print NR - 1; exit }' "$WORK/burst")"
    [[ -n $first ]] || fail "rate limit: $burst reads in ${elapsed} ms and no 429 (budget $budget)"
    retry="$(awk -v n="$((first + 1))" 'NR == n { print $2 }' "$WORK/burst")"
    used="${READS[${key:-address}]:-0}"
    local low=$((count - used)) high=$((count + (elapsed * count / period + 999) / 1000 + 1))
    ((first >= low && first <= high)) || fail "rate limit: first 429 after $first reads; the budget $budget allows $low to $high here"
    [[ $retry =~ ^[1-9][0-9]*$ ]] || fail "rate limit: the 429 has no Retry-After in seconds ('$retry')"
    sleep "$retry"
    read_v1 /v1/runs?limit=1 "$key"
    expect 200 "rate limit: a read $retry s after the 429"
    pass "rate limit: 429 with Retry-After $retry after $first reads (budget $budget), 200 again ${retry} s later"
}

check_no_secret_leaked() {
    local secret
    for secret in ${SMOKE_API_KEYS//,/ } ${SMOKE_ADMIN_TOKEN:-}; do
        ! grep -qF -- "$secret" "$TRANSCRIPT" || fail "secrets: a response carried an API key or the admin token"
    done
    pass "secrets: no API key or admin token in any of the $(grep -c '^http/' "$TRANSCRIPT") responses"
}

[[ $LOCAL == false ]] || local_start
KEYS=()
[[ -z ${SMOKE_API_KEYS:-} ]] || IFS=, read -r -a KEYS <<<"$SMOKE_API_KEYS"
KEY="" BURST_KEY=""
if ((${#KEYS[@]} > 0)); then KEY="${KEYS[0]}" BURST_KEY="${KEYS[${#KEYS[@]} - 1]}"; fi
echo "smoke test of $BASE_URL"
check_health
check_access
if [[ -z ${SMOKE_ADMIN_TOKEN:-} ]]; then
    skip "runs: SMOKE_ADMIN_TOKEN is unset"
else
    [[ $LOCAL == false ]] || local_expect_fresh_database
    check_trigger
    if [[ $LOCAL == true ]]; then local_check_recovery; else check_run_ends; fi
fi
check_data
check_rate_limit
check_no_secret_leaked
echo "smoke test passed: $checks checks against $BASE_URL"

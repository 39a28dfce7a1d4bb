# shellcheck shell=bash
# Helpers shared by the scripts in this folder. Source it; it does nothing on its own.

# shellcheck disable=SC2034  # paths used by the scripts that source this file
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="$ROOT/.data"
ENV_FILE="$ROOT/.env"
PG_DATA="$DATA_DIR/pg"
PG_LOG="$DATA_DIR/pg.log"
APP_DIR="$DATA_DIR/app"
APP_PID="$DATA_DIR/app.pid"
APP_LOG="$DATA_DIR/app.log"
TEST_RESULTS_DIR="$DATA_DIR/test-results"

# The PostgreSQL settings the platform runs with: `make up`'s own cluster, the Docker one (docker-compose.yml
# repeats them; keep the two lists equal) and the benchmarks' clusters, so the figures are those of what ships.
# Above the defaults: room for a run's working set in shared_buffers; checkpoints by time or by 4 GB of WAL
# rather than by 1 GB (a 1,000,000-row CSV load would checkpoint several times); the WAL writer wakes every
# 10 ms instead of 200 while WAL is being written, so a batch's commit finds most of its WAL (full-page
# images after a checkpoint: one page per coin in each coin-ordered index) already on disk (BENCHMARKS.md).
PG_SERVER_SETTINGS=(shared_buffers=256MB max_wal_size=4GB checkpoint_timeout=30min wal_writer_delay=10ms)

# pg_setting_options SETTING...: the settings given (name=value) as postgres command-line options.
pg_setting_options() {
    local s
    for s in "$@"; do printf ' -c %s' "$s"; done
}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log()  { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# apt-get install, refreshing the package lists once if the first attempt fails.
apt_install() {
    local sudo=()
    if [[ $EUID -ne 0 ]]; then
        command -v sudo >/dev/null || die "need root (or sudo) to install: $*"
        sudo=(sudo)
    fi
    command -v apt-get >/dev/null || die "apt-get not found; install by hand: $*"
    log "installing: $*"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get install -y --no-install-recommends "$@" >&2 \
        || { "${sudo[@]}" apt-get update >&2 && "${sudo[@]}" apt-get install -y --no-install-recommends "$@" >&2; } \
        || die "apt-get install $* failed"
}

# Installs the tools named (command:package ...) that are missing, in one apt-get call.
ensure_tools() {
    local spec missing=()
    for spec in "$@"; do
        command -v "${spec%%:*}" >/dev/null || missing+=("${spec#*:}")
    done
    if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
}

# Installs the status page's pinned linter (tools/eslint: ESLint with its lockfile) into tools/eslint/node_modules,
# unless the lockfile installed last time is the one there now. ESLint 10 needs Node.js ^20.19, ^22.13 or 24+.
ensure_eslint() {
    local dir="$ROOT/tools/eslint"
    local stamp="$dir/node_modules/.installed-package-lock.json"
    if [[ -f $stamp ]] && cmp -s "$stamp" "$dir/package-lock.json"; then return 0; fi
    ensure_tools node:nodejs npm:npm
    node -e 'const [a, b] = process.versions.node.split(".").map(Number);
        process.exit((a === 20 && b >= 19) || (a === 22 && b >= 13) || a >= 24 ? 0 : 1)' \
        || { warn "ESLint 10 needs Node.js ^20.19, ^22.13 or 24+; found $(node --version)"; return 1; }
    log "installing the pinned ESLint into tools/eslint/node_modules"
    (cd "$dir" && npm ci --no-audit --no-fund --silent) >&2 || { warn "npm ci in tools/eslint failed"; return 1; }
    cp "$dir/package-lock.json" "$stamp"
}

# Prints the PostgreSQL server bindir (the one holding initdb), or fails.
find_pg_bindir() {
    local dir
    dir="$(pg_config --bindir 2>/dev/null || true)"
    if [[ -n $dir && -x $dir/initdb ]]; then echo "$dir"; return 0; fi
    while IFS= read -r dir; do
        if [[ -x $dir/initdb ]]; then echo "$dir"; return 0; fi
    done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r)
    return 1
}

# Ensures PostgreSQL server + client binaries and the postgres OS user; exports PG_BINDIR
# and puts it on PATH.
ensure_postgres_binaries() {
    if ! PG_BINDIR="$(find_pg_bindir)"; then
        apt_install postgresql postgresql-client
        PG_BINDIR="$(find_pg_bindir)" || die "PostgreSQL installed but no initdb found"
    fi
    [[ -x $PG_BINDIR/psql ]] || apt_install postgresql-client
    [[ -x $PG_BINDIR/psql ]] || die "psql not found in $PG_BINDIR"
    command -v runuser >/dev/null || apt_install util-linux
    if ! id -u postgres >/dev/null 2>&1; then
        log "creating the postgres OS user"
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    export PG_BINDIR PATH="$PG_BINDIR:$PATH"
}

# Checks that a .NET SDK satisfying global.json is on PATH; explains what is missing if not.
ensure_dotnet() {
    local d
    if ! command -v dotnet >/dev/null; then
        for d in /usr/share/dotnet /usr/lib/dotnet "$HOME/.dotnet"; do
            if [[ -x $d/dotnet ]]; then export PATH="$d:$PATH"; break; fi
        done
    fi
    if ! command -v dotnet >/dev/null; then
        warn "the .NET SDK was not found (need the version in global.json)."
        warn "install it from https://dot.net (e.g. the dotnet-sdk-10.0 package) and re-run."
        return 1
    fi
    if ! (cd "$ROOT" && dotnet --version >/dev/null 2>&1); then
        warn "no installed .NET SDK satisfies $ROOT/global.json:"
        sed 's/^/  /' "$ROOT/global.json" >&2
        warn "installed SDKs:"
        dotnet --list-sdks 2>&1 | sed 's/^/  /' >&2
        return 1
    fi
}

# publish_webapi OUT_DIR: the app, framework-dependent, precompiled ReadyToRun for this machine's runtime, so a
# fresh process (an `ingest` verb, a restarted server) runs native code from its first call instead of waiting on
# the JIT. Output goes to stderr.
publish_webapi() {
    local rid
    rid="$(dotnet --info 2>/dev/null | awk '/^ *RID:/ { print $2; exit }')"
    [[ -n $rid ]] || rid=linux-x64
    dotnet publish "$ROOT/src/WebApi/Kasparro.WebApi.csproj" -c Release -o "$1" -r "$rid" --self-contained false \
        -p:PublishReadyToRun=true --nologo --disable-build-servers -v quiet >&2
}

# use_bench_app OUT_DIR LOG_FILE: sets BENCH_APP to the app a benchmark measures: the one published in BENCH_APP_DIR
# when that is set (an A/B of two commits on the same cluster), else this checkout published into OUT_DIR.
use_bench_app() {
    ensure_dotnet || die "the .NET SDK is required"
    if [[ -n ${BENCH_APP_DIR:-} ]]; then
        [[ -f $BENCH_APP_DIR/Kasparro.WebApi.dll ]] || die "BENCH_APP_DIR: no Kasparro.WebApi.dll in $BENCH_APP_DIR"
        log "using the app published in $BENCH_APP_DIR"
        BENCH_APP="$BENCH_APP_DIR"
        return
    fi
    log "publishing src/WebApi to $1 (Release, ReadyToRun)"
    publish_webapi "$1" 2>"$2" || { tail -n 30 "$2" >&2; die "dotnet publish failed (log: $2)"; }
    BENCH_APP="$1"
}

# True when a Docker engine answers and the compose plugin works. KASPARRO_MODE=native|docker
# forces the choice.
docker_available() {
    case "${KASPARRO_MODE:-auto}" in
        native) return 1 ;;
        docker) return 0 ;;
    esac
    command -v docker >/dev/null \
        && timeout 15 docker info >/dev/null 2>&1 \
        && timeout 15 docker compose version >/dev/null 2>&1
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a free loopback port: $1 when it is free, else a random one.
free_port() {
    local port="${1:-}" tries=0
    if [[ -n $port ]] && ! port_in_use "$port"; then echo "$port"; return 0; fi
    while ((tries++ < 100)); do
        port=$((20000 + RANDOM % 40000))
        if ! port_in_use "$port"; then echo "$port"; return 0; fi
    done
    die "no free TCP port found on 127.0.0.1"
}

random_secret() {
    if command -v openssl >/dev/null; then
        openssl rand -hex 24
    else
        head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'
    fi
}

# Value of KEY in .env (empty when absent).
env_file_get() {
    [[ -f $ENV_FILE ]] || return 0
    sed -n "s/^$1=//p" "$ENV_FILE" | tail -n 1
}

# Sets KEY=VALUE in .env only when KEY is missing or empty; never changes a value already there.
env_file_default() {
    local key="$1" value="$2" tmp
    [[ -n "$(env_file_get "$key")" ]] && return 0
    if grep -q "^$key=" "$ENV_FILE"; then
        tmp="$(mktemp "$ENV_FILE.XXXXXX")"
        awk -v k="$key" -v v="$value" '$0 == k"=" { print k"="v; next } { print }' "$ENV_FILE" >"$tmp"
        chmod 600 "$tmp"
        mv "$tmp" "$ENV_FILE"
    else
        printf '%s=%s\n' "$key" "$value" >>"$ENV_FILE"
    fi
}

# Creates .env on first use (git-ignored, mode 600) and adds any missing key. The password is
# generated here and never printed; so is the local ADMIN_TOKEN.
ensure_env_file() {
    if [[ ! -f $ENV_FILE ]]; then
        log "creating .env with a generated database password (git-ignored)"
        (umask 077 && printf '# Local settings for make up; generated, git-ignored. Never commit.\n' >"$ENV_FILE")
    fi
    env_file_default POSTGRES_USER kasparro
    env_file_default POSTGRES_DB kasparro
    [[ -n "$(env_file_get POSTGRES_PASSWORD)" ]] || env_file_default POSTGRES_PASSWORD "$(random_secret)"
    # A local admin token, so POST /v1/runs works out of the box; an empty ADMIN_TOKEN= line in .env turns it off.
    grep -q '^ADMIN_TOKEN=' "$ENV_FILE" || env_file_default ADMIN_TOKEN "$(random_secret)"
    [[ -n "$(env_file_get PG_PORT)" ]] || env_file_default PG_PORT "$(free_port 55432)"
    [[ -n "$(env_file_get PORT)" ]] || env_file_default PORT "$(free_port 8080)"
}

# Exports every KEY=VALUE of .env; a variable already set in the environment wins (as in Compose).
load_env() {
    local line key value
    while IFS= read -r line || [[ -n $line ]]; do
        [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
        [[ $line =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
        key="${BASH_REMATCH[1]}" value="${BASH_REMATCH[2]}"
        [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]] && value="${BASH_REMATCH[1]}"
        [[ -n ${!key+set} ]] || export "$key=$value"
    done <"$ENV_FILE"
}

# --- test results --------------------------------------------------------------------------------------------

# trx_counter FILE NAME: one attribute of the <Counters .../> element of a TRX file (0 when absent).
trx_counter() {
    local counters
    counters="$(grep -o '<Counters [^>]*>' "$1" | head -n 1)"
    [[ $counters =~ [[:space:]]$2=\"([0-9]+)\" ]] && echo "${BASH_REMATCH[1]}" || echo 0
}

# trx_failed FILE: the tests of a TRX file that did not pass (failed, errored, timed out or aborted).
trx_failed() {
    echo $(($(trx_counter "$1" failed) + $(trx_counter "$1" error) + $(trx_counter "$1" timeout) + $(trx_counter "$1" aborted)))
}

# --- native PostgreSQL cluster under .data/pg --------------------------------------------------

# Runs a PostgreSQL server binary as the postgres OS user (initdb/postgres refuse root).
as_postgres() {
    if [[ $(id -un) == postgres ]]; then "$@"; else runuser -u postgres -- "$@"; fi
}

# An existing cluster must be run by the major version that created it.
pg_use_cluster_version() {
    local v
    [[ -f $PG_DATA/PG_VERSION ]] || return 0
    v="$(cat "$PG_DATA/PG_VERSION")"
    [[ "$("$PG_BINDIR/pg_ctl" --version)" =~ \ $v(\.|[[:space:]]|$) ]] && return 0
    [[ -x /usr/lib/postgresql/$v/bin/pg_ctl ]] \
        || die ".data/pg was created by PostgreSQL $v, which is not installed (apt-get install postgresql-$v)"
    PG_BINDIR="/usr/lib/postgresql/$v/bin"
}

pg_running() {
    [[ -f $PG_DATA/PG_VERSION ]] && as_postgres "$PG_BINDIR/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1
}

# Socket directory inside .data, or none when the path would exceed the 107-byte socket limit.
pg_socket_dir() {
    local dir="$DATA_DIR/run"
    if (( ${#dir} + 20 > 107 )); then echo ""; else echo "$dir"; fi
}

pg_init_cluster() {
    [[ -f $PG_DATA/PG_VERSION ]] && return 0
    as_postgres test -x "$DATA_DIR" \
        || die "the postgres OS user cannot reach $DATA_DIR; clone the repository somewhere world-traversable"
    log "creating the PostgreSQL cluster in .data/pg"
    install -d -m 700 -o postgres -g postgres "$PG_DATA"
    local pwfile
    pwfile="$(mktemp "$DATA_DIR/.pwfile.XXXXXX")"
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    chown postgres "$pwfile"
    if ! as_postgres "$PG_BINDIR/initdb" -D "$PG_DATA" -U "$POSTGRES_USER" --pwfile="$pwfile" \
            --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >>"$PG_LOG.init" 2>&1; then
        rm -f "$pwfile"
        rm -rf "$PG_DATA"
        tail -n 20 "$PG_LOG.init" >&2
        die "initdb failed (full output in .data/pg.log.init)"
    fi
    rm -f "$pwfile"
}

pg_start() {
    mkdir -p "$DATA_DIR"
    pg_init_cluster
    pg_use_cluster_version
    # A cluster carried over from another machine may have a different postgres uid.
    [[ $(stat -c %U "$PG_DATA") == postgres ]] || chown -R postgres:postgres "$PG_DATA"
    if pg_running; then
        log "PostgreSQL already running on 127.0.0.1:$PG_PORT"
    else
        port_in_use "$PG_PORT" && die "port $PG_PORT (PG_PORT in .env) is taken by another process; change PG_PORT in .env"
        local sock; sock="$(pg_socket_dir)"
        [[ -z $sock ]] || install -d -m 700 -o postgres -g postgres "$sock"
        touch "$PG_LOG" && chown postgres "$PG_LOG"
        log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
        as_postgres "$PG_BINDIR/pg_ctl" start -w -t 60 -D "$PG_DATA" -l "$PG_LOG" \
            -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories='$sock'$(pg_setting_options "${PG_SERVER_SETTINGS[@]}")" >/dev/null \
            || { tail -n 20 "$PG_LOG" >&2; die "PostgreSQL did not start (log: .data/pg.log)"; }
    fi
    pg_ensure_database
}

# The cluster's superuser is POSTGRES_USER (as in the postgres Docker image), so the role
# exists by construction; the database is created when missing.
pg_ensure_database() {
    local psql=("$PG_BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$POSTGRES_USER" -d postgres -v ON_ERROR_STOP=1 -qAt)
    PGPASSWORD="$POSTGRES_PASSWORD" "${psql[@]}" -c 'SELECT 1' >/dev/null 2>&1 \
        || die "cannot log in to the cluster in .data/pg as $POSTGRES_USER with the password in .env (was .env replaced? restore it, or remove .data/pg to start afresh)"
    PGPASSWORD="$POSTGRES_PASSWORD" "${psql[@]}" -v db="$POSTGRES_DB" -v owner="$POSTGRES_USER" <<'SQL' >/dev/null
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\gexec
SQL
}

pg_stop() {
    if pg_running; then
        log "stopping PostgreSQL"
        as_postgres "$PG_BINDIR/pg_ctl" stop -w -m fast -D "$PG_DATA" >/dev/null
    fi
}

database_url() {
    printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$POSTGRES_USER" "$POSTGRES_PASSWORD" "$PG_PORT" "$POSTGRES_DB"
}

# --- the app process ---------------------------------------------------------------------------

# Prints the pid of the app started by up.sh when it is still alive.
app_pid() {
    local pid
    [[ -f $APP_PID ]] || return 1
    pid="$(cat "$APP_PID")"
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
            && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'Kasparro.WebApi'; then
        echo "$pid"
    else
        rm -f "$APP_PID"
        return 1
    fi
}

# shellcheck disable=SC2153  # PORT comes from .env via load_env
# Waits until /health answers 200. $1 = seconds; $2 (optional) = pid that must stay alive.
wait_for_health() {
    local timeout="$1" pid="${2:-}" start=$SECONDS
    log "waiting for http://127.0.0.1:$PORT/health (up to ${timeout}s)"
    until curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$PORT/health" 2>/dev/null; do
        if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
            warn "the app exited during startup"
            return 1
        fi
        ((SECONDS - start < timeout)) || { warn "no healthy answer after ${timeout}s"; return 1; }
        sleep 2
    done
}

print_urls() {
    echo "Status:    http://127.0.0.1:$PORT/"
    echo "API:       http://127.0.0.1:$PORT/v1"
    echo "Reference: http://127.0.0.1:$PORT/scalar"
    echo "Health:    http://127.0.0.1:$PORT/health"
    echo "Metrics:   http://127.0.0.1:$PORT/metrics"
    echo "Admin:     POST /v1/runs with 'Authorization: Bearer <ADMIN_TOKEN from .env>'"
}

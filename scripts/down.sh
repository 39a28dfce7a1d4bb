#!/usr/bin/env bash
# Stops what up.sh started, in either mode. Data is kept (.data/pg, the Compose volume).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

STOP_TIMEOUT="${STOP_TIMEOUT:-20}"

stop_app() {
    local pid waited=0
    pid="$(app_pid)" || { log "the app is not running"; return 0; }
    log "stopping the app (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && ((waited++ < STOP_TIMEOUT)); do sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then
        warn "the app ignored SIGTERM for ${STOP_TIMEOUT}s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$APP_PID"
}

if docker_available && [[ -f $ENV_FILE ]]; then
    log "docker compose down (volumes kept)"
    docker compose down
fi

stop_app
# Without server binaries nothing native can be running, so there is nothing to install here.
if [[ -f $PG_DATA/PG_VERSION ]] && PG_BINDIR="$(find_pg_bindir)"; then
    export PG_BINDIR
    pg_use_cluster_version
    if pg_running; then pg_stop; else log "PostgreSQL is not running"; fi
fi
echo "Kasparro is down."

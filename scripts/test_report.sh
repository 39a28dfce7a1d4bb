#!/usr/bin/env bash
# Markdown from the TRX files `make test` leaves in .data/test-results (CI writes it to the job summary):
#   scripts/test_report.sh            one section per test project (its counts, each test that did not pass), then
#                                     the "N passed, N failed" line
#   scripts/test_report.sh PROJECT    that project alone (UnitTests, ArchitectureTests, IntegrationTests), every test
#                                     with its outcome; exits 1 unless it ran and all passed
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# outcomes TRX: "outcome<TAB>test name" per test, names unescaped.
outcomes() {
    grep -o '<UnitTestResult [^>]*>' "$1" \
        | sed -E 's/.* testName="([^"]*)".* outcome="([^"]*)".*/\2\t\1/' \
        | sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g' \
        | sort -k2
}

section() {
    local name="$1" trx="$2" all="$3" passed failed
    passed="$(trx_counter "$trx" passed)" failed="$(trx_failed "$trx")"
    echo "### $name: $passed passed, $failed failed"
    echo
    if [[ $all == all ]]; then
        outcomes "$trx" | awk -F'\t' '{ printf "- %s %s\n", ($1 == "Passed" ? "passed" : $1), $2 }'
    else
        outcomes "$trx" | awk -F'\t' '$1 != "Passed" { printf "- %s %s\n", $1, $2 }'
    fi
    echo
}

if (($# == 1)); then
    trx="$TEST_RESULTS_DIR/Kasparro.$1.trx"
    [[ -f $trx ]] || die "no results for $1 (expected $trx; make test writes it)"
    section "$1" "$trx" all
    (($(trx_failed "$trx") == 0 && $(trx_counter "$trx" passed) > 0))
    exit
fi

(($# == 0)) || die "usage: scripts/test_report.sh [PROJECT]"
shopt -s nullglob
files=("$TEST_RESULTS_DIR"/*.trx)
((${#files[@]})) || die "no TRX file in $TEST_RESULTS_DIR (make test writes them)"
passed=0 failed=0
echo "## Tests"
echo
for trx in "${files[@]}"; do
    name="$(basename "$trx" .trx)"
    section "${name#Kasparro.}" "$trx" failed
    passed=$((passed + $(trx_counter "$trx" passed))) failed=$((failed + $(trx_failed "$trx")))
done
echo "$passed passed, $failed failed"

#!/usr/bin/env python3
"""Checks, while a mix runs under write load, that no answer is older than its commit (scripts/bench_api.sh).

    freshness.py BASE_URL TICKER SECONDS PSQL [PSQL ARGS...]

Over and over until SECONDS have passed: read the newest observed_at of TICKER and the data version from the
database, ask the API for the ticker's newest quote at once (an answer may miss a commit whose notice is still on its
way: counted, not a failure), then wait until the API's /metrics shows a data_version at least the one read (the
notice arrived) and ask again: that answer must hold the newest quote. Prints one line:
"samples N stale_after_notice K stale_before_notice J notice_timeouts T".
"""
import json
import subprocess
import sys
import time
import urllib.request


def scalar(psql, sql):
    return subprocess.run([*psql, "-qAtc", sql], check=True, capture_output=True, text=True).stdout.strip()


def newest_observed(base, ticker):
    with urllib.request.urlopen(f"{base}/v1/data?ticker={ticker}&limit=1", timeout=10) as response:
        rows = json.load(response)["data"]
    return rows[0]["observed_at"] if rows else ""


def known_version(base):
    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
        for line in response.read().decode().splitlines():
            if line.startswith(("data_version ", "data_version{")):
                return int(float(line.split()[-1]))
    return -1


def main():
    base, ticker, seconds, psql = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
    samples = stale_after = stale_before = timeouts = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        newest, version = scalar(psql, f"SELECT to_char(max(observed_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS'), "
                                       f"(SELECT version FROM data_version) FROM quotes WHERE ticker = '{ticker}'").split("|")
        samples += 1
        if newest_observed(base, ticker)[:19] < newest:
            stale_before += 1
        heard = time.monotonic() + 2
        while known_version(base) < int(version):
            if time.monotonic() > heard:
                timeouts += 1
                break
            time.sleep(0.001)
        else:
            if newest_observed(base, ticker)[:19] < newest:
                stale_after += 1
        time.sleep(0.2)
    print(f"samples {samples} stale_after_notice {stale_after} stale_before_notice {stale_before} notice_timeouts {timeouts}")


if __name__ == "__main__":
    main()

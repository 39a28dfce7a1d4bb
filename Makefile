SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

.PHONY: help up down test smoke build bench bench-api bench-scale identity-report clean clean-data

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  make %-15s %s\n", $$1, $$2 }'

up: ## Start PostgreSQL and the API (Docker Compose if an engine answers, else natively) and print the URLs
	@bash scripts/up.sh

down: ## Stop what `make up` started; data is kept
	@bash scripts/down.sh

test: ## Build, then run unit, architecture and integration tests; ends with "N passed, N failed"
	@bash scripts/test.sh

smoke: ## Smoke-test a live stack: what `make up` started, or URL=https://... (SMOKE_* settings: scripts/smoke.sh)
	@bash scripts/smoke.sh $(URL)

build: ## Build the solution (Release)
	@source scripts/lib.sh && ensure_dotnet
	dotnet build Kasparro.sln -c Release --nologo

bench: ## Run the benchmarks (scripts/bench.sh)
	@if [[ -f scripts/bench.sh ]]; then bash scripts/bench.sh; else echo "error: scripts/bench.sh does not exist yet" >&2; exit 2; fi

bench-api: ## Query API benchmark over 1M quotes: /v1/data and a read mix, cold, warm, under writes, vs pgbench (scripts/bench_api.sh)
	@bash scripts/bench_api.sh

identity-report: ## Audit canonical identity: methods, least sure merges, shared tickers (DATABASE_URL, else the `make up` database)
	@bash scripts/identity_report.sh

bench-scale: ## The query API benchmark and the incremental re-run over 10M quotes (scripts/bench_scale.sh)
	@bash scripts/bench_scale.sh

clean: ## Remove build outputs and test results (keeps .data/pg and .env)
	find src tests bench benchmarks -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} + 2>/dev/null || true
	rm -rf .data/app .data/test-results TestResults BenchmarkDotNet.Artifacts

clean-data: down clean ## Stop everything and delete .data (the local database too); .env is kept
	rm -rf .data

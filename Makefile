# Event Streamer SDK: developer entry points. Needs only python3, make (and Node/npm for the chain).
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
# Use uv from PATH when present; otherwise bootstrap a pinned one into .tools/.
UV ?= $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
RUN := $(UV) run --frozen
# Trust the platform's certificate store (registries may sit behind a TLS-inspecting proxy).
export UV_SYSTEM_CERTS := 1
SYSTEM_CA := $(firstword $(wildcard /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt))
ifneq ($(SYSTEM_CA),)
export NODE_EXTRA_CA_CERTS ?= $(SYSTEM_CA)
endif
HAND := event_streamer event_streamer_server

DEMO_ARGS ?=

.PHONY: test-unit test-faults help demo setup generate check-generated lint format test test-all bench bench-quick contract check-contract

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(CURDIR)/.tools/bin/uv:
	python3 -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

NPM_STAMP := scripts/node_modules/.package-lock.json

setup: $(UV) $(NPM_STAMP)  ## install everything the tests need (idempotent)
	$(UV) sync --frozen --extra server

# anvil ships inside @foundry-rs/anvil's optional platform package: never --omit=optional.
# Its postinstall (a download fallback) is not needed, hence --ignore-scripts.
$(NPM_STAMP): scripts/package.json scripts/package-lock.json
	npm ci --prefix scripts --ignore-scripts --no-audit --no-fund

contract: $(NPM_STAMP)  ## recompile scripts/contracts/Emitter.sol into event_streamer_server/_assets/Emitter.json
	node scripts/build_contract.mjs

check-contract: $(NPM_STAMP)  ## fail if Emitter.json is not what the source compiles to
	node scripts/build_contract.mjs --check

generate: setup  ## validate the spec and regenerate generated/event_streamer_api
	$(RUN) python scripts/generate.py

check-generated: setup  ## fail if generated/ is not what make generate produces
	$(RUN) python scripts/generate.py --check

lint: setup  ## ruff check, ruff format --check, mypy --strict on the hand-written packages
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy --strict $(HAND)

format: setup  ## apply ruff fixes and formatting
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

demo: setup  ## anvil + the service, live Transfer stream with progress, summary
	$(RUN) python scripts/demo.py $(DEMO_ARGS)

test: setup  ## the test suite: every kind but the slow soak/fuzz runs (~3 min)
	$(RUN) pytest -q

test-unit: setup  ## pure unit tests only: no processes, no sockets (seconds)
	$(RUN) pytest -q tests/unit

test-all: setup  ## every test, slow suites included
	$(RUN) pytest -q -m ''

test-faults: setup  ## reliability: every fault suite, the slow fuzz run, the 50/50 kill -9 soak and the 3-instance PostgreSQL soak (30 kills, 5 PostgreSQL restarts) with figures
	$(RUN) pytest -q -m 'faults or slow'
	$(RUN) python scripts/faults.py --service-kills 50 --consumer-kills 50
	$(RUN) python scripts/cluster_soak.py --embedded-postgres --instances 3 --kills 30 --pg-restarts 5 --consumers 2

bench: setup  ## every benchmark, one table of ratios vs same-run baselines
	$(RUN) python scripts/bench.py --json bench-results.json

bench-quick: setup  ## the benchmarks on small inputs (under a minute)
	$(RUN) python scripts/bench.py --quick

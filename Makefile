# Thin entry points; the build itself is meson.build, the helpers are in scripts/.
# `make test` is what CI runs (.ci/run); it ends with the test runner's summary.

.PHONY: help bootstrap build test unit e2e run bench fmt clean

# Debian's interpreter, where python3-pytest and psycopg2 are installed (a
# pyenv python3 may come first on PATH).
PYTHON := /usr/bin/python3

BUILD := build
BUILD_TEST := build-test
TEST_SETUP := -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

# Every tests/e2e folder holding a test, so a new suite cannot be skipped silently.
E2E_SUITES := $(patsubst %/,%,$(sort $(dir $(wildcard \
	retort/tests/e2e/test_*.py services/*/tests/e2e/test_*.py tests/*/test_*.py))))


help:
	@echo "make run        build, migrate the SQLite database, start the service on :8001"
	@echo "make test       unit tests, then end-to-end tests against a throwaway PostgreSQL"
	@echo "make build      release-ish build in $(BUILD)/"
	@echo "make bench      benchmarks (installs the peers they compare against)"
	@echo "make fmt        clang-format every tracked .c and .h"
	@echo "make clean      remove $(BUILD)/ and $(BUILD_TEST)/"
	@echo "make bootstrap  install the Debian packages (run by the targets above)"

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@[ -f $(BUILD)/build.ninja ] || { rm -rf $(BUILD) && meson setup $(BUILD); }
	ninja -C $(BUILD)

# UBSan only reports unless told to stop; leaks fail the run too.
test unit e2e: export ASAN_OPTIONS = detect_leaks=1:halt_on_error=1:abort_on_error=0
test unit e2e: export UBSAN_OPTIONS = halt_on_error=1:print_stacktrace=1
test unit e2e: export RETORT_BIN = $(abspath $(BUILD_TEST))/retort/cli/retort
test unit e2e: export BUILD_DIR = $(abspath $(BUILD_TEST))

test: unit e2e

unit: bootstrap
	@[ -f $(BUILD_TEST)/build.ninja ] || \
		{ rm -rf $(BUILD_TEST) && meson setup $(BUILD_TEST) $(TEST_SETUP); }
	ninja -C $(BUILD_TEST)
	scripts/check-layers
	meson test -C $(BUILD_TEST) --suite unit --print-errorlogs
	FUZZ_SECONDS=$${FUZZ_SECONDS:-15} scripts/fuzz-smoke

# One throwaway cluster per suite; pytest's 5 means "no test collected".
e2e: unit
ifeq ($(strip $(E2E_SUITES)),)
	@echo "no end-to-end tests yet"
	@$(PYTHON) -c 'import json, sys; r = [json.loads(l)["result"] for l in open(sys.argv[1])]; \
		print("unit: %d passed, %d failed" % (r.count("OK"), len(r) - r.count("OK") - r.count("SKIP")))' \
		$(BUILD_TEST)/meson-logs/testlog.json
else
	@status=0; for suite in $(E2E_SUITES); do \
		echo "== $$suite"; \
		scripts/with-postgres $(PYTHON) -m pytest -q -p no:cacheprovider "$$suite" || \
			{ rc=$$?; [ $$rc -eq 5 ] || status=$$rc; }; \
	done; exit $$status
endif

# The service on the embedded SQLite database (smartcourse.db in this
# directory): migrate it to head with retort, then serve on 127.0.0.1:8001.
# Without JWT_SECRET_KEY (e.g. in .env) it runs in development mode with a
# throwaway signing key. The API docs (/docs, /redoc, /openapi.json) are on
# unless DOCS_ENABLED says otherwise (environment or .env).
SERVICE_INI := services/user-service/retort.ini

run: build
	$(BUILD)/retort/cli/retort -c $(SERVICE_INI) upgrade head
	@echo
	@echo "Open: http://127.0.0.1:$${PORT:-8001}/docs  (Swagger UI; ReDoc at /redoc)"
	@echo "Try:  curl -s http://127.0.0.1:$${PORT:-8001}/health"
	@echo "      curl -s -X POST http://127.0.0.1:$${PORT:-8001}/auth/register -H 'Content-Type: application/json' \\"
	@echo "           -d '{\"email\":\"ada@example.com\",\"first_name\":\"Ada\",\"last_name\":\"Lovelace\",\"password\":\"correct horse\"}'"
	@echo
	@if [ -z "$$JWT_SECRET_KEY" ] && ! grep -qs '^JWT_SECRET_KEY=' .env; then \
		export APP_ENV=$${APP_ENV:-development}; fi; \
	grep -qs '^DOCS_ENABLED=' .env || export DOCS_ENABLED=$${DOCS_ENABLED:-true}; \
	exec $(BUILD)/services/user-service/user-service

bench:
	@scripts/bootstrap --bench
	@$(MAKE) --no-print-directory build
	RETORT_BIN=$(abspath $(BUILD))/retort/cli/retort bench/run
	RETORT_BIN=$(abspath $(BUILD))/retort/cli/retort bench/autogen
	BENCH_BUILD=$(abspath $(BUILD)) bench/service
	BENCH_BUILD=$(abspath $(BUILD)) bench/service-events

fmt:
	git ls-files -z '*.c' '*.h' | xargs -0 -r clang-format -i

clean:
	rm -rf $(BUILD) $(BUILD_TEST)

# The users' docker workflow (docker-compose.yml, the service's Dockerfile)
# for real, on a local Docker engine with host networking: docs/docker.md.
.PHONY: test-compose
test-compose:
	@scripts/test-compose

# The multi-instance topology (docs/deploy.md): `make topology` runs it until
# Ctrl-C; `make topology-test` replaces the instances one by one under wrk load.
.PHONY: topology topology-test
topology: build
	scripts/topology --build $(abspath $(BUILD))

topology-test:
	@scripts/bootstrap --bench
	@$(MAKE) --no-print-directory build
	BUILD_DIR=$(abspath $(BUILD)) $(PYTHON) scripts/rolling_deploy.py

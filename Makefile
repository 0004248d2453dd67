# One venv, created on demand. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := .ci/constraints.txt

SDK    := tests/sdk
SDK_STAMP := $(SDK)/node_modules/.installed

.PHONY: install system-deps sdk-deps demo test lint fmt typecheck check bench lock wheel-smoke clean

# The locked install: pyproject.toml keeps open ranges for users; the lock pins what we test.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[dev]' 2> $(VENV)/install.err \
	  || { cat $(VENV)/install.err; exit 1; }
	@# The build must not warn (a deprecation, a backend notice): fail here, not months later.
	@if grep -E "Warning|DEPRECATION" $(VENV)/install.err; then \
	  echo "the install warns (above): fix pyproject.toml" >&2; exit 1; fi
	touch $(STAMP)

install: $(STAMP)

# What the tests need outside Python: Debian's chromium (the browser tests), curl (the `sign
# --curl` test), and Node.js with npm (the npm SDKs the compatibility tests drive). Installed
# through apt-get when running as root; otherwise one command to run.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "make test needs$$missing: run  sudo apt-get install -y$$missing  then make test again" >&2; \
	    exit 2; \
	  fi; \
	fi

demo: install
	$(BIN)/python -m mockserver.demo

# The real client libraries the SDK compatibility tests drive, pinned by tests/sdk/package-lock.json.
$(SDK_STAMP): $(SDK)/package.json $(SDK)/package-lock.json
	npm ci --prefix $(SDK) --no-audit --no-fund --loglevel=error
	touch $(SDK_STAMP)

sdk-deps: system-deps $(SDK_STAMP)

# Every core for the suite, then the tests that assert wall-clock bounds alone (marker "timing").
test: install system-deps sdk-deps
	$(BIN)/pytest -q -p no:cacheprovider -n auto -m "not timing"
	$(BIN)/pytest -q -p no:cacheprovider -m timing

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy

check: lint test

bench: install
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/pytest -q -p no:cacheprovider -o python_files='bench_*.py' tests/benchmarks -s

# Resolve pyproject.toml afresh in a throw-away venv and pin the result.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	.lock-venv/bin/pip freeze --exclude-editable | LC_ALL=C sort -f > $(LOCK)
	rm -rf .lock-venv
	@echo "wrote $(LOCK); commit it with the pyproject.toml change"

# The wheel as users get it, installed into a clean venv outside the source tree.
wheel-smoke: install
	$(BIN)/python .ci/wheel_smoke.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis dist build $(SDK)/node_modules

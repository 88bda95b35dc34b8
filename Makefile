# sharehub — one command each: `make demo`, `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install demo test lint typecheck check bench schema clean browser

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)  ## sample platforms on loopback, crawl, index, serve http://127.0.0.1:$(PORT)
	$(VENV)/bin/sharehub demo --port $(PORT)

browser:  ## Debian's Chromium for the browser tests (tests/e2e skip without /usr/bin/chromium)
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq >/dev/null && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "make browser: chromium could not be installed; the browser tests will skip" >&2

test: $(STAMP) browser  ## lint, types and the whole suite (CI runs this through .ci/run)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

check: lint typecheck test

bench: $(STAMP)  ## benchmarks with side-by-side baselines → bench/REPORT.md (a few minutes)
	$(PY) -m bench index
	$(PY) -m bench crawl
	$(PY) -m bench.normalize_bench
	$(PY) -m bench site

schema: $(STAMP)  ## regenerate schema/listing.schema.json from the Listing model
	$(PY) -m normalizer.schema_export

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache

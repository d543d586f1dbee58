# make run: the API with DynamoDB Local, moto and the dev pump (infra/local/README.md).
# make test: every test under tests/ (two workers, each with its own local stack). Each target installs what it needs first.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
# Stamps live in the directories they describe, so deleting one re-installs it.
PIP_STAMP := $(VENV)/.requirements-installed
NPM_STAMP := node_modules/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench tick repair-recurring dead-letters clean deps java chromium

run: deps
	$(PYTHON) -m infra.local.run

test: deps
	$(PYTHON) -m pytest -q -n 2 tests

# The recurring tick as of AS_OF (ISO instant, default now), on the stack `make run` runs;
# INLINE=1 generates here instead of through the jobs queue.
tick: deps
	$(PYTHON) -m infra.local.operate chalicelib.jobs.tick $(if $(AS_OF),--as-of $(AS_OF)) $(if $(INLINE),--inline)

# Finishes recurring invoices a failed generation left as drafts (chalicelib/jobs/repair_recurring.py);
# TENANT=ten_... for one tenant only.
repair-recurring: deps
	$(PYTHON) -m infra.local.operate chalicelib.jobs.repair_recurring $(if $(TENANT),--tenant $(TENANT))

# The dead-letter queues of the stack `make run` is running: how many messages wait in each;
# REDRIVE=1 sends them back to their queues.
dead-letters: deps
	$(PYTHON) -m infra.local.dead_letters $(if $(REDRIVE),--redrive)

bench: deps
	$(PYTHON) -m pip install --quiet --quiet --disable-pip-version-check -r bench/requirements.txt
	@shopt -s nullglob; for script in bench/*.py; do \
	  echo "== $$script"; PYTHONPATH=. $(PYTHON) "$$script" || exit 1; \
	done

clean:
	rm -rf .data .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o \
	  -name __pycache__ -type d -exec rm -rf {} +

deps: $(PIP_STAMP) $(NPM_STAMP) java chromium

$(PYTHON):
	python3 -m venv $(VENV)

$(PIP_STAMP): requirements.txt requirements-dev.txt requirements-rules.txt | $(PYTHON)
	$(PYTHON) -m pip install --quiet --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PYTHON) -m pip install --quiet --quiet --disable-pip-version-check --no-deps -r requirements-rules.txt
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# DynamoDB Local needs Java 17 or newer.
java:
	@if ! java -version 2>&1 | awk -F'"' '/version/ { split($$2, v, "."); ok = v[1] >= 17 } END { exit !ok }'; then \
	  echo "Installing Java 17 with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	fi

# The portal's browser tests (tests/browser) drive Debian's Chromium through Playwright; nothing is
# downloaded when they run.
chromium:
	@if ! command -v chromium >/dev/null; then \
	  echo "Installing Chromium with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

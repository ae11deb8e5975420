# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= $(CURDIR)/data
PG_URL ?= postgres://postgres@127.0.0.1:5432/newsdesk
REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run demo test test-sqlite test-postgres install install-test browser clean

$(BIN)/newsdesk: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/newsdesk

run: install
	NEWSDESK_DATA_DIR=$(DATA) $(BIN)/newsdesk run

demo: install
	NEWSDESK_DATA_DIR=$(DATA)-demo $(BIN)/newsdesk run --demo

# Browser tests drive Debian's Chromium: installed from apt when missing (CI runs as root).
browser:
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

# The whole suite on SQLite, then again on PostgreSQL with Redis.
test: install browser
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install browser
	rm -rf build/test-sqlite
	NEWSDESK_ALLOW_PRIVATE_NETWORKS=true NEWSDESK_SUBSCRIBE_DEFAULTS=false NEWSDESK_DATA_DIR=$(CURDIR)/build/test-sqlite $(BIN)/pytest -q

test-postgres: install browser
	rm -rf build/test-postgres
	NEWSDESK_ALLOW_PRIVATE_NETWORKS=true NEWSDESK_SUBSCRIBE_DEFAULTS=false NEWSDESK_DATA_DIR=$(CURDIR)/build/test-postgres NEWSDESK_DATABASE_URL=$(PG_URL) NEWSDESK_REDIS_URL=$(REDIS_URL) $(BIN)/pytest -q

clean:
	rm -rf $(VENV) build *.egg-info

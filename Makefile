# The two commands: `make run` (set up and serve on 127.0.0.1:8000) and
# `make test` (the whole suite). Both create .venv on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint worker setup migrate messages clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11+ needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py devserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

# Style and layers (also the pre-commit hooks): ruff's lint with import order,
# ruff's formatting, and no import against the layers (scripts/import_graph.py).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/import_graph.py >/dev/null || $(BIN)/python scripts/import_graph.py

# A Celery worker for `repredict --queue` (needs MLH_BROKER_URL; docs/scaling.md):
# one process per core, one TensorFlow thread each.
worker: migrate
	$(BIN)/celery -A mylittlehero worker --concurrency $$(nproc) --prefetch-multiplier 1 -O fair

# Regenerate the message catalogs after changing user-facing strings, then
# translate locale/ko/LC_MESSAGES/django.po and compile (the .mo files are
# committed so a fresh clone needs no gettext).
messages: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemessages -l ko -l en --ignore=.venv --no-obsolete --no-location
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts

# --- MongoDB (docs/mongodb.md) ------------------------------------------------
# test-mongodb: the whole suite against a throw-away MongoDB emulator
#   (SecantusDB in its own .venv-secantus/, test-only, in memory), started on
#   a free loopback port and stopped when the run ends. It leaves out only the
#   tests that touch no database (marked nodb: the engine, the browser engine,
#   image code, wording), which `make test` runs; every test that queries runs
#   on both. Each test starts from the documents `migrate` made, written back
#   by the flush after the test before (conftest.py, docs/mongodb.md).
# run-mongodb: migrate and serve on MONGODB_URI when it is set (a real MongoDB
#   7/8 replica set or Atlas), else on the emulator with its data kept in
#   .secantus-data/.
.PHONY: test-mongodb run-mongodb

test-mongodb: $(VENV)/.installed-dev
	scripts/mongodb_emulator.sh $(BIN)/python -m pytest -m "not nodb"

MONGODB_SERVE = $(BIN)/python manage.py migrate --noinput && $(BIN)/python manage.py runserver $(HOST):$(PORT)

run-mongodb: setup
	@if [ -n "$$MONGODB_URI" ]; then \
		sh -c '$(MONGODB_SERVE)'; \
	else \
		SECANTUS_STORAGE="$(CURDIR)/.secantus-data" scripts/mongodb_emulator.sh sh -c '$(MONGODB_SERVE)'; \
	fi

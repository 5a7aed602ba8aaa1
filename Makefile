# Vigil: `make run` serves on http://127.0.0.1:5000, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
WORKERS ?= 2

.PHONY: run test lint bench demo translations clean

# A virtualenv per checkout; Debian ships venv separately, so install it when missing and allowed.
$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && apt-get install -y -q python3-venv && $(PYTHON) -m venv $(VENV); \
	  else echo "Python's venv module is missing: sudo apt-get install python3-venv" >&2; exit 1; fi; }
	@$(BIN)/pip install -q --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	@touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(BIN)/flask --app server init
	@echo "Vigil on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/api/docs)"
	@# The evaluator (rounds, alerts) runs beside the web workers and stops with them.
	$(BIN)/flask --app server vigil worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	  $(BIN)/gunicorn -c python:server.serving --workers $(WORKERS) --bind $(HOST):$(PORT) 'server:create_app()'

demo: $(VENV)/.run-deps
	$(BIN)/flask --app server init
	$(BIN)/flask --app server demo

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# pytest exits 5 when it collected nothing: a vanished suite must fail, loudly. The suite runs on
# every core (pytest-xdist); each worker has its own databases.
test: lint
	@$(BIN)/pytest -n auto $(PYTEST_ARGS) || { rc=$$?; \
	  [ $$rc -eq 5 ] && echo "pytest collected no tests: the suite is missing" >&2; exit $$rc; }

bench: $(VENV)/.dev-deps
	$(BIN)/python -m benchmarks

# The console's words: collect them from code and templates, bring the Chinese catalogue up to
# date (translate what is new in server/web/translations/zh), then compile what Flask-Babel reads.
TRANSLATIONS := server/web/translations
translations: $(VENV)/.dev-deps
	$(BIN)/pybabel extract -F server/web/babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot \
	  --no-location --omit-header --sort-output server/web
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) \
	  --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel compile -d $(TRANSLATIONS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .import_linter_cache

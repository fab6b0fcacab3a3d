# Everyday commands. Needs only Python 3.11+; everything else goes into .venv.
#   make demo   install, migrate, seed the demo data, print the logins, serve on :8000
#   make test   install, run the whole test suite

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist); each has its own test database. TEST_WORKERS=0 runs in one.
TEST_WORKERS ?= auto

.DEFAULT_GOAL := help
.PHONY: help install demo test lint bench messages

help:
	@echo "make demo      install, migrate, seed demo data, serve on http://$(HOST):$(PORT)/"
	@echo "make test      run the whole test suite (PYTEST_ARGS='-x tests/people' to narrow)"
	@echo "make lint      ruff check, ruff format --check, makemigrations --check"
	@echo "make bench     run the benchmarks in bench/"
	@echo "make messages  compile translations (needs gettext's msgfmt)"
	@echo "make install   create .venv and install the project (the other targets do this when needed)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed; set PYTHON=python3.11 or similar." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstalled only when pyproject.toml is newer than the last install.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo
	@echo "Sign in at http://$(HOST):$(PORT)/accounts/login/ (Ctrl+C stops the server)."
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# All three run, so one pass shows every problem; fails if any did.
lint: $(STAMP)
	@status=0; \
	echo "ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "ruff format --check ."; $(BIN)/ruff format --check . || status=1; \
	echo "makemigrations --check"; $(PY) manage.py makemigrations --check --dry-run || status=1; \
	exit $$status

bench: $(STAMP)
	$(PY) bench/roster_import.py
	$(PY) bench/sign_in.py
	$(PY) bench/question_import.py
	$(PY) bench/ranking.py
	$(PY) bench/certificates_pdf.py
	$(PY) bench/deadline_storm.py
	$(PY) bench/autosave.py

messages: $(STAMP)
	@if ! command -v msgfmt >/dev/null 2>&1; then \
		echo "msgfmt not found: install gettext to compile translations; skipped."; \
	elif [ -z "$$(find . -path ./$(VENV) -prune -o -name '*.po' -print -quit)" ]; then \
		echo "No .po files yet: nothing to compile."; \
	else \
		$(PY) manage.py compilemessages --ignore=$(VENV); \
	fi

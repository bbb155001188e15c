# Rucher: `make run` serves a demo organisation, `make test` runs the whole suite.
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck check bench messages clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@PY=$$(scripts/find-python) || exit 1; \
	  [ -x $(BIN)/python ] || "$$PY" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

var:
	@mkdir -p var/media var/mail

run: $(STAMP) var
	$(BIN)/rucher migrate --noinput
	$(BIN)/rucher compilemessages --ignore=.venv -v 0
	$(BIN)/rucher demo
	$(BIN)/rucher runall --bind 127.0.0.1:8000

test: $(STAMP) var
	$(BIN)/rucher compilemessages --ignore=.venv -v 0
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy rucher

messages: $(STAMP)
	$(BIN)/rucher makemessages -l fr --ignore=.venv --ignore=tests --no-obsolete
	$(BIN)/rucher compilemessages --ignore=.venv

bench: $(STAMP) var
	RUCHER_BENCH=1 $(BIN)/python -m pytest tests/bench -s $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var

# Rucher: `make run` serves a demo organisation, `make test` runs the whole suite.
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck check bench messages clean

# Quiet steps, one line each (pip's own output only when something fails).
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@PY=$$(scripts/find-python) || exit 1; \
	  [ -x $(BIN)/python ] || { echo "• Creating the virtual environment ($(VENV))"; "$$PY" -m venv $(VENV); }
	@echo "• Updating pip"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@echo "• Installing the Python packages (requirements.txt, requirements-dev.txt)"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	@echo "• Installing Rucher itself"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

var:
	@mkdir -p var/media var/mail

# The login instructions come last, once the web server answers; Ctrl+C stops everything.
run: $(STAMP) var
	@echo "• Updating the database"
	@$(BIN)/rucher migrate --noinput -v 0
	@echo "• Compiling the translations"
	@$(BIN)/rucher compilemessages --ignore=.venv -v 0
	@echo "• Loading the demo organisation"
	@$(BIN)/rucher demo --brief
	@echo "• Starting the web server, the worker and the mail server"
	@$(BIN)/rucher runall --bind 127.0.0.1:8000 --login-hint

# The suite runs in parallel (pytest-xdist): one process and one test database per core. `load`
# hands out the tests in pytest-django's order (transactional tests, which empty the database,
# last) so each worker keeps that order; consecutive tests on a worker reuse the data they share
# (tests/shared.py). (`worksteal` and `loadscope` break that order.) `make test PYTEST_XDIST=`
# runs it in one process. Bytecode is cached (__pycache__, ignored by git): without it every
# process compiles the whole code base and rewrites every test module again.
PYTEST_XDIST ?= -n auto --dist load
test: $(STAMP) var
	$(BIN)/rucher compilemessages --ignore=.venv -v 0
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy rucher

messages: $(STAMP)
	$(BIN)/rucher makemessages -l fr -e html,txt,py,jinja --ignore=.venv --ignore=tests --ignore=node_modules --ignore=var --no-obsolete
	$(BIN)/rucher compilemessages --ignore=.venv

# Seeds (or reuses) a bench database and prints one table per page against the floor
# (docs/performance.md). BENCH_SIZE=small|medium|large; DATABASE_URL=postgres://… for PostgreSQL
# (database rucher_bench_<size> on that server); BENCH_ARGS="--duration 5 --no-load" etc.
# The pytest micro-benchmarks: RUCHER_BENCH=1 .venv/bin/pytest tests/bench -s
BENCH_SIZE ?= small
bench: $(STAMP) var
	$(BIN)/python -m tests.bench.runner --size $(BENCH_SIZE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var

# Two commands: `make run` (demo district on http://127.0.0.1:8000) and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PORT    ?= 8000
WORKERS ?= 3

.PHONY: run test install assets lint serve clean-demo walk screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,rq]'
	touch $(STAMP)

install: $(STAMP) assets

assets: shanzhi/static/vendor/.stamp

shanzhi/static/vendor/.stamp: package.json scripts/vendor_assets.sh
	npm install --no-audit --no-fund --silent
	sh scripts/vendor_assets.sh
	touch $@

# The demo: migrate, seed one street once, collect static files, then serve with gunicorn and
# a background task worker side by side (Ctrl-C stops both). It runs as production would, DEBUG
# off (friendly error pages, WhiteNoise serving the collected static files), on the secrets under
# var/ that SHANZHI_DEMO=1 declares acceptable.
run: export SHANZHI_DEBUG ?= 0
run: export SHANZHI_DEMO ?= 1
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --scale small --seed 1 --if-empty
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py demo_logins
	sh scripts/serve.sh $(PORT) $(WORKERS)

# Bytecode is written and read even where the environment says PYTHONDONTWRITEBYTECODE: a test run
# starts several Python processes (two workers, servers, commands), and each would otherwise
# compile every module of the project again, and pytest rewrite every test module's asserts again
# (on a 2-core machine, collecting took 23 s a process without it and 9 s with it). Compiling
# first is a saving, never a condition: where it cannot write, the run goes on.
test walk screenshots: export PYTHONDONTWRITEBYTECODE =
test: install
	-$(BIN)/python -m compileall -q shanzhi
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

clean-demo:
	rm -f var/shanzhi.sqlite3 var/shanzhi.sqlite3-wal var/shanzhi.sqlite3-shm

# Each role's home and the main pages at 390 and 1366 px, as PNG under docs/screenshots/: the
# browser walk (shanzhi/tests/test_walk.py) saves them as it goes. Needs Debian's chromium.
# The 15-user browser walk (phone and desk, axe-core, English), on its own: it seeds its own demo.
# It runs on a test database in a file, where a lock is waited for (see _OneRequestAtATime in
# shanzhi/conftest.py).
walk: export SHANZHI_TEST_SQLITE ?= $(CURDIR)/var/walk-test.sqlite3
walk: install
	$(BIN)/python -m pytest -p no:cacheprovider -n 0 -m walk shanzhi/tests/test_walk.py

screenshots: export SHANZHI_TEST_SQLITE ?= $(CURDIR)/var/walk-test.sqlite3
screenshots: install
	SHANZHI_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -p no:cacheprovider -n 0 -m walk shanzhi/tests/test_walk.py

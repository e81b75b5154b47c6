# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Where settings.py keeps the SQLite file and the generated key (DATA_DIR, as settings.py reads it).
DATA := $(or $(DATA_DIR),data)

.PHONY: run test install install-dev lint format serve benchmark benchmark-quick screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Stamps make a second run reuse what is installed until pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

# The Nu Html Checker for the browser tests comes from the npm registry (package.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

$(DATA)/secret_key: | $(BIN)/python
	mkdir -p $(DATA)
	$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	chmod 600 $@

# settings.py reads data/secret_key when SECRET_KEY is not in the environment.
run: install $(DATA)/secret_key
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# mypy (with django-stubs, pyproject.toml) types diary/ and spasmlog/; makemigrations --check
# fails when a model change has no migration. DEBUG=1 only lets both load the settings without
# a key.
lint: install-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Rewrites the code as `make lint` wants it: the formatter, then ruff's safe fixes.
format: install-dev
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# A person's own server: gunicorn with the production settings (DEBUG off) on SQLite in data/.
# Put a TLS proxy in front (docs/deploy.md); each of these can be set in the environment.
# No access log: paths hold share and unsubscribe tokens.
SERVE_BIND ?= 127.0.0.1:8000
SERVE_WORKERS ?= 2
SERVE_THREADS ?= 1
SERVE_TIMEOUT ?= 60
serve: install $(DATA)/secret_key
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	exec $(BIN)/gunicorn spasmlog.wsgi:application --bind $(SERVE_BIND) \
		--workers $(SERVE_WORKERS) --threads $(SERVE_THREADS) --timeout $(SERVE_TIMEOUT)

# Measures the app against a trivial view on a throwaway database (README, "Performance").
# DEBUG=1 only lets this process start without a key; the server it runs has DEBUG off.
benchmark: install
	DEBUG=1 nice -n 10 $(BIN)/python manage.py benchmark $(BENCHMARK_ARGS)

benchmark-quick: install
	DEBUG=1 $(BIN)/python manage.py benchmark --quick

# The README's three pictures, from the browser test that takes them.
screenshots: install-dev
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest -k test_screenshots tests/test_browser.py

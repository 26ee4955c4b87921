# Two commands do all set-up on a fresh machine:
#   make run    create .venv, install, migrate, seed the demo, start web + worker + beat
#   make test   install the test tools, then ruff, the import layers and the whole pytest suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
comma := ,

.PHONY: run test lint format install install-dev migrate seed web worker beat

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# A stamp per extra, so a second `make run` starts at once unless the pins changed.
$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	@echo ""
	@echo "  Click & Collect is starting (Ctrl-C stops web, worker and beat):"
	@echo "    Shop            http://127.0.0.1:$(PORT)/"
	@echo "    Staff console   http://127.0.0.1:$(PORT)/admin/"
	@echo "    Hotline         http://127.0.0.1:$(PORT)/admin/hotline/   (log in as agent)"
	@echo "    Campaigns       http://127.0.0.1:$(PORT)/admin/newsletter/campaign/   (log in as marketing)"
	@echo "    API docs        http://127.0.0.1:$(PORT)/api/docs/"
	@echo "    Health          http://127.0.0.1:$(PORT)/healthz  and  /readyz"
	@echo "  Demo logins (password: demo): admin, agent, marketing, clerk.<store code>, e.g. clerk.pas-01"
	@echo ""
	@# honcho gives each process its own PORT (the worker's is the web's + 100): the links in messages
	@# must name the web's port, whichever process renders them.
	SHOP_BASE_URL="$${SHOP_BASE_URL:-http://127.0.0.1:$(PORT)}" PORT=$(PORT) \
		$(BIN)/honcho --procfile Procfile.local start

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/pytest

# Separate processes for PostgreSQL + Redis deployments (see README).
web: install
	$(BIN)/gunicorn config.wsgi --bind 0.0.0.0:$(PORT) --workers 3
# `make worker` consumes every queue; `make worker QUEUES=messages` only those named (Procfile).
worker: install
	$(BIN)/celery -A config worker --loglevel=INFO $(if $(QUEUES),-Q $(QUEUES) -n $(firstword $(subst $(comma), ,$(QUEUES)))@%h)
beat: install
	$(BIN)/celery -A config beat --loglevel=INFO

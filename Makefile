# Alongside — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run test lint fmt install demo worker screenshots

$(UV):
	@echo "uv not found: installing it into .tools/ (once)"
	python3 -m venv .tools && .tools/bin/pip install --quiet uv

install: $(UV)
	$(UV) sync --frozen

## run: install, migrate, seed the demo when empty, serve web + worker on :8000
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo --quiet-logins
	@$(PY) -c "from alongside.accounts.demo import logins_text; print(logins_text())"
	@echo "Alongside is starting on http://127.0.0.1:8000  (Ctrl+C stops it)"
	DEBUG=$${DEBUG:-true} $(PY) -m alongside.cli serve --bind 127.0.0.1:8000 --workers 2 --task-workers 1

## test: the whole suite (browser tests skip without Chromium unless REQUIRE_BROWSER=1)
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy alongside

fmt: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

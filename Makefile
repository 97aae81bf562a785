# The two commands of the README: `make demo` and `make test`.
# Everything else is a helper they use or a routine for developers.
PY ?= python3
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON_PREFERENCE := only-system
RUN := $(UV) run --frozen --no-sync

.PHONY: demo test test-fast test-browser lint typecheck schema messages check bench env system
.DEFAULT_GOAL := demo

$(CURDIR)/.tools/bin/uv:
	$(PY) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python "$$($(PY) -c 'import sys; print(sys.executable)')"
	@touch $@

env: .venv/.synced system

## Debian packages needed at run time (Pango, the document font); installs what is missing
system:
	@scripts/system-packages

## Run the platform with demo data on SQLite at http://127.0.0.1:$${PORT:-8000}
demo: .venv/.synced system
	$(RUN) eservice demo

## Run the whole test suite (browser tests too when Debian's chromium is installed)
test: .venv/.synced
	@scripts/system-packages --test
	@if [ -x /usr/bin/chromium ]; then \
		$(RUN) pytest; \
	else \
		echo "NOTE: /usr/bin/chromium not found: browser tests not run (apt-get install chromium)."; \
		$(RUN) pytest -m "not browser"; \
	fi

test-fast: .venv/.synced
	$(RUN) pytest -m "not browser" -x -q

test-browser: .venv/.synced
	$(RUN) pytest -m browser

lint: .venv/.synced
	$(RUN) ruff check src tests benchmarks
	$(RUN) ruff format --check src tests benchmarks

typecheck: .venv/.synced
	$(RUN) mypy src

## Regenerate the committed OpenAPI document
schema: .venv/.synced
	$(RUN) eservice manage spectacular --lang en --file docs/openapi.yaml --validate --fail-on-warn

## Extract and compile translations (needs gettext)
messages: .venv/.synced
	cd src/eservice && $(RUN) django-admin makemessages -l th --no-obsolete --add-location file
	cd src/eservice && $(RUN) django-admin compilemessages

bench: .venv/.synced
	$(RUN) python benchmarks/spine.py

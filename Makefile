# The two commands of the README, and their setup.
#   make crawl   set up, crawl the bundled mirror into output/, print a summary
#   make test    set up, lint, and run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup crawl test lint mirror

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[test]"
	touch $@

crawl: setup
	$(BIN)/riac crawl --mirror --output output -s LOG_LEVEL=WARNING

test: lint
	$(BIN)/python -m tests.quality_gate > /dev/null
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

mirror: setup
	$(BIN)/riac mirror --port 8000

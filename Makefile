# Everything starts from a fresh machine: each target creates .venv and installs the project
# (with its development tools) when that has not happened yet or pyproject.toml changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint typecheck pytest run migrate bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## The bot against a local fake Telegram, with a scripted conversation (no token needed).
demo: $(STAMP)
	$(BIN)/buddybot demo

## Lint, type-check and every test (PostgreSQL tests run when BUDDYBOT_TEST_POSTGRES_URL is set).
test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

## The real bot; needs BUDDYBOT_TELEGRAM_TOKEN (from @BotFather).
run: $(STAMP)
	$(BIN)/buddybot run

migrate: $(STAMP)
	$(BIN)/buddybot migrate

## Every benchmark, then one summary table of the headline figures (long: ~15 minutes).
bench: $(STAMP)
	$(BIN)/python -m benchmarks.summary

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache

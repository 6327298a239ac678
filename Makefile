# The two commands of the README:  make briefs  and  make test.
# Both install what they need first (system packages, then a virtual environment).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: briefs test lint system-deps clean

briefs: $(STAMP)
	$(BIN)/briefgen build

test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/python -m pytest

system-deps:
	scripts/install-system-deps

$(STAMP): pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) output/*.html output/*.pdf

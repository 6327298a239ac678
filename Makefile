# The commands of the README:  make briefs,  make test  and  make bench.
# All three install what they need first (system packages, then a virtual environment).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: briefs test bench lint system-deps clean

briefs: $(STAMP)
	$(BIN)/briefgen build

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

# briefgen against the WeasyPrint CLI and pandoc (from the pypandoc-binary wheel); a few minutes.
# Knobs: make bench BENCH_ARGS="--briefs 50 --runs 3"  (see benchmarks/bench.py --help)
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet 'pypandoc-binary>=1.15,<2'
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

system-deps:
	scripts/install-system-deps

$(STAMP): pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) output/*.html output/*.pdf

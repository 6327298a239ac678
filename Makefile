# The commands of the README:  make briefs,  make test  and  make bench  (make test-fast while working).
# All three install what they need first (system packages, then a virtual environment).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core for the browser tests, from the npm registry (versions locked in package-lock.json)
AXE_STAMP := tests/browser/node_modules/.installed

.PHONY: briefs test test-fast bench system-deps docs-images clean

briefs: $(STAMP)
	$(BIN)/briefgen build

test: $(STAMP) $(AXE_STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest

# The unit tier, in about 40 s on two CPUs: everything but the tests marked pdf (WeasyPrint),
# browser (Chromium) and slow. A run that leaves out the pdf or browser tests fails any test
# that imports WeasyPrint or Playwright unmarked (see docs/development.md).
FAST_TIER := not pdf and not browser and not slow

test-fast: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/python -m pytest -q -n auto -m "$(FAST_TIER)"

# The first pages shown in the README, and the references of the visual-regression tests: real
# renders of every example edition and handout (PNG, 100 dpi). Refresh them deliberately.
docs-images: $(STAMP)
	$(BIN)/python scripts/docs-images

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

$(AXE_STAMP): tests/browser/package.json tests/browser/package-lock.json | system-deps
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $(AXE_STAMP)

clean:
	rm -rf $(VENV) tests/browser/node_modules output/*.html output/*.pdf

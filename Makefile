# The two commands: `make demo` and `make test`. Both build .venv with pinned versions first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The compiled modules are built by the install, so their sources are part of the stamp.
BUILD_INPUTS := pyproject.toml constraints.txt setup.py $(wildcard pipeline/text/extract/*.pyx)
INSTALLED := $(VENV)/.installed-$(shell cat $(BUILD_INPUTS) | cksum | cut -d' ' -f1)

.PHONY: install demo test test-celery bench bench-accuracy bench-extract bench-crawl bench-warehouse bench-scale bench-e2e bench-faults bench-speech bench-quotes bench-dedup clean

install: $(INSTALLED)

$(INSTALLED): $(BUILD_INPUTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# The venv's own pip (23.2) mis-resolves extras; upgrade it before anything else.
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,bench,airflow]'
	rm -f $(VENV)/.installed-* && touch $@

demo: install
	$(BIN)/python -m devkit.sample_site.demo

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# The deployment on its real services outside containers: Postgres, Redis, two Celery workers
# on hostnames of their own (root, apt-get install postgresql redis-server docker-compose; minutes).
test-celery: install
	$(BIN)/python -m pytest -q -s -m deployment tests/integration

bench: bench-accuracy bench-speech bench-quotes bench-dedup bench-extract bench-crawl bench-warehouse bench-scale bench-e2e bench-faults

bench-accuracy: install
	$(BIN)/python -m benchmarks.accuracy

# Who said what on real pages, against the hand-made gold in benchmarks/speech_gold/.
bench-speech: install
	$(BIN)/python -m benchmarks.speech

# Reported speech ("申长雨表示，…") on real pages, against the hand-made gold in benchmarks/quotes_gold/.
bench-quotes: install
	$(BIN)/python -m benchmarks.quotes

# Near-duplicates: copies of real pages re-rendered and re-extracted, pair precision/recall, 100k indexing.
bench-dedup: install
	$(BIN)/python -m benchmarks.dedup

bench-extract: install
	$(BIN)/python -m benchmarks.extract_speed

bench-crawl: install
	$(BIN)/python -m benchmarks.crawl

bench-warehouse: install
	$(BIN)/python -m benchmarks.warehouse

bench-scale: install
	$(BIN)/python -m benchmarks.scale

bench-e2e: install
	$(BIN)/python -m benchmarks.end_to_end

# Hostile input, concurrent runs, kills and readers: what each fault cost (lost / duplicated).
bench-faults: install
	$(BIN)/python -m benchmarks.faults

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

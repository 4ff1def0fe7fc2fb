# upr-lab: `make demo` and `make test` set everything up themselves (a .venv beside this file).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO_COUNTRIES ?= NOR,BRA,KEN,IND,POL
SEEDS   ?= 200
WORKERS ?= 2
RAW     ?= ../shared/data
FUZZ_EXAMPLES ?= 250
FUZZ_SEED     ?= 0
TEST_WORKERS  ?= 3

.PHONY: setup demo data test docs fuzz validate lab bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "upr-lab needs Python 3.11 or newer"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	$(PY) -c "from upr_lab.runs.kernel import ensure; ensure()"
	touch $(STAMP)

# upr-lab's own modules compiled to bytecode beside them (Python then reads, never writes, them where
# PYTHONDONTWRITEBYTECODE is set, as on the machines this was built on: otherwise every kernel, helper and command
# compiles the package again, about 0.2 s of CPU per process); up-to-date files are skipped.
COMPILE := $(PY) -m compileall -q upr_lab

demo: setup
	$(COMPILE)
	$(VENV)/bin/upr-lab batch --countries $(DEMO_COUNTRIES) --data upr --out outputs

# The embedded real data set (upr_lab/data/upr/), the action category and issue tag classifiers trained on it
# (upr_lab/data/classifier.npz), the treaty status table (upr_lab/data/treaty_status.csv) and the V-Dem
# indices (upr_lab/data/vdem_indices.csv), rebuilt from the raw files (their SHA-256 checked).
data: setup
	$(PY) -m upr_lab.sources.build_embedded $(RAW)
	$(PY) -m upr_lab.stats.classify.store
	$(PY) -m upr_lab.sources.treaties $(RAW)
	$(PY) -m upr_lab.sources.context.vdem $(RAW)
	$(PY) -m upr_lab.sources.nmirf $(RAW)

# Three pytest-xdist workers on two cores, each taking whole files (a file's module fixtures and a notebook's cells
# stay on one worker): with two, a core was idle some 10% of the run while both workers waited on a kernel or a
# command (docs/benchmarks-tests.md). TEST_WORKERS=0 runs the suite in this one process.
test: setup
	$(COMPILE)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

# The documentation site (docs/, Sphinx with MyST pages and the API reference from the docstrings), built offline
# and strictly: any warning (a broken link, a page outside the navigation, an undocumented public name) fails it.
# Open docs/_build/html/index.html. tests/test_docs.py runs the same build in `make test`.
docs: setup
	$(PY) -m sphinx -W --keep-going -n -q -b html docs docs/_build/html

# The fuzz harness at length: FUZZ_EXAMPLES mutated inputs per strategy (thousands in all); each failure's
# input, command and traceback under fuzz-failures/ (git-ignored), with summary.json (outcome counts).
fuzz: setup
	rm -rf fuzz-failures
	UPR_LAB_FUZZ=1 UPR_LAB_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) UPR_LAB_FUZZ_FAILURES=$(CURDIR)/fuzz-failures \
		$(PY) -m pytest tests/fuzz -q -p no:randomly --hypothesis-seed=$(FUZZ_SEED) -rxXf

validate: setup
	$(PY) validation/coverage.py --seeds $(SEEDS) --workers $(WORKERS)

lab: setup
	$(VENV)/bin/upr-lab lab

bench: setup
	$(PY) bench/run.py
	$(PY) bench/recurrence.py
	$(PY) bench/uhri_load.py

clean:
	rm -rf outputs/*/ outputs/index.html outputs/batch.json docs/_build

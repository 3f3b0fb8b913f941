# Set-up and entry points. `make run` and `make test` install what they need into .venv first.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
CORPUS ?= corpus
OUT    ?= outputs
ARGS   ?=
DATA   ?= ../shared/data
# The exact versions CI tests with (scripts/freeze_constraints.py); CONSTRAINTS=/dev/null installs the newest
# releases pyproject.toml allows.
CONSTRAINTS ?= constraints.txt
PIP    := $(PY) -m pip install --quiet -c $(CONSTRAINTS)

.PHONY: install run report test eval train-ner lexicons bench bench-hostile clean-venv constraints upgrade-constraints

# torch first, on its own: pip takes the CPU build of 2.13.0 this machine keeps on disk (see README, Installing).
$(VENV)/.installed: pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PIP) "torch==2.13.0"
	$(PIP) -e ".[test]"
	touch $@

install: $(VENV)/.installed

# Pins every package of .venv (the versions the tests passed with) into constraints.txt.
constraints: install
	$(PY) scripts/freeze_constraints.py --out constraints.txt

# Moves the pins to the newest releases pyproject.toml allows: a fresh venv without the pins, the tests, then
# the freeze. Review `git diff constraints.txt` before committing it.
UPGRADE_VENV ?= build/upgrade-venv
upgrade-constraints:
	rm -rf $(UPGRADE_VENV)
	$(MAKE) test VENV=$(UPGRADE_VENV) CONSTRAINTS=/dev/null
	$(UPGRADE_VENV)/bin/python scripts/freeze_constraints.py --out constraints.txt

run: install
	$(PY) -m pipeline run $(CORPUS) --out $(OUT) $(ARGS)

$(VENV)/.installed-report: $(VENV)/.installed
	$(PIP) -e ".[report]"
	touch $@

# Static HTML report of the tables in $(OUT): $(OUT)/report/index.html (run `make run` first).
report: $(VENV)/.installed-report
	$(PY) -m pipeline report $(OUT)

test: install
	$(PY) -m ruff check pipeline tests bench scripts
	$(PY) -m pytest -q $(ARGS)

# Scores the events on the annotated development set in $(DATA)/events_dev (a measuring instrument, never
# training data): runs the pipeline on its pages into $(EVAL_OUT), then prints the scorer's table.
EVAL_SET ?= $(DATA)/events_dev
EVAL_OUT ?= build/eval
eval: install
	@if [ ! -f "$(EVAL_SET)/score.py" ] || [ ! -d "$(EVAL_SET)/pages" ]; then \
	  echo "eval: no development set at $(EVAL_SET) (pages/ and score.py); set DATA=... to score one. Nothing to do."; \
	else \
	  $(PY) -m pipeline run "$(EVAL_SET)/pages" --out "$(EVAL_OUT)" --quiet && \
	  $(PY) "$(EVAL_SET)/score.py" "$(EVAL_OUT)" $(ARGS); \
	fi

$(VENV)/.installed-train: $(VENV)/.installed
	$(PIP) -e ".[test,train]"
	touch $@

# Trains the NER model from the corpora in $(DATA) (default ../shared/data) into models/ner. Never run in CI.
train-ner: $(VENV)/.installed-train
	$(PY) scripts/train_ner.py --data $(DATA) --out models/ner

# Regenerates pipeline/lexicons/countries.tsv from Babel/CLDR + pycountry + country_aliases.tsv.
lexicons: install
	$(PY) scripts/build_countries.py

bench: install
	$(PY) bench/bench_ner.py

# Time and peak memory per article for hostile lines of 100 KB-5 MB (see bench/bench_hostile.py; ARGS='--ner both').
bench-hostile: install
	$(PY) bench/bench_hostile.py $(ARGS)

clean-venv:
	rm -rf $(VENV)

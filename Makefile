# Set-up and entry points. `make run` and `make test` install what they need into .venv first.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
CORPUS ?= corpus
OUT    ?= outputs
ARGS   ?=
DATA   ?= ../shared/data

.PHONY: install run report test eval train-ner lexicons bench bench-hostile clean-venv

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "torch==2.13.0"
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) -m pipeline run $(CORPUS) --out $(OUT) $(ARGS)

# Static HTML report of the tables in $(OUT): $(OUT)/report/index.html (run `make run` first).
report: install
	$(PY) -m pipeline.report $(OUT)

test: install
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
	$(PY) -m pip install --quiet -e ".[test,train]"
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

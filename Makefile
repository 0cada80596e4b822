# Everything CI runs is a target here. Needs python3.11 (or PYTHON=...) and the PyPI registry.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO_DIR ?= demo-report
SAMPLES ?= ../shared/samples

.PHONY: demo test lint bench eval serve lock clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Need $(PYTHON) (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[face,ray,test,dev]'
	$(PY) -m podium setup --expressions  # the face model (+ the opt-in expression model), sha256 checked
	@touch $(STAMP)

demo: $(STAMP)  ## install, analyse a sample recording, print where the report is
	$(PY) scripts/demo_sample.py .cache/demo
	$(PY) -m podium analyze .cache/demo/two_cities.wav --out $(DEMO_DIR)
	@echo "Open $(DEMO_DIR)/report.html in a browser."

test: $(STAMP)  ## lint, types (mypy --strict) and the whole test suite, real models included
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/mypy
	PODIUM_SAMPLES=$(SAMPLES) $(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/mypy

eval: $(STAMP)  ## accuracy on ../shared/samples
	$(PY) -m podium eval speech $(SAMPLES)/speech_clean
	$(PY) -m podium eval speech $(SAMPLES)/speech_disfluent
	$(PY) -m podium eval faces $(SAMPLES)/faces --expressions
	$(PY) -m podium eval faces $(SAMPLES)/video_talking

bench: $(STAMP)  ## speed and memory on a >= 10 minute recording assembled from ../shared/samples
	$(PY) bench/speech_bench.py --samples $(SAMPLES)
	$(PY) bench/full_bench.py --samples $(SAMPLES)
	$(PY) bench/batch_bench.py --samples $(SAMPLES)
	$(PY) bench/web_load.py --samples $(SAMPLES)

serve: $(STAMP)  ## the web app on http://127.0.0.1:8000 (create the first admin with: .venv/bin/podium user add EMAIL --role admin)
	$(PY) -m podium serve

lock:  ## rewrite constraints.txt from the registry (UPGRADE=1: re-resolve everything within pyproject's ranges)
	$(PYTHON) scripts/lock.py $(if $(UPGRADE),--upgrade)

clean:
	rm -rf $(VENV) .cache $(DEMO_DIR) .pytest_cache .ruff_cache .mypy_cache

# Two entry points for a fresh clone: `make demo` (the main job) and `make test`.
# Both create .venv with everything they need; nothing else has to be installed
# beyond Python 3.11 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Installed first and alone so that the package's torch range is already met
# and pip never pulls a second (CUDA) torch. Override for a GPU build.
TORCH_SPEC ?= torch==2.13.0
PRESET ?= tiny
OUT ?= outputs/pipeline-$(PRESET)

.PHONY: demo test test-all lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q "$(TORCH_SPEC)"
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/crossagent --help
	$(BIN)/crossagent pipeline --preset $(PRESET) --output-dir $(OUT)

test: $(VENV)/.installed
	$(BIN)/ruff check .
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

test-all: $(VENV)/.installed
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -m "not gpu"

lint: $(VENV)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

clean:
	rm -rf $(VENV) outputs .pytest_cache

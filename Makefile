# `make demo` and `make test` work on a fresh clone: they create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: demo test fuzz venv clean

venv: $(STAMP)

# torch first, pinned: that version is a CPU wheel; letting pip choose pulls CUDA packages.
# The ray extra too, so that `make test` runs the Ray engine's test.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,ray]'
	$(BIN)/python -m auditor.pipeline.onnx_encoder  # export the ONNX graph once, so no run imports torch
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/audit compare 000 001 --report reports/000_vs_001.md || test $$? -eq 1

test: $(STAMP)
	$(BIN)/python -m pytest --durations=15

# Loader and segmenter properties on FUZZ_EXAMPLES (default 20,000) fresh hypothesis cases each.
fuzz: $(STAMP)
	$(BIN)/python -m pytest tests/test_properties.py -k "loader or segmenter" -p no:cacheprovider \
		--hypothesis-profile=fuzz --hypothesis-show-statistics

clean:
	rm -rf $(VENV) build *.egg-info

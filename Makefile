# Local development entry points. Stack settings (ports, run folder, worker count, DB=postgres)
# come from environment variables documented in stack/__main__.py.

VENV ?= .venv
PYTHON ?= python3
PY = $(VENV)/bin/python
RUN_DIR = $(or $(PAYMENTS_RUN_DIR),.run)
# Reinstall only when the declared dependencies change, so repeated make calls are fast.
STAMP = $(VENV)/.installed-stamp

.PHONY: venv up down status demo test test-fast lint fmt clean keys bench bench-quick chaos chaos-unsafe

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

up: venv
	$(PY) -m stack up

down: venv
	$(PY) -m stack down

status: venv
	$(PY) -m stack status

# Payload key ids and which one is active (never key material); see README for rotation.
keys: venv
	$(PY) -m infra.keys list --file $(RUN_DIR)/codec-keys.json

demo: up
	$(PY) -m stack.demo

# Own stack on free ports; QUICK=1 for the two-minute run, BENCH_ARGS for anything else
# (python -m bench --help). Results: bench/results/ (git-ignored).
bench: venv
	$(PY) -m bench $(if $(QUICK),--quick) $(BENCH_ARGS)

bench-quick: venv
	$(PY) -m bench --quick $(BENCH_ARGS)

# Own stack on free ports; 200 payments under 30+ worker SIGKILLs, 3 server SIGKILLs and
# processor faults, then the checks (python -m chaos --help). Reports: chaos/results/.
chaos: venv
	$(PY) -m chaos $(CHAOS_ARGS)

# The same harness with idempotency keys randomized per attempt: succeeds only if the
# harness reports the duplicate effects that causes (proof that it can fail).
chaos-unsafe: venv
	$(PY) -m chaos --quick --unsafe-no-idempotency --expect-failures $(CHAOS_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy payments infra stores facade processors

# Everything: unit and workflow tiers, the processor conformance suite, and the integration
# tests against real processes (stack, chaos quick run, canary, browser, replay, API), on
# TEST_WORKERS pytest-xdist workers: most tests wait on timers and processes, not the CPU. The
# scopes and their order are set in tests/conftest.py.
TEST_WORKERS ?= 4

test: lint
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadscope

# The domain alone and the workflow with faked activities on a time-skipping server (< 30 s).
test-fast: venv
	$(VENV)/bin/pytest tests/unit tests/workflows

fmt: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Also deletes the DB=postgres cluster, whose data lives outside the run folder under root.
clean: down
	$(PY) -m stack clean
	rm -rf -- '$(RUN_DIR)'

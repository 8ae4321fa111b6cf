# Everything sets itself up in .venv on first use; repeating a target is cheap.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint typecheck bench clean constraints audit

# constraints.txt pins every package casebot and its tests use, pip and setuptools too, to the versions the
# suite was run with, each with the SHA-256 of its files on PyPI: pip installs exactly those files (wheels
# only, nothing built from source) or stops. casebot itself is then installed from this tree, editable, with
# no dependencies of its own to fetch and the hashed setuptools to build it.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary :all: --no-deps -r constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# constraints.txt again from pyproject.toml, keeping every pin it has: after adding a dependency, or to move
# one, `make constraints UPGRADE=twilio`. Then run the whole suite on SQLite and PostgreSQL, commit both.
UV_VERSION := 0.13.9
constraints:
	test -x $(VENV)-tools/bin/uv || ($(PYTHON) -m venv $(VENV)-tools && $(VENV)-tools/bin/pip install --quiet uv==$(UV_VERSION))
	printf 'pip\nsetuptools>=68\n' | $(VENV)-tools/bin/uv pip compile pyproject.toml - --extra dev \
		--generate-hashes --python-version 3.11 --no-annotate --custom-compile-command 'make constraints' \
		$(if $(UPGRADE),--upgrade-package $(UPGRADE)) --quiet -o constraints.txt

run: $(STAMP)
	$(BIN)/python -m bot.entrypoints.launch

test: $(STAMP)
	$(BIN)/python -m pytest

# The unit lane alone (rules, parsers, blocks; no database): seconds, for the edit-run loop.
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests/unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Known vulnerabilities in the pinned packages (.ci/audit.py): fails on one not waived with a reason in
# .ci/audit-waivers.txt; with no advisory source reachable it says so and passes.
audit: $(STAMP)
	$(BIN)/python .ci/audit.py

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) $(VENV)-tools *.egg-info casebot.db

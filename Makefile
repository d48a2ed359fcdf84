# edgeplane: `make run` starts the whole API locally; `make test` runs the suite.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test venv package deploy bench clean lint openapi

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q 'pip<26.3'
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# DATA=dir keeps the local stack's data in dir across restarts (python -m infra.local --data-dir dir)
run: $(STAMP)
	$(PY) -m infra.local $(if $(DATA),--data-dir $(DATA)) $(ARGS)

test: $(STAMP)
	$(PY) -m pytest -q -n 2 tests

openapi: $(STAMP)
	$(PY) -m chalicelib.openapi build/openapi

package: $(STAMP)
	$(PY) -m infra.package

# The real deployment (your AWS credentials; STAGE=dev by default; ARGS e.g. "--region eu-west-1 --dry-run").
STAGE ?= dev
deploy: $(STAMP)
	$(PY) -m infra.deploy --stage $(STAGE) $(ARGS)

bench: $(STAMP)
	$(PY) -m bench.run
	$(PY) -m bench.merge --sizes 256,1024
	$(PY) -m bench.package
	$(PY) -m bench.mx_show
	$(PY) -m bench.ss_registry
	$(PY) -m bench.msap_deploy
	$(PY) -m bench.perf $(PERF_ARGS)

clean:
	rm -rf build .pytest_cache

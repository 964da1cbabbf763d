# Two commands: `make run` and `make test`. Both install missing Debian packages first.
SHELL := /bin/bash
SWIFT ?= swift
PYTHON ?= python3
VENV := .venv
MLFLOW_VENV := .venv-mlflow
# The static bundle links libarchive.a, libacl.a and libz.a; the minimal-root tests need
# debootstrap, iproute2 (ip netns) and curl; gpg/gpgv check the OpenPGP signatures.
SYSTEM_PACKAGES := libsqlite3-dev libssl-dev libarchive-dev libacl1-dev zlib1g-dev binutils python3-venv pkg-config openssl curl \
                   debootstrap iproute2 gpg gpgv
# Only the tests need a browser (the dashboard is driven in Debian's headless Chromium), a
# PostgreSQL server (a throwaway cluster, Tests/Services/postgres.sh) and nginx (the balancer
# in front of three replicas, Tests/Integration/test_replicas.py); tinyproxy is the plain HTTP proxy the agent test reaches the server through.
TEST_PACKAGES := chromium chromium-driver postgresql nginx tinyproxy nftables iproute2
# The integration tests whose server keeps state run a second time with it in PostgreSQL;
# the installer, bundle, signing-key, process, migrate and replica tests once (they start PostgreSQL servers of their own where they need one).
POSTGRES_INTEGRATION := test_zenml_client.py test_mlflow_client.py test_dashboard.py test_fuzz.py test_s3_artifact_store.py \
                        test_zenml_account_lists.py test_zenml_api_coverage.py test_zenml_artifact_content.py test_zenml_list_filters.py \
                        test_zenml_models.py test_zenml_request_rules.py test_zenml_retries.py test_zenml_run_metadata.py \
                        test_zenml_s3_artifact_store.py test_zenml_secrets.py test_zenml_tags.py test_triggered_runs.py
HOST ?= 127.0.0.1
PORT ?= 8080
DATA_DIR ?= ./.enclave

.PHONY: run test test-suites fuzz deps test-deps build release build-tests venv bench bundle clean

## run: build a release binary and serve on $(HOST):$(PORT) with data in $(DATA_DIR)
run: deps release
	.build/release/enclave serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR)

## test: Swift unit/HTTP tests, then the real zenml and mlflow clients against the built binary,
## with a throwaway SeaweedFS (S3) on loopback for the object-store tests
test: deps test-deps build-tests venv
	Tests/Services/with-services.sh $(MAKE) --no-print-directory test-suites

# The suites themselves; `make test` runs them inside Tests/Services/with-services.sh.
test-suites:
	Tests/Seams/check-storage-seam.sh
	# One test at a time: the memory and timing bounds of some tests measure the whole process.
	$(SWIFT) test --skip-build --no-parallel
	# The HTTP handler tests again, over the in-memory storage implementation (one connection).
	ENCLAVE_TEST_DATABASE=memory $(SWIFT) test --skip-build --no-parallel --filter ControlPlaneTests
	# And over PostgreSQL (a fresh database of the throwaway cluster per test).
	ENCLAVE_TEST_DATABASE=postgres $(SWIFT) test --skip-build --no-parallel --filter ControlPlaneTests
	ENCLAVE_BIN=$(CURDIR)/.build/debug/enclave MLFLOW_PYTHON=$(CURDIR)/$(MLFLOW_VENV)/bin/python $(VENV)/bin/pytest -q --durations=8 Tests/Integration
	ENCLAVE_TEST_DATABASE=postgres ENCLAVE_BIN=$(CURDIR)/.build/debug/enclave MLFLOW_PYTHON=$(CURDIR)/$(MLFLOW_VENV)/bin/python \
	  $(VENV)/bin/pytest -q --durations=8 $(addprefix Tests/Integration/,$(POSTGRES_INTEGRATION))

## fuzz: the fuzzing of `make test`, deeper (FUZZ_EXAMPLES per operation, a fresh seed each run)
fuzz: deps build-tests venv
	ENCLAVE_BIN=$(CURDIR)/.build/debug/enclave FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} FUZZ_SEED=$${FUZZ_SEED:-$$RANDOM} \
	  $(VENV)/bin/pytest -q Tests/Integration/test_fuzz.py

## deps: install whichever of $(SYSTEM_PACKAGES) is missing (apt-get; sudo when not root)
deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing system packages:" $$missing; \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

## test-deps: the same for $(TEST_PACKAGES), which only `make test` needs
test-deps:
	@$(MAKE) --no-print-directory deps SYSTEM_PACKAGES="$(TEST_PACKAGES)"

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product enclave

build-tests:
	$(SWIFT) build --build-tests

## venv: the pinned Python clients the integration tests drive (zenml with pytest; mlflow apart)
venv: $(VENV)/.installed $(MLFLOW_VENV)/.installed
$(VENV)/.installed: Tests/Integration/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r Tests/Integration/requirements.txt
	touch $@
$(MLFLOW_VENV)/.installed: Tests/Integration/requirements-mlflow.txt
	$(PYTHON) -m venv $(MLFLOW_VENV)
	$(MLFLOW_VENV)/bin/pip install -q --upgrade pip
	$(MLFLOW_VENV)/bin/pip install -q -r Tests/Integration/requirements-mlflow.txt
	touch $@

## bench: Enclave side by side with the real zenml[server] and mlflow server, and the installer (see BENCHMARKS.md)
bench: deps test-deps release venv
	@dpkg -s wrk >/dev/null 2>&1 || { sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); $$sudo apt-get install -y -qq wrk; }
	Benchmarks/zenml/run.sh
	Benchmarks/lists/run.sh
	Benchmarks/mlflow/run.sh
	Benchmarks/installer/run.sh
	Benchmarks/logging/run.sh
	Benchmarks/replicas/run.sh
	Benchmarks/secrets/run.sh
	Benchmarks/dashboard/run.sh

clean:
	rm -rf .build $(VENV) $(MLFLOW_VENV) .venv-bench

## bundle: a signed offline bundle in dist/ (recipe in Bundle/build.sh; KEY=, VERSION=)
bundle: deps
	Bundle/build.sh

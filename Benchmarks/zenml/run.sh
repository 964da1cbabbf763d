#!/usr/bin/env bash
# Enclave next to the real ZenML 0.98.0 server, same client, same machine, one run.
# Usage: Benchmarks/zenml/run.sh   (after `make release`; `make bench` does both)
# BENCH_SCRIPT runs another benchmark in the same venv (Benchmarks/secrets/run.sh does).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-bench
. Benchmarks/venv.sh
ensure_venv "$venv" Benchmarks/zenml/requirements.txt
export ZENML_ANALYTICS_OPT_IN=false DO_NOT_TRACK=true MLFLOW_DISABLE_TELEMETRY=true
exec "$venv/bin/python" "${BENCH_SCRIPT:-Benchmarks/zenml/bench.py}" --enclave .build/release/enclave "$@"

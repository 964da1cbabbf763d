#!/usr/bin/env bash
# Enclave next to the real `mlflow server` 3.17.2 (default and --workers 1), same client, one run.
# Usage: Benchmarks/mlflow/run.sh   (after `make release`; `make bench` does both). Needs wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-mlflow
. Benchmarks/venv.sh
ensure_venv "$venv" Tests/Integration/requirements-mlflow.txt
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk (make bench installs it)" >&2; exit 1; }
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true ZENML_ANALYTICS_OPT_IN=false
exec "$venv/bin/python" Benchmarks/mlflow/bench.py --enclave .build/release/enclave "$@"

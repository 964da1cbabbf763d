#!/usr/bin/env bash
# Scale-out: Enclave on SQLite, and 1 and 3 replicas on PostgreSQL + SeaweedFS behind nginx, next to
# zenml[server]==0.98.0 (SQLite) and mlflow server 3.17.2 on the same PostgreSQL, in one run.
# Usage: Benchmarks/replicas/run.sh [--seconds N] [--pipelines N] [--mlflow-runs N]
#        (after `make release`; `make bench` does both). Needs wrk, nginx and postgresql (make test-deps).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-bench mlflow=.venv-mlflow
. Benchmarks/venv.sh
ensure_venv "$venv" Benchmarks/zenml/requirements.txt
ensure_venv "$mlflow" Tests/Integration/requirements-mlflow.txt
# MLflow's PostgreSQL driver, for the reference server only (the tests never load it).
"$mlflow/bin/python" -c "import psycopg2" 2>/dev/null || "$mlflow/bin/pip" install -q "psycopg2-binary==2.9.13"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk (make bench installs it)" >&2; exit 1; }
export ZENML_ANALYTICS_OPT_IN=false DO_NOT_TRACK=true MLFLOW_DISABLE_TELEMETRY=true
exec Tests/Services/with-services.sh "$venv/bin/python" Benchmarks/replicas/bench.py --enclave .build/release/enclave \
  --mlflow-python "$mlflow/bin/python" "$@"

#!/usr/bin/env bash
# Dashboard page times over 1,000 pipeline runs and 10,000 MLflow runs (release build).
# Usage: Benchmarks/dashboard/run.sh [--pipeline-runs N] [--mlflow-runs N]   (after `make release`)
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH_SCRIPT=Benchmarks/dashboard/bench.py exec Benchmarks/zenml/run.sh "$@"

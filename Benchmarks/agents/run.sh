#!/usr/bin/env bash
# Runs from the control plane: trigger -> first step started, and 50 queued runs drained by two agents.
# Usage: Benchmarks/agents/run.sh [--runs N] [--enclave BINARY]   (after `make release`)
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH_SCRIPT=Benchmarks/agents/bench.py exec Benchmarks/zenml/run.sh "$@"

#!/usr/bin/env bash
# Enclave's secret store next to the real ZenML 0.98.0 server's, same machine, one run.
# Usage: Benchmarks/secrets/run.sh [--count N] [--rotate N]   (after `make release`; `make bench` does both)
cd "$(dirname "$0")/../.."
BENCH_SCRIPT=Benchmarks/secrets/bench.py exec Benchmarks/zenml/run.sh "$@"

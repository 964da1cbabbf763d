#!/usr/bin/env bash
# List throughput under wrk (50 connections, 30 s): Enclave next to the real ZenML 0.98.0 server.
# Usage: Benchmarks/lists/run.sh [--enclave-before OLD_BINARY] [--seconds N]   (after `make release`; `make bench` does both)
cd "$(dirname "$0")/../.."
BENCH_SCRIPT=Benchmarks/lists/bench.py exec Benchmarks/zenml/run.sh "$@"

#!/usr/bin/env bash
# Request latency with the per-request log line on, off, and with stderr stalled.
# Usage: Benchmarks/logging/run.sh [--requests N]   (after `make release`; `make bench` does both)
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 Benchmarks/logging/bench.py --enclave .build/release/enclave "$@"

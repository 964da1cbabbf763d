#!/usr/bin/env bash
# Verify+unpack of a ~200 MB bundle by Enclave versus `sha256sum` + `tar -xzf` of the same
# bundle, in one run. Usage: Benchmarks/installer/run.sh [ENCLAVE_BINARY]
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 Benchmarks/installer/bench.py --enclave "${1:-.build/release/enclave}"

#!/usr/bin/env bash
# Runs a command with the throwaway services the tests need, on loopback, stopped again
# however the command ends: today SeaweedFS (S3). Its variables (ENCLAVE_TEST_S3_*) are
# exported to the command.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
services="$(mktemp -d "${TMPDIR:-/tmp}/enclave-services.XXXXXX")"
stop() { "$here/seaweedfs.sh" stop "$services/seaweedfs" || true; rm -rf "$services"; }
trap stop EXIT
"$here/seaweedfs.sh" start "$services/seaweedfs"
set -a
. "$services/seaweedfs/env"
set +a
"$@"

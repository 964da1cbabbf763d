#!/usr/bin/env bash
# Runs a command with the throwaway services the tests need, on loopback, stopped again
# however the command ends: SeaweedFS (S3) and PostgreSQL. Their variables
# (ENCLAVE_TEST_S3_*, ENCLAVE_TEST_DATABASE_*) are exported to the command.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
services="$(mktemp -d "${TMPDIR:-/tmp}/enclave-services.XXXXXX")"
chmod 755 "$services"  # PostgreSQL runs as an unprivileged user and must reach its folder
stop() {
  "$here/seaweedfs.sh" stop "$services/seaweedfs" || true
  "$here/postgres.sh" stop "$services/postgres" || true
  rm -rf "$services"
}
trap stop EXIT
"$here/seaweedfs.sh" start "$services/seaweedfs"
"$here/postgres.sh" start "$services/postgres"
set -a
. "$services/seaweedfs/env"
. "$services/postgres/env"
set +a
"$@"

#!/usr/bin/env bash
# Builds a real offline bundle: one fully static release binary (the Swift runtime,
# glibc, SQLite and libarchive linked in; it loads no shared library, so it runs on any
# x86_64/aarch64 Linux kernel whatever the host's libc), the files from Manifests/,
# install.sh and the README, signed with KEY (Ed25519, plus the same signature in OpenPGP
# form for hosts that verify with gpgv).
#
#   Bundle/build.sh                      # VERSION from `enclave version`, dev key in .bundle-keys/
#   VERSION=1.2.0 KEY=/secure/signing.pem MIN_UPGRADE_FROM=1.1.0 ROTATION=dir OUT=dist Bundle/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=.build-static
# libarchive's own dependencies come after it: only what the tar+gzip code paths use is
# pulled in (no libxml2, no ICU, no nettle).
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! swift build -c release --static-swift-stdlib -Xswiftc -static-executable --scratch-path "$scratch" --product enclave \
     -Xlinker -lacl -Xlinker -lz >"$log" 2>&1; then
  cat "$log" >&2
  echo "Bundle/build.sh: the static build failed" >&2
  exit 1
fi
# glibc warns that NSS and dlopen need its shared parts at run time: Enclave binds numeric
# addresses and reads no user database through NSS, so those warnings do not apply.
grep -v "statically linked applications requires at runtime" "$log" | grep -v "^warning: 'swift-distributed-tracing'" || true
binary="$scratch/release/enclave"
if readelf -l "$binary" | grep -q INTERP; then echo "Bundle/build.sh: $binary is not static" >&2; exit 1; fi
version=${VERSION:-$("$binary" version | awk '{print $2}')}

key=${KEY:-}
if [ -z "$key" ]; then
  key=.bundle-keys/signing.pem
  if [ ! -f "$key" ]; then
    "$binary" keys generate --out .bundle-keys
  fi
  echo "Bundle/build.sh: signing with the development key $key (set KEY= for a release)" >&2
fi

out=${OUT:-dist}
mkdir -p "$out"
rm -rf "$out/lib" "$out/enclave"
strip -o "$out/enclave" "$binary"

bundle="$out/enclave-$version-$(uname -m).tar.gz"
"$binary" bundle create --version "$version" --binary "$out/enclave" --key "$key" --out "$bundle" \
  ${MIN_UPGRADE_FROM:+--min-upgrade-from "$MIN_UPGRADE_FROM"} ${ROTATION:+--rotation "$ROTATION"}
"$binary" bundle verify "$bundle" --trusted-key "${key%.pem}.pub.pem"
echo "built $bundle"

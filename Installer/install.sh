#!/bin/sh
# Enclave bootstrap for a bare host with only POSIX sh, tar, openssl and sha256sum.
# It trusts nothing it has not checked: the manifest's signature against the key you
# give, then the binary's SHA-256 against the manifest; only then does it hand over to
# that binary, which checks every file of the bundle again as it installs.
#
#   mkdir x && tar -xzf enclave-1.2.0.tar.gz -C x install.sh manifest.json manifest.sig payload/bin/enclave
#   sh x/install.sh --bundle enclave-1.2.0.tar.gz --trusted-key release.pub.pem [--root DIR] [--port P] [--no-start]
set -eu

fail() { echo "install.sh: $*" >&2; exit 1; }

here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
bundle=
key=
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) [ $# -ge 2 ] || fail "--bundle needs a file"; bundle=$2; shift 2 ;;
    --trusted-key) [ $# -ge 2 ] || fail "--trusted-key needs a file"; key=$2; shift 2 ;;
    *) break ;;
  esac
done
[ -n "$bundle" ] && [ -n "$key" ] || fail "usage: sh install.sh --bundle FILE --trusted-key PUB [--root DIR] [--port P] [--no-start]"
for tool in openssl sha256sum grep sed; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is required"
done
[ -f "$here/manifest.json" ] && [ -f "$here/manifest.sig" ] || fail "manifest.json and manifest.sig must sit next to install.sh"

openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in "$here/manifest.json" -sigfile "$here/manifest.sig" >/dev/null 2>&1 \
  || fail "the manifest signature does not verify with $key; nothing was run"

line=$(grep '"path": "payload/bin/enclave"' "$here/manifest.json") || fail "the manifest lists no payload/bin/enclave"
sum=$(printf '%s\n' "$line" | sed -n 's/.*"sha256": "\([0-9a-f]\{64\}\)".*/\1/p')
[ -n "$sum" ] || fail "the manifest has no checksum for payload/bin/enclave"
printf '%s  %s\n' "$sum" "$here/payload/bin/enclave" | sha256sum -c --status - \
  || fail "payload/bin/enclave does not match the signed manifest; nothing was run"

exec "$here/payload/bin/enclave" install "$bundle" --trusted-key "$key" "$@"

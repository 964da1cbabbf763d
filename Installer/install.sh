#!/bin/sh
# Enclave bootstrap for a bare host with only POSIX sh, tar, openssl and sha256sum.
# It trusts nothing it has not checked: the manifest's signature against the key you
# give, then the SHA-256 of every payload file extracted next to it (the binary and the
# libraries it loads) against the manifest; only then does it hand over to that binary,
# which checks every file of the bundle again as it installs.
#
#   mkdir x && tar -xzf enclave-1.2.0.tar.gz -C x install.sh manifest.json manifest.sig payload
#   sh x/install.sh --bundle enclave-1.2.0.tar.gz --trusted-key signing.pub.pem [--root DIR] [--port P] [--no-start]
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
for tool in openssl sha256sum grep sed find; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is required"
done
[ -f "$here/manifest.json" ] && [ -f "$here/manifest.sig" ] || fail "manifest.json and manifest.sig must sit next to install.sh"

openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in "$here/manifest.json" -sigfile "$here/manifest.sig" >/dev/null 2>&1 \
  || fail "the manifest signature does not verify with $key; nothing was run"

[ -f "$here/payload/bin/enclave" ] || fail "payload/bin/enclave must sit next to install.sh"
[ -z "$(cd "$here" && find payload ! -type f ! -type d)" ] || fail "payload holds something other than files; nothing was run"
# Every extracted payload file, not only the binary: the libraries it loads run too.
(cd "$here" && find payload -type f) | while IFS= read -r file; do
  line=$(grep -F "\"path\": \"$file\"," "$here/manifest.json") || fail "$file is not in the signed manifest; nothing was run"
  sum=$(printf '%s\n' "$line" | sed -n 's/.*"sha256": "\([0-9a-f]\{64\}\)".*/\1/p')
  [ -n "$sum" ] || fail "the manifest has no checksum for $file"
  printf '%s  %s\n' "$sum" "$here/$file" | sha256sum -c --status - \
    || fail "$file does not match the signed manifest; nothing was run"
done || exit 1

exec "$here/payload/bin/enclave" install "$bundle" --trusted-key "$key" "$@"

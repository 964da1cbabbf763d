#!/bin/sh
# Enclave bootstrap for a bare host with only POSIX sh, coreutils, tar, and a verifier the
# host already trusts: `openssl` 3 (Ed25519) or, where openssl is older (1.1.1), `gpgv`.
# It trusts nothing it has not checked: the manifest's signature against the key you give,
# then the SHA-256 of every payload file extracted next to it (the binary and what it
# carries) against the manifest; only then does it hand over to that binary, which checks
# every file of the bundle again as it installs.
#
#   mkdir x && tar -xzf enclave-1.2.0.tar.gz -C x install.sh manifest.json manifest.sig manifest.pgp payload
#   sh x/install.sh --bundle enclave-1.2.0.tar.gz --trusted-key signing.pub.pem [--root DIR] [--port P] [--no-start]
#
# With gpgv, signing.pub.pgp (the same key in OpenPGP form) must sit next to signing.pub.pem.
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
[ -n "$bundle" ] && [ -n "$key" ] || fail "usage: sh install.sh --bundle FILE --trusted-key PUB.pem [--root DIR] [--port P] [--no-start]"
for tool in tar sha256sum sha1sum base64 od head tail tr grep sed find mktemp; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is required"
done
[ -f "$here/manifest.json" ] && [ -f "$here/manifest.sig" ] || fail "manifest.json and manifest.sig must sit next to install.sh"
[ -f "$key" ] || fail "cannot read the trusted key $key"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The 32 raw key bytes of an Ed25519 PEM public key, as hex.
pem_key_hex() {
  sed '/-----/d' "$1" | tr -d ' \r\n' | base64 -d 2>/dev/null | od -An -v -tx1 | tr -d ' \n' | sed -n 's/^302a300506032b6570032100\([0-9a-f]\{64\}\)$/\1/p'
}

# openssl 3 checks Ed25519 itself: KEY FILE SIG
openssl_verify() {
  openssl pkeyutl -verify -pubin -inkey "$1" -rawin -in "$2" -sigfile "$3" >/dev/null 2>&1
}

# gpgv checks the OpenPGP copy of the signature, with the OpenPGP form of the same key
# (signing.pub.pgp beside the PEM): its key packet must hold exactly the PEM's key, and
# the signature must be valid for that key's fingerprint and no other: PEM FILE PGPSIG
gpgv_verify() {
  pgp="${1%.pem}.pgp"
  [ -f "$pgp" ] || fail "this host's openssl cannot check Ed25519, and ${pgp} (the same key for gpgv) is missing"
  [ -f "$3" ] || fail "the bundle carries no OpenPGP signature (manifest.pgp) for gpgv"
  want=$(pem_key_hex "$1")
  [ -n "$want" ] || fail "$1 is not an Ed25519 public key"
  packet=$(head -c 53 "$pgp" | od -An -v -tx1 | tr -d ' \n')
  [ "$packet" = "c633040000000016092b06010401da470f01010740$want" ] || fail "$pgp does not hold the same key as $1"
  fingerprint=$({ printf '\231\000\063'; head -c 53 "$pgp" | tail -c 51; } | sha1sum | sed 's/ .*//' | tr 'a-f' 'A-F')
  case "$pgp" in /*) keyring=$pgp ;; *) keyring=$(pwd)/$pgp ;; esac
  GNUPGHOME="$work" gpgv --status-fd 1 --keyring "$keyring" "$3" "$2" 2>/dev/null | grep -q "^\[GNUPG:\] VALIDSIG $fingerprint "
}

if openssl pkeyutl -help 2>&1 | grep -q -- '-rawin'; then
  verifier=openssl
elif command -v gpgv >/dev/null 2>&1; then
  verifier=gpgv
else
  fail "no verifier: this host needs openssl 3 (Ed25519) or gpgv; nothing was run"
fi

if [ "$verifier" = openssl ]; then
  if ! openssl_verify "$key" "$here/manifest.json" "$here/manifest.sig"; then
    # A bundle signed by a newer key carries a rotation signed by the key you trust.
    tar -xzf "$bundle" -C "$work" key-rotation.json key-rotation.sig 2>/dev/null \
      || fail "the manifest signature does not verify with $key; nothing was run"
    openssl_verify "$key" "$work/key-rotation.json" "$work/key-rotation.sig" \
      || fail "the bundle's key rotation does not verify with $key; nothing was run"
    newkey=$(sed -n 's/^ *"new_key": "\([A-Za-z0-9+\/=]*\)",$/\1/p' "$work/key-rotation.json")
    [ -n "$newkey" ] || fail "the bundle's key rotation names no key; nothing was run"
    printf -- '-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n' "$newkey" > "$work/rotated.pub.pem"
    openssl_verify "$work/rotated.pub.pem" "$here/manifest.json" "$here/manifest.sig" \
      || fail "the manifest signature does not verify with $key or the key it endorses; nothing was run"
  fi
else
  gpgv_verify "$key" "$here/manifest.json" "$here/manifest.pgp" \
    || fail "the manifest signature does not verify with $key (checked with gpgv); nothing was run"
fi

[ -f "$here/payload/bin/enclave" ] || fail "payload/bin/enclave must sit next to install.sh"
[ -z "$(cd "$here" && find payload ! -type f ! -type d)" ] || fail "payload holds something other than files; nothing was run"
# Every extracted payload file, not only the binary: whatever it carries runs too.
(cd "$here" && find payload -type f) | while IFS= read -r file; do
  line=$(grep -F "\"path\": \"$file\"," "$here/manifest.json") || fail "$file is not in the signed manifest; nothing was run"
  sum=$(printf '%s\n' "$line" | sed -n 's/.*"sha256": "\([0-9a-f]\{64\}\)".*/\1/p')
  [ -n "$sum" ] || fail "the manifest has no checksum for $file"
  printf '%s  %s\n' "$sum" "$here/$file" | sha256sum -c --status - \
    || fail "$file does not match the signed manifest; nothing was run"
done || exit 1

rm -rf "$work"
trap - EXIT
exec "$here/payload/bin/enclave" install "$bundle" --trusted-key "$key" "$@"

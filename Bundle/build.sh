#!/usr/bin/env bash
# Builds a real offline bundle: a release binary with the Swift runtime linked in
# (--static-swift-stdlib, in its own scratch folder), the shared libraries it still
# needs except glibc (shipped in payload/lib and found through an $ORIGIN rpath; an
# old-style DT_RPATH, because the newer DT_RUNPATH reaches only the binary's direct
# dependencies and libarchive's own, libxml2 and ICU, would be looked up on the host), the
# files from Manifests/, install.sh and the README, signed with KEY.
#
#   Bundle/build.sh                      # VERSION from `enclave version`, dev key in .bundle-keys/
#   VERSION=1.2.0 KEY=/secure/signing.pem MIN_UPGRADE_FROM=1.1.0 Bundle/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=.build-static
swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product enclave \
  -Xlinker -rpath -Xlinker '$ORIGIN/../lib' -Xlinker --disable-new-dtags
binary="$scratch/release/enclave"
version=${VERSION:-$("$binary" version | awk '{print $2}')}

key=${KEY:-}
if [ -z "$key" ]; then
  key=.bundle-keys/signing.pem
  if [ ! -f "$key" ]; then
    "$binary" keys generate --out .bundle-keys
  fi
  echo "Bundle/build.sh: signing with the development key $key (set KEY= for a release)" >&2
fi

out=dist
rm -rf "$out/lib" "$out/enclave"
mkdir -p "$out/lib"
strip -o "$out/enclave" "$binary"
# Every shared library the binary loads, except glibc's own, goes into payload/lib.
ldd "$out/enclave" | awk '/=> \// {print $1, $3}' | while read -r soname path; do
  case "$soname" in
    libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|libutil.so.*|libresolv.so.*|ld-linux*) ;;
    *) cp -L "$path" "$out/lib/$soname" ;;
  esac
done

bundle="$out/enclave-$version-$(uname -m).tar.gz"
"$binary" bundle create --version "$version" --binary "$out/enclave" --key "$key" --out "$bundle" \
  --libraries "$out/lib" ${MIN_UPGRADE_FROM:+--min-upgrade-from "$MIN_UPGRADE_FROM"}
"$binary" bundle verify "$bundle" --trusted-key "${key%.pem}.pub.pem"
echo "built $bundle"

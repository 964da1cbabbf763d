#!/bin/sh
# Makes (once) a pristine minimal Debian root as a tarball in the cache folder and prints
# its path: `debootstrap --variant=minbase SUITE` plus only what the README says a host
# needs (openssl; gpgv and the rest come with minbase). Later runs reuse the tarball.
#
#   make_root.sh bookworm|bullseye [CACHE]     # CACHE defaults to ~/.cache/enclave/minimal-roots
set -eu
suite=$1
cache=${2:-${ENCLAVE_ROOT_CACHE:-$HOME/.cache/enclave/minimal-roots}}
include=openssl
tarball="$cache/debian-$suite-minbase-$include.tar"
if [ -s "$tarball" ]; then echo "$tarball"; exit 0; fi
mkdir -p "$cache"
work=$(mktemp -d "$cache/.debootstrap-$suite.XXXXXX")
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase --include="$include" "$suite" "$work/root" http://deb.debian.org/debian >"$work/log" 2>&1 \
  || { tail -20 "$work/log" >&2; echo "make_root.sh: debootstrap $suite failed" >&2; exit 1; }
rm -rf "$work/root/var/cache/apt/archives"/*.deb "$work/root/var/lib/apt/lists"/*_Packages
tar -C "$work/root" -cf "$tarball.partial" .
mv "$tarball.partial" "$tarball"
echo "$tarball"

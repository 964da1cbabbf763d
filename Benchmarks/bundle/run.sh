#!/usr/bin/env bash
# Bundle size and install/upgrade/rollback times of the real bundle (built as `make bundle`
# builds it) on a fresh minimal Debian root (Tests/Integration/minimal_roots/make_root.sh)
# with only loopback. Needs root. Usage: Benchmarks/bundle/run.sh [bookworm|bullseye] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
suite=${1:-bookworm}
runs=${2:-3}
work=$(mktemp -d /tmp/enclave-bundle-bench.XXXXXX)
netns=enclave-bench-$$
cleanup() {
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$work/root" ] && kill -9 "$pid" 2>/dev/null || true
  done
  umount -l "$work/root/proc" 2>/dev/null || true
  ip netns del "$netns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

.build/debug/enclave keys generate --out "$work/keys" >/dev/null 2>&1 || { swift build --product enclave >/dev/null; .build/debug/enclave keys generate --out "$work/keys" >/dev/null; }
for version in 1.0.0 1.1.0; do
  VERSION=$version KEY="$work/keys/signing.pem" OUT="$work/dist" Bundle/build.sh >/dev/null
done
b1=$(ls "$work"/dist/enclave-1.0.0-*.tar.gz); b2=$(ls "$work"/dist/enclave-1.1.0-*.tar.gz)
files=$(tar -tzf "$b1" | wc -l)
echo "bundle: $(stat -c %s "$b1") bytes ($(awk -v s="$(stat -c %s "$b1")" 'BEGIN { printf "%.1f", s / 1048576 }') MiB), $files entries; binary $(stat -c %s "$work/dist/enclave") bytes"

tarball=$(Tests/Integration/minimal_roots/make_root.sh "$suite")
ip netns add "$netns"; ip netns exec "$netns" ip link set lo up
in_root() { ip netns exec "$netns" chroot "$work/root" /bin/sh -c "$1" >/dev/null 2>&1; }
for run in $(seq "$runs"); do
  umount -l "$work/root/proc" 2>/dev/null || true
  rm -rf "$work/root"; mkdir "$work/root"; tar -xf "$tarball" -C "$work/root"; mount -t proc proc "$work/root/proc"
  mkdir -p "$work/root/root/work"; cp "$b1" "$b2" "$work"/keys/signing.pub.* "$work/root/root/work/"
  n1=$(basename "$b1"); n2=$(basename "$b2")
  t0=$(now); in_root "cd /root/work && mkdir x && tar -xzf $n1 -C x install.sh manifest.json manifest.sig manifest.pgp payload"
  ta=$(now); in_root "cd /root/work && sh x/install.sh --bundle $n1 --trusted-key signing.pub.pem"
  t1=$(now); in_root "enclave upgrade /root/work/$n2"
  t2=$(now); in_root "enclave rollback --yes"
  t3=$(now); in_root "enclave stop"
  echo "$suite run $run: install to healthy (README commands) $(elapsed "$t0" "$t1") s (tar $(elapsed "$t0" "$ta") s, install.sh + enclave install $(elapsed "$ta" "$t1") s), upgrade $(elapsed "$t1" "$t2") s, rollback $(elapsed "$t2" "$t3") s"
done

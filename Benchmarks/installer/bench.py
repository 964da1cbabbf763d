"""Enclave's one-pass verify+unpack against `sha256sum` + `tar -xzf` of the same bundle.

The payload is ~200 MB: the enclave binary, incompressible data (like model weights) and
compressible text (like configs and logs). Each tool runs `--rounds` times into a fresh
folder; the medians are printed with the ratio. Enclave's pass does more: it checks the
signature, every file's size and SHA-256 against the manifest, and every entry's type.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timed(command, **kwargs):
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enclave", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    enclave = str(Path(args.enclave).resolve())
    work = Path(tempfile.mkdtemp(prefix="bench-installer-"))
    try:
        subprocess.run([enclave, "keys", "generate", "--out", str(work / "keys")], check=True, capture_output=True)
        extra = work / "extra"
        extra.mkdir()
        (extra / "weights.bin").write_bytes(os.urandom(80 << 20))
        (extra / "text.log").write_bytes(b"".join(b"%08d step=%d loss=0.%06d\n" % (i, i, i * 7919 % 1000000) for i in range(1_200_000)))
        bundle = work / "bundle.tar.gz"
        subprocess.run([enclave, "bundle", "create", "--version", "1.0.0", "--binary", enclave, "--key", str(work / "keys/signing.pem"),
                        "--out", str(bundle), "--libraries", str(extra)], check=True, capture_output=True, cwd=ROOT)
        payload = sum(f.stat().st_size for f in extra.iterdir()) + Path(enclave).stat().st_size
        enclave_times, pair_times = [], []
        for round_ in range(args.rounds):
            target = work / f"enclave-{round_}"
            enclave_times.append(timed([enclave, "bundle", "verify", str(bundle), "--trusted-key", str(work / "keys/signing.pub.pem"),
                                        "--unpack-into", str(target)]))
            shutil.rmtree(target)
            target = work / f"tar-{round_}"
            target.mkdir()
            pair_times.append(timed(["sh", "-c", f"sha256sum '{bundle}' > /dev/null && tar -xzf '{bundle}' -C '{target}'"]))
            shutil.rmtree(target)
        enclave_s, pair_s = statistics.median(enclave_times), statistics.median(pair_times)
        result = {"bundle_mb": bundle.stat().st_size / 2**20, "payload_mb": payload / 2**20, "enclave_verify_unpack_s": enclave_s,
                  "sha256sum_plus_tar_s": pair_s, "speed_ratio": pair_s / enclave_s, "rounds": args.rounds}
        out = ROOT / "Benchmarks" / "installer" / "results"
        out.mkdir(exist_ok=True)
        (out / "latest.json").write_text(json.dumps(result, indent=2))
        print(f"bundle {result['bundle_mb']:.0f} MB compressed, {result['payload_mb']:.0f} MB payload, median of {args.rounds}")
        print(f"enclave bundle verify --unpack-into : {enclave_s:.3f} s")
        print(f"sha256sum + tar -xzf               : {pair_s:.3f} s")
        print(f"enclave speed relative to the pair  : {result['speed_ratio']:.2f}x (aim: at least 0.8x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

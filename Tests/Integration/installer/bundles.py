"""Builds bundles for the installer tests: real ones with `enclave bundle create`, and
hand-made (malicious) ones with tarfile, signed with the real openssl."""
import hashlib
import io
import json
import os
import platform
import subprocess
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def enclave(binary, *args, env=None, check=True, timeout=300):
    done = subprocess.run([binary, *args], capture_output=True, text=True, env=env, timeout=timeout, cwd=REPO)
    if check and done.returncode != 0:
        raise AssertionError(f"enclave {' '.join(args)} exited {done.returncode}: {done.stderr[-3000:]}")
    return done


def openssl_keys(folder: Path, name="release"):
    """An Ed25519 key pair made by openssl itself (PKCS#8 and SPKI PEM)."""
    folder.mkdir(parents=True, exist_ok=True)
    private, public = folder / f"{name}.pem", folder / f"{name}.pub.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(private)], check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", str(private), "-pubout", "-out", str(public)], check=True, capture_output=True)
    return private, public


def openssl_sign(private: Path, data: bytes, workdir: Path) -> bytes:
    message, signature = workdir / "to-sign", workdir / "signature"
    message.write_bytes(data)
    subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", str(private), "-rawin", "-in", str(message), "-out", str(signature)],
                   check=True, capture_output=True)
    return signature.read_bytes()


def file_entry(path, data, mode=None):
    return {"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "mode": mode or ("0755" if path in ("install.sh", "payload/bin/enclave") else "0644")}


def manifest_bytes(files, **overrides):
    """Manifest text in the writer's layout (one file per line)."""
    fields = {"format": 1, "product": "enclave", "version": "1.0.0", "architecture": platform.machine(),
              "min_upgrade_from": None, "created": "2026-11-26T00:00:00Z"}
    fields.update(overrides)
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in fields.items()] + ['  "files": [']
    lines.append(",\n".join("    " + json.dumps(f) for f in files))
    lines += ["  ]", "}", ""]
    return "\n".join(lines).encode()


def regular(name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.type = len(data), mode, tarfile.REGTYPE
    return info, data


def write_bundle(path: Path, entries, fmt=tarfile.PAX_FORMAT):
    """entries: (TarInfo, bytes or None) in order."""
    with tarfile.open(path, "w:gz", format=fmt) as tar:
        for info, data in entries:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def hand_made(path: Path, private: Path, payload: dict, extra_entries=(), manifest_files=None, sign=True, **overrides):
    """A bundle with `payload` {path: bytes}; manifest lists `manifest_files` (default: payload)."""
    files = manifest_files if manifest_files is not None else [file_entry(p, d) for p, d in payload.items()]
    manifest = manifest_bytes(files, **overrides)
    entries = [regular("manifest.json", manifest)]
    if sign:
        entries.append(regular("manifest.sig", openssl_sign(private, manifest, path.parent)))
    entries += [regular(p, d, 0o755 if p.endswith("enclave") or p.endswith(".sh") else 0o644) for p, d in payload.items()]
    entries += list(extra_entries)
    return write_bundle(path, entries)


def minimal_payload():
    return {"install.sh": b"#!/bin/sh\nexit 0\n", "payload/bin/enclave": b"#!/bin/sh\nexit 0\n", "payload/README.md": b"readme\n"}


def tree(root: Path):
    """Every path under root with its kind, to compare before/after."""
    result = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = Path(dirpath) / name
            result[str(full.relative_to(root))] = "link" if full.is_symlink() else ("dir" if full.is_dir() else full.stat().st_size)
    return result

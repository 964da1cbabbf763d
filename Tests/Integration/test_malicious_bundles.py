"""Checklist A: every applicable malicious-bundle case is rejected with one clear line,
nothing is written outside the staging folder, and the staging folder is removed."""
import json
import tarfile

import pytest

from conftest import enclave_binary
from installer.bundles import (enclave, file_entry, hand_made, manifest_bytes, minimal_payload, openssl_keys, openssl_sign,
                               regular, tree, write_bundle)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    private, public = openssl_keys(folder)
    stranger, _ = openssl_keys(folder, "stranger")
    return {"private": private, "public": public, "stranger": stranger}


def special(name, kind, target=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    info.mode = 0o644
    if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE):
        info.devmajor, info.devminor = 8, 0
    return info, None


def with_payload(extra_files, base=None):
    payload = dict(base or minimal_payload())
    payload.update(extra_files)
    return payload


def case_unsigned(folder, keys):
    payload = minimal_payload()
    manifest = manifest_bytes([file_entry(p, d) for p, d in payload.items()])
    return write_bundle(folder / "b.tar.gz", [regular("manifest.json", manifest)] + [regular(p, d) for p, d in payload.items()])


def case_unknown_signer(folder, keys):
    return hand_made(folder / "b.tar.gz", keys["stranger"], minimal_payload())


def case_manifest_edited_after_signing(folder, keys):
    payload = minimal_payload()
    files = [file_entry(p, d) for p, d in payload.items()]
    signed = manifest_bytes(files)
    files[0]["sha256"] = "0" * 64
    edited = manifest_bytes(files)
    return write_bundle(folder / "b.tar.gz", [regular("manifest.json", edited), regular("manifest.sig", openssl_sign(keys["private"], signed, folder))]
                        + [regular(p, d) for p, d in payload.items()])


def case_manifest_reformatted(folder, keys):
    payload = minimal_payload()
    signed = manifest_bytes([file_entry(p, d) for p, d in payload.items()])
    return write_bundle(folder / "b.tar.gz", [regular("manifest.json", signed.replace(b"\n", b"\r\n")),
                                               regular("manifest.sig", openssl_sign(keys["private"], signed, folder))]
                        + [regular(p, d) for p, d in payload.items()])


def case_payload_byte_flipped(folder, keys):
    payload = minimal_payload()
    files = [file_entry(p, d) for p, d in payload.items()]
    payload["payload/README.md"] = b"readmE\n"
    return hand_made(folder / "b.tar.gz", keys["private"], payload, manifest_files=files)


def case_unlisted_file(folder, keys):
    payload = minimal_payload()
    files = [file_entry(p, d) for p, d in payload.items()]
    return hand_made(folder / "b.tar.gz", keys["private"], with_payload({"payload/extra.txt": b"x"}), manifest_files=files)


def case_listed_file_missing(folder, keys):
    payload = minimal_payload()
    files = [file_entry(p, d) for p, d in with_payload({"payload/gone.txt": b"x"}).items()]
    return hand_made(folder / "b.tar.gz", keys["private"], payload, manifest_files=files)


def case_duplicate_entry(folder, keys):
    return hand_made(folder / "b.tar.gz", keys["private"], minimal_payload(), extra_entries=[regular("payload/README.md", b"readme\n")])


def case_size_mismatch(folder, keys):
    payload = minimal_payload()
    files = [file_entry(p, d) for p, d in payload.items()]
    files[-1]["size"] += 1
    return hand_made(folder / "b.tar.gz", keys["private"], payload, manifest_files=files)


def case_bomb_declared_small(folder, keys):
    payload = minimal_payload()
    files = [file_entry(p, d) for p, d in payload.items()]
    payload["payload/README.md"] = b"\0" * (8 << 20)  # compresses to almost nothing; manifest says 7 bytes
    return hand_made(folder / "b.tar.gz", keys["private"], payload, manifest_files=files)


def case_mix_and_match(folder, keys):
    v1 = minimal_payload()
    v2 = with_payload({"payload/bin/enclave": b"#!/bin/sh\nexit 1\n"})  # same size, other bytes
    files = [file_entry(p, d) for p, d in v2.items()]
    return hand_made(folder / "b.tar.gz", keys["private"], v1, manifest_files=files, version="2.0.0")


def unsafe_path(path):
    def build(folder, keys):
        payload = with_payload({path: b"evil\n"})
        return hand_made(folder / "b.tar.gz", keys["private"], payload)
    return build


def entry_of_kind(name, kind, target=""):
    def build(folder, keys):
        payload = minimal_payload()
        files = [file_entry(p, d) for p, d in payload.items()] + [file_entry(name, b"")]
        return hand_made(folder / "b.tar.gz", keys["private"], payload, manifest_files=files, extra_entries=[special(name, kind, target)])
    return build


def case_symlink_then_write_through_it(folder, keys):
    payload = minimal_payload()
    files = [file_entry(p, d) for p, d in payload.items()] + [file_entry("payload/evil", b""), file_entry("payload/evil2/escape.txt", b"x")]
    return hand_made(folder / "b.tar.gz", keys["private"], payload, manifest_files=files,
                     extra_entries=[special("payload/evil", tarfile.SYMTYPE, "../../../../outside"), regular("payload/evil2/escape.txt", b"x")])


def case_setuid(folder, keys):
    payload = minimal_payload()
    files = [file_entry(p, d) for p, d in payload.items()] + [file_entry("payload/suid", b"x")]
    return hand_made(folder / "b.tar.gz", keys["private"], payload, manifest_files=files, extra_entries=[regular("payload/suid", b"x", 0o4755)])


def case_manifest_mode_setuid(folder, keys):
    payload = with_payload({"payload/tool": b"x"})
    files = [file_entry(p, d) for p, d in payload.items()]
    files[-1]["mode"] = "4755"
    return hand_made(folder / "b.tar.gz", keys["private"], payload, manifest_files=files)


def case_xattr(folder, keys):
    payload = minimal_payload()
    files = [file_entry(p, d) for p, d in payload.items()] + [file_entry("payload/cap", b"x")]
    info, data = regular("payload/cap", b"x")
    info.pax_headers = {"SCHILY.xattr.security.capability": "\x01\x00\x00\x02"}
    return hand_made(folder / "b.tar.gz", keys["private"], payload, manifest_files=files, extra_entries=[(info, data)])


def manifest_override(**overrides):
    def build(folder, keys):
        return hand_made(folder / "b.tar.gz", keys["private"], minimal_payload(), **overrides)
    return build


def case_manifest_not_first(folder, keys):
    payload = minimal_payload()
    manifest = manifest_bytes([file_entry(p, d) for p, d in payload.items()])
    return write_bundle(folder / "b.tar.gz", [regular("payload/README.md", b"readme\n"), regular("manifest.json", manifest),
                                               regular("manifest.sig", openssl_sign(keys["private"], manifest, folder))])


def case_truncated(folder, keys):
    good = hand_made(folder / "good.tar.gz", keys["private"], with_payload({"payload/big.bin": bytes(range(256)) * 4096}))
    data = good.read_bytes()
    (folder / "b.tar.gz").write_bytes(data[: len(data) * 2 // 3])
    return folder / "b.tar.gz"


def case_not_an_archive(folder, keys):
    (folder / "b.tar.gz").write_bytes(b"MZ\x90\x00 this is not a tar archive" * 100)
    return folder / "b.tar.gz"


def case_pax_size_differs_from_ustar(folder, keys):
    payload = minimal_payload()
    info, data = regular("payload/README.md", payload.pop("payload/README.md"))
    info.pax_headers = {"size": str(len(data) + 512)}  # PAX says one size, the ustar header another
    files = [file_entry(p, d) for p, d in payload.items()] + [file_entry("payload/README.md", data)]
    return hand_made(folder / "b.tar.gz", keys["private"], payload, manifest_files=files, extra_entries=[(info, data + b"\0" * 512)])


def case_duplicate_paths_in_manifest(folder, keys):
    payload = minimal_payload()
    files = [file_entry(p, d) for p, d in payload.items()]
    files.append(dict(files[-1], path="payload/readme.md"))
    return hand_made(folder / "b.tar.gz", keys["private"], with_payload({"payload/readme.md": b"readme\n"}), manifest_files=files)


CASES = {
    "no signature file": (case_unsigned, "manifest.sig"),
    "signed by an unknown key": (case_unknown_signer, "does not verify"),
    "manifest edited after signing": (case_manifest_edited_after_signing, "does not verify"),
    "manifest bytes reformatted": (case_manifest_reformatted, "does not verify"),
    "payload byte flipped": (case_payload_byte_flipped, "SHA-256"),
    "file not in the manifest": (case_unlisted_file, "not listed in the manifest"),
    "manifest file missing": (case_listed_file_missing, "missing from the bundle"),
    "duplicate entry": (case_duplicate_entry, "twice"),
    "size differs from manifest": (case_size_mismatch, "size"),
    "decompression bomb": (case_bomb_declared_small, "size"),
    "file from another bundle": (case_mix_and_match, "SHA-256"),
    "relative traversal": (unsafe_path("payload/../../etc/x"), ".."),
    "traversal prefix": (unsafe_path("../../etc/cron.d/x"), "'..' component"),
    "absolute path": (unsafe_path("/etc/cron.d/x"), "absolute"),
    "repeated roots": (unsafe_path("////etc/x"), "absolute"),
    "dot-dot only": (unsafe_path(".."), ".."),
    "backslash": (unsafe_path("payload/sub\\..\\..\\x"), "character"),
    "drive letter": (unsafe_path("payload/C:x"), "character"),
    "reserved name": (unsafe_path("payload/NUL.txt"), "reserved"),
    "trailing dot": (unsafe_path("payload/file.txt."), "ending in '.'"),
    "control character": (unsafe_path("payload/a\x01b"), "character"),
    "non-ascii name": (unsafe_path("payload/caf\u00e9"), "character"),
    "overlong component": (unsafe_path("payload/" + "a" * 300), "longer"),
    "empty component": (unsafe_path("payload//x"), "empty"),
    "symlink absolute": (entry_of_kind("payload/link", tarfile.SYMTYPE, "/etc/shadow"), "link"),
    "symlink escaping": (entry_of_kind("payload/link", tarfile.SYMTYPE, "../../../../etc/shadow"), "link"),
    "symlink then write through it": (case_symlink_then_write_through_it, "link"),
    "hard link escaping": (entry_of_kind("payload/hard", tarfile.LNKTYPE, "../../../etc/passwd"), "link"),
    "character device": (entry_of_kind("payload/sda", tarfile.CHRTYPE), "character device"),
    "block device": (entry_of_kind("payload/sdb", tarfile.BLKTYPE), "block device"),
    "fifo": (entry_of_kind("payload/pipe", tarfile.FIFOTYPE), "FIFO"),
    "directory entry": (entry_of_kind("payload/dir", tarfile.DIRTYPE), "payload/dir"),
    "setuid bit in archive": (case_setuid, "setuid"),
    "setuid mode in manifest": (case_manifest_mode_setuid, "mode"),
    "xattr capability": (case_xattr, "extended attributes"),
    "wrong product": (manifest_override(product="other-product"), "not an Enclave bundle"),
    "wrong architecture": (manifest_override(architecture="s390x"), "s390x"),
    "unsupported format": (manifest_override(format=2), "unsupported format"),
    "unknown critical field": (manifest_override(critical_extension=True), "unknown field"),
    "manifest not first": (case_manifest_not_first, "must start with manifest.json"),
    "truncated bundle": (case_truncated, ""),
    "not an archive": (case_not_an_archive, "not a gzip'd tar"),
    "duplicate paths in manifest": (case_duplicate_paths_in_manifest, "listed twice"),
    "pax size differs from ustar size": (case_pax_size_differs_from_ustar, "size"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_malicious_bundle_is_rejected_cleanly(name, keys, tmp_path):
    build, expected = CASES[name]
    work = tmp_path / "work"
    work.mkdir()
    bundle = build(work, keys)
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "sentinel").write_text("untouched")
    before_outside = tree(tmp_path)
    done = enclave(enclave_binary(), "install", str(bundle), "--trusted-key", str(keys["public"]), "--root", str(root), "--no-start", check=False)
    assert done.returncode != 0
    message = done.stderr.strip().splitlines()[-1]
    assert message.startswith("enclave: bundle rejected:") or message.startswith("enclave: refused:"), done.stderr
    assert expected in message, message
    assert (outside / "sentinel").read_text() == "untouched"
    written = {path: kind for path, kind in tree(root).items()} if root.exists() else {}
    allowed = {"opt", "opt/enclave", "opt/enclave/releases", "var", "var/lib", "var/lib/enclave", "var/lib/enclave/installer",
               "var/lib/enclave/installer/lock", "var/lib/enclave/installer/audit.log"}
    assert set(written) <= allowed, f"written under the root: {set(written) - allowed}"
    everything_else = {p: k for p, k in tree(tmp_path).items() if not p.startswith("root")}
    assert everything_else == before_outside or set(everything_else) - set(before_outside) <= set(), everything_else
    if root.exists():
        entry = json.loads((root / "var/lib/enclave/installer/audit.log").read_text().splitlines()[-1])
        assert entry["action"] == "install" and entry["outcome"] == "failed" and "signer" not in entry  # nothing unverified is vouched for
    verify = enclave(enclave_binary(), "bundle", "verify", str(bundle), "--trusted-key", str(keys["public"]), check=False)
    assert verify.returncode != 0

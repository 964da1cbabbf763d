"""Bundle-signing keys: the OpenPGP form checked by the real gpgv (for hosts whose openssl
cannot check Ed25519), and key rotation and revocation as hosts that pin a key see them:
a rotation endorsed by the pinned key is accepted and remembered, a forged one is
refused, and a revoked key is refused."""
import json
import shutil
import subprocess
from pathlib import Path

from conftest import enclave_binary
from installer.bundles import enclave, openssl_keys


def run(*args, check=True):
    return enclave(enclave_binary(), *args, check=check)


def make_bundle(folder: Path, version: str, key: Path, rotation: Path | None = None) -> Path:
    out = folder / f"enclave-{version}-{key.stem}.tar.gz"
    run("bundle", "create", "--version", version, "--binary", enclave_binary(), "--key", str(key), "--out", str(out),
        *(["--rotation", str(rotation)] if rotation else []))
    return out


def keypair(folder: Path) -> Path:
    run("keys", "generate", "--out", str(folder))
    return folder / "signing.pem"


def gpgv(keyring: Path, signature: Path, data: Path, home: Path) -> subprocess.CompletedProcess:
    home.mkdir(exist_ok=True)
    return subprocess.run(["gpgv", "--homedir", str(home), "--status-fd", "1", "--keyring", str(keyring.resolve()), str(signature), str(data)],
                          capture_output=True, text=True)


def test_the_openpgp_signature_verifies_with_the_real_gpgv(tmp_path):
    keys = tmp_path / "keys"
    private = keypair(keys)
    bundle = make_bundle(tmp_path, "1.0.0", private)
    subprocess.run(["tar", "-xzf", str(bundle), "-C", str(tmp_path), "manifest.json", "manifest.pgp"], check=True)
    good = gpgv(keys / "signing.pub.pgp", tmp_path / "manifest.pgp", tmp_path / "manifest.json", tmp_path / "gnupg")
    assert good.returncode == 0 and "[GNUPG:] VALIDSIG" in good.stdout, good.stdout + good.stderr
    changed = tmp_path / "changed.json"
    changed.write_bytes((tmp_path / "manifest.json").read_bytes().replace(b'"1.0.0"', b'"1.0.1"'))
    bad = gpgv(keys / "signing.pub.pgp", tmp_path / "manifest.pgp", changed, tmp_path / "gnupg")
    assert bad.returncode != 0 and "BADSIG" in bad.stdout

    # A key made by openssl exports to the same Ed25519 key, and gpg reads it as EdDSA.
    openssl_private, openssl_public = openssl_keys(tmp_path / "openssl")
    exported = tmp_path / "openssl" / "release.pub.pgp"
    run("keys", "export-openpgp", "--key", str(openssl_private), "--out", str(exported))
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", str(openssl_public), "-outform", "DER"], capture_output=True, check=True).stdout
    assert exported.read_bytes()[21:53] == der[-32:]
    packets = subprocess.run(["gpg", "--homedir", str(tmp_path / "gnupg"), "--list-packets", str(exported)], capture_output=True, text=True)
    assert "algo 22" in packets.stdout and "ed25519" in packets.stdout and "sigclass 0x13" in packets.stdout
    again = run("keys", "export-openpgp", "--key", str(openssl_private), "--out", str(exported), check=False)
    assert again.returncode != 0 and "not overwriting" in again.stderr


def install(bundle: Path, public: Path, root: Path, port: int):
    return run("install", str(bundle), "--trusted-key", str(public), "--root", str(root), "--port", str(port))


def trusted(root: Path) -> dict[str, str]:
    return dict(line.split() for line in run("keys", "list", "--root", str(root)).stdout.splitlines())


def test_a_rotation_endorsed_by_the_pinned_key_is_accepted_and_remembered(tmp_path, root, port):
    old = keypair(tmp_path / "old")
    new = keypair(tmp_path / "new")
    install(make_bundle(tmp_path, "1.0.0", old), old.with_suffix(".pub.pem"), root, port)
    assert list(trusted(root).values()) == ["trusted"]

    # Signed by the new key alone: this host has never heard of it.
    unknown = run("upgrade", str(make_bundle(tmp_path, "1.1.0", new)), "--root", str(root), check=False)
    assert unknown.returncode != 0 and "does not verify with the trusted key" in unknown.stderr

    rotation = tmp_path / "rotation"
    made = run("keys", "rotate", "--old", str(old), "--new", str(new), "--out", str(rotation)).stdout
    statement = json.loads((rotation / "key-rotation.json").read_text())
    old_print, new_print = statement["endorsed_by"], statement["new_key_fingerprint"]
    assert f"{old_print} → {new_print}" in made
    upgraded = run("upgrade", str(make_bundle(tmp_path, "1.1.0", new, rotation)), "--root", str(root)).stdout
    assert f"now trusting signing key {new_print} (endorsed by {old_print})" in upgraded
    assert trusted(root) == {old_print: "trusted", new_print: "trusted"}

    # From then on the new key alone is enough; the old one still works until revoked.
    run("upgrade", str(make_bundle(tmp_path, "1.2.0", new)), "--root", str(root))
    run("upgrade", str(make_bundle(tmp_path, "1.3.0", old)), "--root", str(root))
    revoked = run("keys", "revoke", old_print, "--root", str(root)).stdout
    assert f"revoked {old_print}" in revoked
    refused = run("upgrade", str(make_bundle(tmp_path, "1.4.0", old)), "--root", str(root), check=False)
    assert refused.returncode != 0 and f"signed by {old_print}, a key this host has revoked" in refused.stderr
    last = run("keys", "revoke", new_print, "--root", str(root), check=False)
    assert last.returncode != 0 and "would leave no trusted key" in last.stderr
    assert run("status", "--root", str(root)).stdout.splitlines()[0].split(":", 1)[1].split()[0] == "1.3.0"


def test_a_rotation_that_retires_the_old_key_revokes_it(tmp_path, root, port):
    old = keypair(tmp_path / "old")
    new = keypair(tmp_path / "new")
    install(make_bundle(tmp_path, "1.0.0", old), old.with_suffix(".pub.pem"), root, port)
    rotation = tmp_path / "rotation"
    run("keys", "rotate", "--old", str(old), "--new", str(new), "--retire-old", "--out", str(rotation))
    old_print = json.loads((rotation / "key-rotation.json").read_text())["endorsed_by"]
    out = run("upgrade", str(make_bundle(tmp_path, "1.1.0", new, rotation)), "--root", str(root)).stdout
    assert f"{old_print} is revoked" in out
    assert trusted(root)[old_print] == "revoked"
    refused = run("upgrade", str(make_bundle(tmp_path, "1.2.0", old)), "--root", str(root), check=False)
    assert refused.returncode != 0 and "revoked" in refused.stderr
    # A rotation endorsed by the now-revoked key introduces nothing.
    other = keypair(tmp_path / "other")
    again = tmp_path / "again"
    run("keys", "rotate", "--old", str(old), "--new", str(other), "--out", str(again))
    stale = run("upgrade", str(make_bundle(tmp_path, "1.2.0", other, again)), "--root", str(root), check=False)
    assert stale.returncode != 0 and "which this host has revoked" in stale.stderr


def test_forged_rotations_are_refused(tmp_path, root, port):
    old = keypair(tmp_path / "old")
    attacker = keypair(tmp_path / "attacker")
    attacker_new = keypair(tmp_path / "attacker-new")
    install(make_bundle(tmp_path, "1.0.0", old), old.with_suffix(".pub.pem"), root, port)
    before = trusted(root)

    # Endorsed by a key the host does not trust.
    self_made = tmp_path / "self-made"
    run("keys", "rotate", "--old", str(attacker), "--new", str(attacker_new), "--out", str(self_made))
    refused = run("upgrade", str(make_bundle(tmp_path, "1.1.0", attacker_new, self_made)), "--root", str(root), check=False)
    assert refused.returncode != 0 and "a key this host does not trust" in refused.stderr

    # A genuine rotation (old → new) whose new key was swapped for the attacker's: the
    # statement no longer matches the old key's signature.
    new = keypair(tmp_path / "new")
    genuine = tmp_path / "genuine"
    run("keys", "rotate", "--old", str(old), "--new", str(new), "--out", str(genuine))
    forged = tmp_path / "forged"
    shutil.copytree(genuine, forged)
    swapped = json.loads((self_made / "key-rotation.json").read_text())
    statement = json.loads((genuine / "key-rotation.json").read_text())
    text = (genuine / "key-rotation.json").read_text()
    text = text.replace(statement["new_key"], swapped["new_key"]).replace(statement["new_key_fingerprint"], swapped["new_key_fingerprint"])
    (forged / "key-rotation.json").write_text(text)
    tampered = run("upgrade", str(make_bundle(tmp_path, "1.1.0", attacker_new, forged)), "--root", str(root), check=False)
    assert tampered.returncode != 0 and "does not verify" in tampered.stderr and "forged" in tampered.stderr

    # The genuine rotation does not make a bundle signed by some other key acceptable.
    misused = run("upgrade", str(make_bundle(tmp_path, "1.1.0", attacker_new, genuine)), "--root", str(root), check=False)
    assert misused.returncode != 0 and "does not verify with the trusted key" in misused.stderr
    assert trusted(root) == before


def test_the_bootstrap_follows_a_rotation_endorsed_by_the_key_it_is_given(tmp_path, port):
    old = keypair(tmp_path / "old")
    new = keypair(tmp_path / "new")
    rotation = tmp_path / "rotation"
    run("keys", "rotate", "--old", str(old), "--new", str(new), "--out", str(rotation))
    bundle = make_bundle(tmp_path, "2.0.0", new, rotation)
    unpacked = tmp_path / "x"
    unpacked.mkdir()
    subprocess.run(["tar", "-xzf", str(bundle), "-C", str(unpacked), "install.sh", "manifest.json", "manifest.sig", "manifest.pgp", "payload"],
                   check=True)
    root = tmp_path / "root"
    done = subprocess.run(["sh", str(unpacked / "install.sh"), "--bundle", str(bundle), "--trusted-key", str(old.with_suffix(".pub.pem")),
                           "--root", str(root), "--port", str(port), "--no-start"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(trusted(root)) == 2

    stranger = keypair(tmp_path / "stranger")
    refused = subprocess.run(["sh", str(unpacked / "install.sh"), "--bundle", str(bundle), "--trusted-key", str(stranger.with_suffix(".pub.pem")),
                              "--root", str(tmp_path / "r2"), "--no-start"], capture_output=True, text=True, timeout=300)
    assert refused.returncode != 0 and "key rotation does not verify" in refused.stderr
    assert not (tmp_path / "r2").exists()

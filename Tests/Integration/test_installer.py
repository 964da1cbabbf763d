"""`enclave install|upgrade|rollback|status` end to end on temporary roots, with real
bundles, real libarchive and the real openssl."""
import fcntl
import json
import os
import re
import signal
import sqlite3
import stat
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import database_args, enclave_binary, free_port
from installer.bundles import REPO, enclave, openssl_keys


@pytest.fixture(scope="session")
def release(tmp_path_factory):
    """An openssl-made key pair and real bundles of the built binary: 1.0.0, 1.1.0, 1.2.0
    (min_upgrade_from 1.1.0), and 1.3.0 whose binary exits at start."""
    folder = tmp_path_factory.mktemp("release")
    private, public = openssl_keys(folder / "keys")
    binary = enclave_binary()
    broken = folder / "broken-enclave"
    broken.write_text("#!/bin/sh\necho 'cannot start' >&2\nexit 3\n")
    broken.chmod(0o755)
    bundles = {}
    for version, source, extra in (("1.0.0", binary, []), ("1.1.0", binary, []), ("1.2.0", binary, ["--min-upgrade-from", "1.1.0"]),
                                   ("1.3.0", str(broken), [])):
        out = folder / f"enclave-{version}.tar.gz"
        enclave(binary, "bundle", "create", "--version", version, "--binary", source, "--key", str(private), "--out", str(out), *extra)
        bundles[version] = out
    return {"private": private, "public": public, "bundles": bundles, "folder": folder}


def run(*args, check=True, env=None):
    return enclave(enclave_binary(), *args, check=check, env=env)


def install(release, root, port, version="1.0.0", *extra, offline=False):
    command = [enclave_binary(), "install", str(release["bundles"][version]), "--trusted-key", str(release["public"]),
               "--root", str(root), "--port", str(port), *extra]
    if offline:  # no network at all: a fresh network namespace with only loopback
        command = ["unshare", "-n", "sh", "-c", 'ip link set lo up 2>/dev/null; exec "$@"', "sh", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return done


def admin_headers(root, port):
    credentials = dict(line.split("=", 1) for line in (root / "etc/enclave/admin-credentials").read_text().split())
    response = requests.post(f"http://127.0.0.1:{port}/api/v1/login", timeout=30,
                             data={"grant_type": "password", "username": credentials["username"], "password": credentials["password"]})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def create_pipeline(root, port, name):
    headers = admin_headers(root, port)
    project = requests.get(f"http://127.0.0.1:{port}/api/v1/projects?name=default", headers=headers, timeout=10).json()["items"][0]["id"]
    response = requests.post(f"http://127.0.0.1:{port}/api/v1/pipelines", json={"project": project, "name": name}, headers=headers, timeout=10)
    assert response.status_code == 200, response.text


def pipelines(root, port):
    headers = admin_headers(root, port)
    return {item["name"] for item in requests.get(f"http://127.0.0.1:{port}/api/v1/pipelines", headers=headers, timeout=10).json()["items"]}


def audit(root):
    return [json.loads(line) for line in (root / "var/lib/enclave/installer/audit.log").read_text().splitlines()]


def status(root):
    lines = run("status", "--root", str(root)).stdout.splitlines()
    return {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in lines if ":" in line}


def test_signatures_interoperate_with_openssl(release, tmp_path):
    bundle = release["bundles"]["1.0.0"]
    subprocess.run(["tar", "-xzf", str(bundle), "-C", str(tmp_path), "manifest.json", "manifest.sig"], check=True)
    verified = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(release["public"]), "-rawin",
                               "-in", str(tmp_path / "manifest.json"), "-sigfile", str(tmp_path / "manifest.sig")],
                              capture_output=True, text=True)
    assert verified.returncode == 0 and "Signature Verified Successfully" in verified.stdout
    assert "ok: Enclave 1.0.0" in run("bundle", "verify", str(bundle), "--trusted-key", str(release["public"])).stdout

    keys = tmp_path / "enclave-keys"
    run("keys", "generate", "--out", str(keys))
    assert stat.S_IMODE((keys / "signing.pem").stat().st_mode) == 0o600
    derived = subprocess.run(["openssl", "pkey", "-in", str(keys / "signing.pem"), "-pubout"], capture_output=True, text=True, check=True)
    assert derived.stdout == (keys / "signing.pub.pem").read_text()
    other = run("bundle", "verify", str(bundle), "--trusted-key", str(keys / "signing.pub.pem"), check=False)
    assert other.returncode != 0 and "does not verify" in other.stderr


def test_offline_install_lays_out_the_host_and_starts_healthy(release, root, port):
    done = install(release, root, port, offline=True)
    assert done.stderr == ""  # progress is drawn on a terminal only
    assert os.readlink(root / "usr/local/bin/enclave") == str(root / "opt/enclave/current/bin/enclave")
    assert f"command: {root}/usr/local/bin/enclave" in done.stdout
    assert "(healthy)" in done.stdout  # the health check ran against the started server, offline
    run("stop", "--root", str(root))  # it ran inside the private network namespace; bring it up here
    run("start", "--root", str(root))
    assert (root / "opt/enclave/current").is_symlink() and os.readlink(root / "opt/enclave/current") == "releases/1.0.0"
    assert os.access(root / "opt/enclave/releases/1.0.0/bin/enclave", os.X_OK)
    assert stat.S_IMODE((root / "etc/enclave/admin-credentials").stat().st_mode) == 0o600
    assert str(root / "etc/enclave/admin-credentials") in done.stdout
    assert stat.S_IMODE((root / "var/lib/enclave/data").stat().st_mode) == 0o700
    assert json.loads((root / "etc/enclave/config.json").read_text())["port"] == port
    unit = (root / "etc/systemd/system/enclave.service").read_text()
    assert f"ExecStart={root}/opt/enclave/current/bin/enclave serve --config {root}/etc/enclave/config.json" in unit
    assert not list((root / "opt/enclave/releases").glob(".staging-*"))
    assert requests.get(f"http://127.0.0.1:{port}/health", timeout=5).text == "ok"
    info = status(root)
    assert info["installed"].startswith("1.0.0") and info["running"].startswith("1.0.0") and info["health"] == "ok"
    again = run("install", str(release["bundles"]["1.0.0"]), "--trusted-key", str(release["public"]), "--root", str(root), check=False)
    assert again.returncode != 0 and "already installed" in again.stderr


def test_install_sh_checks_before_running_anything(release, tmp_path, port):
    bundle = release["bundles"]["1.0.0"]
    unpacked = tmp_path / "x"
    unpacked.mkdir()
    # The bundle README's line: the whole payload, libraries included.
    subprocess.run(["tar", "-xzf", str(bundle), "-C", str(unpacked), "install.sh", "manifest.json", "manifest.sig", "manifest.pgp", "payload"], check=True)
    root = tmp_path / "root"
    ok = subprocess.run(["sh", str(unpacked / "install.sh"), "--bundle", str(bundle), "--trusted-key", str(release["public"]),
                         "--root", str(root), "--port", str(port), "--no-start"], capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert (root / "opt/enclave/current/bin/enclave").exists()

    stranger = tmp_path / "stranger"
    _, stranger_public = openssl_keys(stranger)
    wrong_key = subprocess.run(["sh", str(unpacked / "install.sh"), "--bundle", str(bundle), "--trusted-key", str(stranger_public),
                                "--root", str(tmp_path / "r2")], capture_output=True, text=True)
    assert wrong_key.returncode != 0 and "does not verify" in wrong_key.stderr
    marker = tmp_path / "ran"
    planted = unpacked / "payload/lib/libsqlite3.so.0"  # a library the binary would load, not in the manifest
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(b"\x7fELF not really")
    unlisted = subprocess.run(["sh", str(unpacked / "install.sh"), "--bundle", str(bundle), "--trusted-key", str(release["public"]),
                               "--root", str(tmp_path / "r4")], capture_output=True, text=True)
    assert unlisted.returncode != 0 and "payload/lib/libsqlite3.so.0 is not in the signed manifest" in unlisted.stderr
    planted.unlink()
    (unpacked / "payload/bin/enclave").write_text(f"#!/bin/sh\ntouch {marker}\n")
    tampered = subprocess.run(["sh", str(unpacked / "install.sh"), "--bundle", str(bundle), "--trusted-key", str(release["public"]),
                               "--root", str(tmp_path / "r3")], capture_output=True, text=True)
    assert tampered.returncode != 0 and "does not match" in tampered.stderr
    assert not marker.exists() and not any((tmp_path / r).exists() for r in ("r2", "r3", "r4"))


def test_upgrade_keeps_data_and_rollback_restores_it(release, root, port):
    install(release, root, port)
    create_pipeline(root, port, "before-upgrade")
    secret = requests.post(f"http://127.0.0.1:{port}/api/v1/secrets", headers=admin_headers(root, port), timeout=10,
                           json={"name": "carried", "values": {"k": "sealed-before-upgrade"}}).json()["id"]
    done = run("upgrade", str(release["bundles"]["1.1.0"]), "--root", str(root))
    assert "upgraded Enclave 1.0.0 → 1.1.0" in done.stdout
    # The pre-upgrade backup carries its keyring (0600): without it no secret in the copy opens.
    backups = root / "var/lib/enclave/installer/backups"
    copy = next(backups.glob("enclave-1.0.0-*.sqlite"))
    assert (copy.parent / (copy.name + ".keyring")).stat().st_mode & 0o777 == 0o600
    assert os.readlink(root / "opt/enclave/current") == "releases/1.1.0"
    assert pipelines(root, port) == {"before-upgrade"}
    create_pipeline(root, port, "after-upgrade")
    assert "rollback would go: back to 1.0.0 with the data as it was before the upgrade to 1.1.0" in run("status", "--root", str(root)).stdout
    refused = run("rollback", "--root", str(root), check=False)  # no terminal to ask on, no --yes
    assert refused.returncode != 0 and "--yes" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert os.readlink(root / "opt/enclave/current") == "releases/1.1.0" and pipelines(root, port) == {"before-upgrade", "after-upgrade"}
    rolled = run("rollback", "--root", str(root), "--yes")
    assert "rolled back 1.1.0 → 1.0.0" in rolled.stdout
    kept = Path(re.search(r"kept the data of 1.1.0 as it was before the rollback in (\S+)", rolled.stdout).group(1))
    with sqlite3.connect(kept / "enclave.sqlite") as db:  # nothing written after the upgrade is lost
        assert {row[0] for row in db.execute("SELECT name FROM pipelines")} == {"before-upgrade", "after-upgrade"}
    info = status(root)
    assert info["installed"].startswith("1.0.0") and info["running"].startswith("1.0.0") and info["health"] == "ok"
    assert pipelines(root, port) == {"before-upgrade"}  # the pre-upgrade backup was restored
    read = requests.get(f"http://127.0.0.1:{port}/api/v1/secrets/{secret}", headers=admin_headers(root, port), timeout=10)
    assert read.json()["body"]["values"] == {"k": "sealed-before-upgrade"}
    entries = audit(root)
    assert [(e["action"], e["outcome"]) for e in entries] == [("install", "ok"), ("upgrade", "ok"), ("rollback", "failed"), ("rollback", "ok")]
    upgrade = entries[1]
    assert (upgrade["from"], upgrade["to"]) == ("1.0.0", "1.1.0") and len(upgrade["manifest_sha256"]) == 64 and upgrade["signer"]
    assert stat.S_IMODE((root / "var/lib/enclave/installer/audit.log").stat().st_mode) == 0o600


def test_a_release_that_cannot_start_is_rolled_back_by_itself(release, root, port):
    install(release, root, port)
    create_pipeline(root, port, "precious")
    failed = run("upgrade", str(release["bundles"]["1.3.0"]), "--root", str(root), check=False)
    assert failed.returncode != 0
    assert "1.3.0 was not healthy" in failed.stderr and "rolled back to 1.0.0" in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1, failed.stderr  # an error is one line
    assert os.readlink(root / "opt/enclave/current") == "releases/1.0.0"
    assert not (root / "opt/enclave/releases/1.3.0").exists()
    info = status(root)
    assert info["running"].startswith("1.0.0") and info["health"] == "ok" and info["journal"] == "clean"
    assert pipelines(root, port) == {"precious"}
    last = audit(root)[-1]
    assert last["action"] == "upgrade" and last["outcome"] == "failed" and "not healthy" in last["reason"] and last["to"] == "1.3.0"


def test_version_policy(release, root, port):
    install(release, root, port, "1.0.0", "--no-start")
    skipped = run("upgrade", str(release["bundles"]["1.2.0"]), "--root", str(root), check=False)
    assert skipped.returncode != 0 and "can only be installed over 1.1.0" in skipped.stderr
    run("upgrade", str(release["bundles"]["1.1.0"]), "--root", str(root))
    same = run("upgrade", str(release["bundles"]["1.1.0"]), "--root", str(root))
    assert "already installed" in same.stdout
    downgrade = run("upgrade", str(release["bundles"]["1.0.0"]), "--root", str(root), check=False)
    assert downgrade.returncode != 0 and "older than the installed 1.1.0" in downgrade.stderr
    run("rollback", "--root", str(root), "--yes")
    assert json.loads((root / "var/lib/enclave/installer/state.json").read_text())["highest"] == "1.1.0"

    # Same version, different content: a 1.1.0 built from another binary.
    other = release["folder"] / "other-1.1.0.tar.gz"
    fake = release["folder"] / "fake-enclave"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    enclave(enclave_binary(), "bundle", "create", "--version", "1.0.0", "--binary", str(fake), "--key", str(release["private"]), "--out", str(other))
    conflicting = run("upgrade", str(other), "--root", str(root), check=False)
    assert conflicting.returncode != 0 and "different content" in conflicting.stderr
    assert os.readlink(root / "opt/enclave/current") == "releases/1.0.0"


def test_a_second_upgrader_is_refused(release, root, port):
    install(release, root, port, "1.0.0", "--no-start")
    with open(root / "var/lib/enclave/installer/lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        refused = run("upgrade", str(release["bundles"]["1.1.0"]), "--root", str(root), check=False)
    assert refused.returncode != 0 and "another install, upgrade or rollback is running" in refused.stderr
    assert os.readlink(root / "opt/enclave/current") == "releases/1.0.0"


@pytest.mark.parametrize("phase", ["verified", "backed_up", "stopped", "switched", "started", "healthy"])
def test_killed_upgrader_ends_on_one_consistent_version(release, root, port, phase):
    install(release, root, port)
    create_pipeline(root, port, "kept")
    env = dict(os.environ, ENCLAVE_FAULT_AFTER=phase)
    killed = run("upgrade", str(release["bundles"]["1.1.0"]), "--root", str(root), check=False, env=env)
    assert killed.returncode == -9, killed.stderr
    info = status(root)
    expected = "1.1.0" if phase == "healthy" else "1.0.0"
    assert info["installed"].startswith(expected), info
    assert os.readlink(root / "opt/enclave/current") == f"releases/{expected}"
    assert info["running"].startswith(expected) and info["health"] == "ok" and info["journal"] == "clean", info
    assert not list((root / "opt/enclave/releases").glob(".staging-*"))
    releases = {p.name for p in (root / "opt/enclave/releases").iterdir()}
    assert releases == ({"1.0.0", "1.1.0"} if expected == "1.1.0" else {"1.0.0"})
    assert pipelines(root, port) == {"kept"}
    assert any(e["action"] == "recover" and e["to"] == "1.1.0" for e in audit(root))
    assert "upgraded" in run("upgrade", str(release["bundles"]["1.1.0"]), "--root", str(root)).stdout or expected == "1.1.0"


def test_a_failed_install_leaves_nothing_behind_and_can_be_retried(release, root, port):
    broken = run("install", str(release["bundles"]["1.3.0"]), "--trusted-key", str(release["public"]), "--root", str(root),
                 "--port", str(port), check=False)
    assert broken.returncode != 0 and "could not create the first admin" in broken.stderr
    leftovers = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink()}
    assert leftovers <= {"var/lib/enclave/installer/lock", "var/lib/enclave/installer/audit.log"}, leftovers
    assert audit(root)[-1]["outcome"] == "failed" and "could not create the first admin" in audit(root)[-1]["reason"]
    install(release, root, port)
    assert status(root)["health"] == "ok"


def served_by(root):
    """Pids of `serve` processes using this root's config."""
    config = str(root / "etc/enclave/config.json")
    pids = []
    for entry in os.listdir("/proc"):
        try:
            arguments = (Path("/proc") / entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if len(arguments) > 1 and arguments[1] == b"serve" and config.encode() in arguments:
            pids.append(int(entry))
    return pids


def wait_healthy(port, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=2).text == "ok":
                return True
        except requests.RequestException:
            pass
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("crash", [signal.SIGSEGV, signal.SIGKILL, signal.SIGABRT])
def test_the_service_comes_back_by_itself_after_a_crash(release, root, port, crash):
    """Where systemd does not run, the supervisor restarts a server that died, and every
    write it acknowledged is still there; `stop` then leaves nothing running."""
    install(release, root, port)
    create_pipeline(root, port, "before-the-crash")
    (first,) = served_by(root)
    # The Swift runtime catches the first SIGSEGV/SIGABRT, writes a backtrace into the
    # log, and carries on when the signal was sent rather than caused by a fault (a real
    # fault dies there). So once its backtrace is written, the signal is sent again.
    log = root / "var/log/enclave/enclave.log"
    os.kill(first, crash)
    sent, deadline = 1, time.time() + 60
    while time.time() < deadline and first in served_by(root):
        if log.read_text(errors="replace").count("Backtrace took") >= sent:
            os.kill(first, crash)
            sent += 1
        time.sleep(0.2)
    deadline = time.time() + 30
    while time.time() < deadline and (not served_by(root) or served_by(root) == [first]):
        time.sleep(0.1)
    assert wait_healthy(port), "the server did not come back"
    (second,) = served_by(root)
    assert second != first
    assert "before-the-crash" in pipelines(root, port)
    assert status(root)["health"] == "ok"
    text = log.read_text(errors="replace")
    supervisor = [line for line in text.splitlines() if '"logger":"enclave.supervisor"' in line]
    # The crash signal ends it, or — when the runtime's backtracer leaves the process with its
    # main thread gone for over 5 s, as on a loaded host — the supervisor's own SIGKILL.
    assert any("the server died; restarting" in line and (f'"signal":"{int(crash)}"' in line or '"signal":"9"' in line)
               for line in supervisor), supervisor
    run("stop", "--root", str(root))
    assert served_by(root) == [] and not (root / "var/lib/enclave/installer/enclave.pid").exists()


def test_a_clean_stop_is_not_a_crash(release, root, port):
    install(release, root, port)
    (first,) = served_by(root)
    os.kill(first, signal.SIGTERM)  # an operator's kill, not a crash: exit 0 ends supervision
    deadline = time.time() + 30
    while time.time() < deadline and served_by(root):
        time.sleep(0.1)
    time.sleep(1.5)
    assert served_by(root) == []
    assert "exited cleanly; not restarting" in (root / "var/log/enclave/enclave.log").read_text()


def test_releases_are_listed_and_pruned_and_old_ones_go_by_themselves(release, root, port):
    install(release, root, port, "1.0.0", "--no-start")
    run("upgrade", str(release["bundles"]["1.1.0"]), "--root", str(root))
    done = run("upgrade", str(release["bundles"]["1.2.0"]), "--root", str(root))
    assert "removed release 1.0.0" in done.stdout  # current + previous are kept
    assert sorted(p.name for p in (root / "opt/enclave/releases").iterdir()) == ["1.1.0", "1.2.0"]
    listed = run("releases", "list", "--root", str(root)).stdout.splitlines()
    assert listed[0].startswith("1.2.0 (current)") and listed[1].startswith("1.1.0 (previous)")
    assert "nothing to prune" in run("releases", "prune", "--keep", "1", "--root", str(root)).stdout  # previous stays for rollback
    assert (root / "opt/enclave/releases/1.1.0").exists()


def test_an_upgrade_without_room_is_refused_and_changes_nothing(release, tmp_path, port):
    """A root on a small tmpfs: the install fits, the upgrade would not; it is refused
    before anything is written."""
    root = tmp_path / "small-root"
    root.mkdir()
    payload = sum(p.stat().st_size for p in [Path(enclave_binary())])
    size_mib = payload // (1 << 20) + 48  # the first release and its data fit, a second release does not
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mib}m", "tmpfs", str(root)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        install(release, root, port, "1.0.0", "--no-start")
        before = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
        refused = run("upgrade", str(release["bundles"]["1.1.0"]), "--root", str(root), check=False)
        assert refused.returncode != 0 and "not enough disk space" in refused.stderr and "nothing was changed" in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
        after = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
        assert after == before and os.readlink(root / "opt/enclave/current") == "releases/1.0.0"
    finally:
        subprocess.run(["umount", "-l", str(root)], capture_output=True)


def test_an_install_on_an_external_database_and_its_upgrade(release, root, port, tmp_path):
    if not os.environ.get("ENCLAVE_TEST_DATABASE_URL"):
        pytest.fail("run through `make test` (Tests/Services/with-services.sh): ENCLAVE_TEST_DATABASE_URL unset")
    database = database_args(tmp_path / "external")
    done = install(release, root, port, "1.0.0", *database)
    assert "admin credentials" in done.stdout
    config = json.loads((root / "etc/enclave/config.json").read_text())
    kept = Path(config["database_password_file"])
    assert config["database_url"] == database[1] and kept.read_text() == Path(database[3]).read_text()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and str(kept).startswith(str(root))
    assert not (root / "var/lib/enclave/data/enclave.sqlite").exists()  # the state is in PostgreSQL
    create_pipeline(root, port, "in-postgresql")

    refused = run("upgrade", str(release["bundles"]["1.1.0"]), "--root", str(root), check=False)
    assert refused.returncode != 0 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "cannot back it up" in refused.stderr and "pg_dump" in refused.stderr and database[1] in refused.stderr
    assert "--database-backed-up" in refused.stderr and "keyring" in refused.stderr
    assert os.readlink(root / "opt/enclave/current") == "releases/1.0.0"
    done = run("upgrade", str(release["bundles"]["1.1.0"]), "--root", str(root), "--database-backed-up")
    assert "upgraded Enclave 1.0.0 → 1.1.0" in done.stdout and "backed up by the operator" in done.stdout
    assert pipelines(root, port) == {"in-postgresql"}
    assert not list((root / "var/lib/enclave/installer").glob("backups/*.sqlite"))

    # A second host installed on the same database finds its accounts and data there.
    second, second_port = tmp_path / "second-root", free_port()
    try:
        done = install(release, second, second_port, "1.1.0", *database)
        assert "the database already has its accounts" in done.stdout and not (second / "etc/enclave/admin-credentials").exists()
        (second / "etc/enclave/admin-credentials").write_text((root / "etc/enclave/admin-credentials").read_text())
        assert pipelines(second, second_port) == {"in-postgresql"}
    finally:
        subprocess.run([enclave_binary(), "stop", "--root", str(second)], capture_output=True, timeout=60)

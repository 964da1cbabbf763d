"""The real offline bundle, built as `make bundle` builds it, stood up on minimal Debian
roots (`debootstrap --variant=minbase`, plus only what the README says a host needs) with
no network but loopback: Debian 12 (OpenSSL 3) and Debian 11 (glibc 2.31, older than the
build host's, and OpenSSL 1.1.1, which cannot check Ed25519: the bootstrap uses gpgv).

In each root it runs the bundle README's own commands, checks /health, that the service
runs as the `enclave` user and maps no file from outside its release and data folders,
logs in and creates data, upgrades, rolls back, and sees tampered bundles refused. The
roots are cached as tarballs outside git (minimal_roots/make_root.sh); a fresh copy is
unpacked for every run. Needs root (chroot, mount, ip netns), as `make test` has on CI."""
import os
import re
import shutil
import subprocess
import tarfile
import io
import json
import uuid
from pathlib import Path

import pytest

from conftest import enclave_binary
from installer.bundles import REPO, enclave

HERE = Path(__file__).resolve().parent
SUITES = {"bookworm": "Debian 12", "bullseye": "Debian 11"}
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PORT = 8080

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="minimal roots need root (chroot, mount, ip netns)")


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """Two real bundles (1.0.0 and 1.1.0) from `Bundle/build.sh`, a fresh signing key, and
    two tampered copies of 1.0.0: one with a changed binary, one with a changed manifest."""
    folder = tmp_path_factory.mktemp("minimal-release")
    enclave(enclave_binary(), "keys", "generate", "--out", str(folder / "keys"))
    enclave(enclave_binary(), "keys", "generate", "--out", str(folder / "stranger"))
    key = folder / "keys" / "signing.pem"
    bundles = {}
    for version in ("1.0.0", "1.1.0"):
        done = subprocess.run(["Bundle/build.sh"], cwd=REPO, capture_output=True, text=True, timeout=3600,
                              env={**os.environ, "VERSION": version, "KEY": str(key), "OUT": str(folder / "dist")})
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        bundles[version] = next((folder / "dist").glob(f"enclave-{version}-*.tar.gz"))
    original = bundles["1.0.0"]
    bundles["tampered-binary"] = retar(original, folder / "tampered-binary.tar.gz", "payload/bin/enclave", flip_last_byte)
    bundles["tampered-manifest"] = retar(original, folder / "tampered-manifest.tar.gz", "manifest.json",
                                         lambda data: data.replace(b'"version": "1.0.0"', b'"version": "1.0.1"'))
    return {"bundles": bundles, "keys": folder / "keys", "stranger": folder / "stranger"}


def flip_last_byte(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 0xFF])


def retar(source: Path, target: Path, member: str, change) -> Path:
    """A copy of a bundle with one member's bytes changed, everything else as it was."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz", format=tarfile.PAX_FORMAT) as new:
        for info in old.getmembers():
            data = old.extractfile(info).read()
            if info.name == member:
                data = change(data)
                info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return target


class MinimalRoot:
    """A fresh copy of a cached minimal root with /proc mounted, and a network namespace
    that has nothing but loopback; commands run chrooted inside both."""

    def __init__(self, suite: str, path: Path):
        tarball = subprocess.run([str(HERE / "minimal_roots" / "make_root.sh"), suite], capture_output=True, text=True, timeout=1800)
        assert tarball.returncode == 0, tarball.stderr
        self.path = path
        path.mkdir()
        subprocess.run(["tar", "-xf", tarball.stdout.strip(), "-C", str(path)], check=True)
        subprocess.run(["mount", "-t", "proc", "proc", str(path / "proc")], check=True)
        self.netns = f"enclave-{suite}-{uuid.uuid4().hex[:8]}"
        subprocess.run(["ip", "netns", "add", self.netns], check=True)
        subprocess.run(["ip", "netns", "exec", self.netns, "ip", "link", "set", "lo", "up"], check=True)

    def sh(self, script: str, timeout=300) -> subprocess.CompletedProcess:
        """Runs a shell script chrooted in the root, in its network namespace, as root."""
        return subprocess.run(["ip", "netns", "exec", self.netns, "chroot", str(self.path), "/bin/sh", "-c", script],
                              capture_output=True, text=True, timeout=timeout,
                              env={"PATH": PATH, "HOME": "/root", "LANG": "C"})

    def ok(self, script: str, timeout=300) -> str:
        done = self.sh(script, timeout)
        if done.returncode != 0:
            log = self.path / "var/log/enclave/enclave.log"
            server = log.read_text(errors="replace")[-3000:] if log.exists() else "(no server log)"
            raise AssertionError(f"{script}\nexit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}\nserver log:\n{server}")
        return done.stdout

    def http(self, method: str, path: str, *curl_args: str) -> tuple[int, str]:
        """An HTTP request to the server inside the root, from the host's curl in the root's
        network namespace (the root itself has no HTTP client)."""
        done = subprocess.run(["ip", "netns", "exec", self.netns, "curl", "-s", "-m", "20", "-X", method, "-w", "\n%{http_code}",
                               *curl_args, f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True, timeout=60)
        body, _, code = done.stdout.rpartition("\n")
        return int(code or 0), body

    def processes(self):
        """Pids of the processes whose root is this root."""
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.readlink(f"/proc/{entry}/root") == str(self.path):
                        found.append(int(entry))
                except OSError:
                    pass
        return found

    def close(self):
        self.sh("enclave stop 2>/dev/null", timeout=120)
        for pid in self.processes():
            try:
                os.kill(pid, 9)
            except OSError:
                pass
        subprocess.run(["umount", "-l", str(self.path / "proc")], capture_output=True)
        subprocess.run(["ip", "netns", "del", self.netns], capture_output=True)
        shutil.rmtree(self.path, ignore_errors=True)


def readme_commands(bundle_name: str) -> list[str]:
    """The bundle README's install commands, as an operator would paste them."""
    text = (REPO / "Installer" / "README.md").read_text()
    block = text.split("Check and install", 1)[1]
    lines = [line.strip() for line in block.splitlines() if line.startswith("    ")]
    commands = [line.replace("enclave-VERSION-ARCH.tar.gz", bundle_name) for line in lines]
    assert any("tar -xzf" in c for c in commands) and any("install.sh --bundle" in c for c in commands), commands
    return commands


def admin_token(root: MinimalRoot) -> str:
    credentials = dict(line.split("=", 1) for line in (root.path / "etc/enclave/admin-credentials").read_text().split())
    code, body = root.http("POST", "/api/v1/login", "--data-urlencode", f"username={credentials['username']}",
                           "--data-urlencode", f"password={credentials['password']}")
    assert code == 200, body
    return json.loads(body)["access_token"]


def pipelines(root: MinimalRoot) -> set[str]:
    code, body = root.http("GET", "/api/v1/pipelines?size=100", "-H", f"Authorization: Bearer {admin_token(root)}")
    assert code == 200, body
    return {item["name"] for item in json.loads(body)["items"]}


def create_pipeline(root: MinimalRoot, name: str):
    token = admin_token(root)
    code, body = root.http("GET", "/api/v1/projects?name=default", "-H", f"Authorization: Bearer {token}")
    project = json.loads(body)["items"][0]["id"]
    code, body = root.http("POST", "/api/v1/pipelines", "-H", f"Authorization: Bearer {token}", "-H", "Content-Type: application/json",
                           "-d", f'{{"project": "{project}", "name": "{name}"}}')
    assert code == 200, body


def status(root: MinimalRoot) -> dict:
    return dict(line.split(":", 1) for line in root.ok("enclave status").splitlines() if ":" in line)


def server_pid(root: MinimalRoot) -> int:
    for pid in root.processes():
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if len(arguments) > 1 and arguments[1] == b"serve":
            return pid
    raise AssertionError("no `enclave serve` runs in the root")


def uid_of(pid: int) -> int:
    line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Uid:"))
    return int(line.split()[1])


@pytest.mark.parametrize("suite", list(SUITES))
def test_bundle_stands_up_on_a_minimal_root(release, suite, tmp_path):
    root = MinimalRoot(suite, tmp_path / "root")
    try:
        work = root.path / "root" / "work"
        work.mkdir(parents=True)
        for name, bundle in release["bundles"].items():
            shutil.copy(bundle, work / bundle.name)
        for name in ("signing.pub.pem", "signing.pub.pgp"):
            shutil.copy(release["keys"] / name, work / name)
        expected_verifier = "openssl" if suite == "bookworm" else "gpgv"
        has_rawin = "-rawin" in root.sh("openssl pkeyutl -help 2>&1").stdout
        assert has_rawin == (expected_verifier == "openssl"), f"{SUITES[suite]}'s openssl is not the one this test is about"

        # Tampered bundles: the bootstrap refuses them and nothing is installed.
        for name, reason in (("tampered-binary", "does not match the signed manifest; nothing was run"),
                             ("tampered-manifest", "does not verify")):
            commands = readme_commands(release["bundles"][name].name)
            done = root.sh("cd /root/work && rm -rf enclave-install && " + " && ".join(commands))
            assert done.returncode != 0 and reason in done.stderr, f"{name}: {done.stdout}\n{done.stderr}"
            assert done.stderr.strip().count("\n") == 0, f"the error is one line: {done.stderr!r}"
            assert not (root.path / "opt/enclave").exists()
        if expected_verifier == "gpgv":
            # gpgv is given the OpenPGP file beside the PEM; one holding another key is refused.
            shutil.copy(release["stranger"] / "signing.pub.pgp", work / "signing.pub.pgp")
            done = root.sh("cd /root/work && rm -rf enclave-install && " + " && ".join(readme_commands(release["bundles"]["1.0.0"].name)))
            assert done.returncode != 0 and "does not hold the same key as signing.pub.pem" in done.stderr, done.stderr
            shutil.copy(release["keys"] / "signing.pub.pgp", work / "signing.pub.pgp")

        # The documented install, with only what the root has.
        bundle = release["bundles"]["1.0.0"].name
        installed = root.ok("cd /root/work && rm -rf enclave-install && " + " && ".join(readme_commands(bundle)))
        assert "running on http://127.0.0.1:8080 (healthy)" in installed, installed
        assert root.http("GET", "/health")[0] == 200
        assert status(root)["installed"].split()[0] == "1.0.0"
        assert os.readlink(root.path / "usr/local/bin/enclave") == "/opt/enclave/current/bin/enclave"

        # No host library: the binary is static and the running server maps nothing but
        # its release and its data (and the kernel's vdso).
        ldd = root.sh("ldd /usr/local/bin/enclave")
        assert "not a dynamic executable" in ldd.stdout + ldd.stderr, ldd
        traced = root.sh("LD_DEBUG=libs enclave version")
        assert traced.returncode == 0 and "find library" not in traced.stderr and traced.stdout.startswith("enclave "), traced
        pid = server_pid(root)
        mapped = {line.split(None, 5)[5] for line in Path(f"/proc/{pid}/maps").read_text().splitlines() if len(line.split(None, 5)) == 6}
        files = {path.removeprefix(str(root.path)) for path in mapped if path.startswith("/")}
        outside = {path for path in files if not path.startswith(("/opt/enclave/releases/1.0.0/", "/var/lib/enclave/data/"))}
        assert not outside, f"the server maps files from outside its release and data: {sorted(outside)}"

        # Not root: the service runs as the `enclave` system user, which owns the data.
        passwd = (root.path / "etc/passwd").read_text()
        account = re.search(r"^enclave:[^:]*:(\d+):(\d+):", passwd, re.M)
        assert account, "the installer did not create the enclave system user"
        uid = int(account.group(1))
        assert uid != 0 and uid_of(pid) == uid
        assert (root.path / "var/lib/enclave/data/enclave.sqlite").stat().st_uid == uid

        # Data through the API, then an upgrade that keeps it.
        create_pipeline(root, f"made-on-{suite}")
        upgraded = root.ok(f"enclave upgrade /root/work/{release['bundles']['1.1.0'].name}")
        assert "upgraded Enclave 1.0.0 → 1.1.0" in upgraded, upgraded
        assert status(root)["installed"].split()[0] == "1.1.0"
        assert uid_of(server_pid(root)) == uid
        assert f"made-on-{suite}" in pipelines(root)
        create_pipeline(root, "after-upgrade")

        # A tampered bundle is refused by the installed binary too; nothing changes.
        refused = root.sh(f"enclave upgrade /root/work/{release['bundles']['tampered-binary'].name}")
        assert refused.returncode != 0 and "does not match the manifest" in refused.stderr, refused
        assert status(root)["installed"].split()[0] == "1.1.0"

        # Rollback: back to 1.0.0 and its pre-upgrade data; the newer data is kept aside.
        rolled = root.ok("enclave rollback --yes")
        assert "1.0.0" in rolled and "kept" in rolled, rolled
        assert status(root)["installed"].split()[0] == "1.0.0"
        assert root.http("GET", "/health")[0] == 200
        assert pipelines(root) == {f"made-on-{suite}"}
        kept = list((root.path / "var/lib/enclave/installer/backups").glob("kept-1.1.0-*"))
        assert kept, "the newer database was not kept aside"
        root.ok("enclave stop")
        assert root.http("GET", "/health")[0] == 0
    finally:
        root.close()

"""Fixtures that run the real `enclave` binary and the real, pinned zenml client.

The binary comes from ENCLAVE_BIN (set by `make test`); each test gets its own data
folder and a free port, and talks to the server only over loopback.
"""
import atexit
import glob
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
ADMIN_PASSWORD = "Adm1n-Passw0rd!"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def enclave_binary() -> str:
    binary = os.environ.get("ENCLAVE_BIN") or str(HERE.parents[1] / ".build" / "debug" / "enclave")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"enclave binary not found at {binary}; run `make test`")
    return binary


def client_env(config_dir: Path, **extra) -> dict:
    """The environment of a zenml client process: own config, no telemetry, wide output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZENML_")}
    env.update(
        ZENML_CONFIG_PATH=str(config_dir),
        ZENML_ANALYTICS_OPT_IN="false",
        DO_NOT_TRACK="true",
        MLFLOW_DISABLE_TELEMETRY="true",
        ZENML_LOGGING_COLORS_DISABLED="true",
        ZENML_ENABLE_RICH_TRACEBACK="false",
        ZENML_DISABLE_CLIENT_SERVER_MISMATCH_WARNING="false",
        COLUMNS="250",
        NO_COLOR="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_client(args, env, stdin=None, timeout=300, check=True):
    """Runs `zenml …` or `python …` from the venv; returns stdout+stderr with colours removed."""
    bindir = Path(sys.executable).parent
    program = str(bindir / args[0]) if args[0] in ("zenml", "python") else args[0]
    done = subprocess.run([program, *args[1:]], env=env, input=stdin, capture_output=True, text=True, timeout=timeout, cwd=HERE / "zenml")
    output = ANSI.sub("", done.stdout + done.stderr)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {done.returncode}:\n{output[-4000:]}")
    return output


# `ENCLAVE_TEST_DATABASE=postgres` (a pass of `make test`): every server the fixtures start
# keeps its state in a fresh database of the throwaway PostgreSQL cluster instead of SQLite.
ON_POSTGRES = os.environ.get("ENCLAVE_TEST_DATABASE") == "postgres"
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="reads the SQLite file itself; the PostgreSQL pass covers the same behaviour elsewhere")
_databases: dict[str, list[str]] = {}


def _psql(sql: str) -> None:
    """Runs `sql` on the test cluster's `postgres` database with Debian's psql."""
    url = os.environ["ENCLAVE_TEST_DATABASE_URL"]
    user, host, port = re.match(r"postgresql://([^@]+)@([^:/]+):(\d+)/", url).groups()
    psql = shutil.which("psql") or sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))[-1]
    password = Path(os.environ["ENCLAVE_TEST_DATABASE_PASSWORD_FILE"]).read_text()
    subprocess.run([psql, "-h", host, "-p", port, "-U", user, "-d", "postgres", "-qc", sql],
                   env={**os.environ, "PGPASSWORD": password}, check=True, capture_output=True, timeout=60)


def database_rows(data_dir: Path, sql: str) -> list[tuple]:
    """Runs `sql` (written for both engines) on the state of the server on `data_dir`: its
    SQLite file, or its database of the test cluster in the PostgreSQL pass. Rows come back
    as tuples of text."""
    if not ON_POSTGRES:
        with sqlite3.connect(data_dir / "enclave.sqlite") as db:
            return [tuple(str(v) for v in row) for row in db.execute(sql).fetchall()]
    url = database_args(data_dir)[1]
    user, host, port, name = re.match(r"postgresql://([^@]+)@([^:/]+):(\d+)/([^?]+)", url).groups()
    psql = shutil.which("psql") or sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))[-1]
    password = Path(os.environ["ENCLAVE_TEST_DATABASE_PASSWORD_FILE"]).read_text()
    done = subprocess.run([psql, "-h", host, "-p", port, "-U", user, "-d", name, "-qAt", "-F", "\t", "-c", sql],
                          env={**os.environ, "PGPASSWORD": password}, check=True, capture_output=True, text=True, timeout=60)
    return [tuple(line.split("\t")) for line in done.stdout.splitlines() if line]


def offline_args(data_dir: Path) -> list[str]:
    """What an offline command (`secrets`, `audit`) needs beside --data-dir to reach the
    state of the server on `data_dir`: nothing for SQLite, its database in the PostgreSQL pass."""
    return database_args(data_dir) if ON_POSTGRES else []


def database_args(data_dir: Path) -> list[str]:
    """`serve` flags naming the database of the test cluster that goes with `data_dir`: a new
    empty one the first time (a server started again on the folder finds its state again),
    dropped when the session ends."""
    key = str(data_dir.resolve())
    if key not in _databases:
        name = "it_" + uuid.uuid4().hex
        _psql(f"CREATE DATABASE {name}")
        base = os.environ["ENCLAVE_TEST_DATABASE_URL"].rsplit("/", 1)[0]
        _databases[key] = ["--database-url", f"{base}/{name}", "--database-password-file", os.environ["ENCLAVE_TEST_DATABASE_PASSWORD_FILE"]]
    return _databases[key]


@atexit.register
def _drop_databases() -> None:
    for args in _databases.values():
        name = args[1].rsplit("/", 1)[1]
        try:
            _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        except Exception:  # the cluster is throwaway: a database left behind goes with it
            pass


SERVICES = ["ENCLAVE_TEST_DATABASE_URL", "ENCLAVE_TEST_DATABASE_PASSWORD_FILE", "ENCLAVE_TEST_S3_ENDPOINT", "ENCLAVE_TEST_S3_BUCKET",
            "ENCLAVE_TEST_S3_ACCESS_KEY", "ENCLAVE_TEST_S3_SECRET_KEY"]


def s3_settings() -> dict:
    """The environment `serve --artifact-store` (and `migrate`) read the test SeaweedFS from;
    fails the test when it runs outside `make test`'s services."""
    missing = [name for name in SERVICES if not os.environ.get(name)]
    if missing:
        pytest.fail(f"run through `make test` (Tests/Services/with-services.sh): {', '.join(missing)} unset")
    return {"ENCLAVE_S3_ENDPOINT": os.environ["ENCLAVE_TEST_S3_ENDPOINT"], "AWS_ACCESS_KEY_ID": os.environ["ENCLAVE_TEST_S3_ACCESS_KEY"],
            "AWS_SECRET_ACCESS_KEY": os.environ["ENCLAVE_TEST_S3_SECRET_KEY"], "AWS_REGION": "us-east-1"}


def s3_store(name: str) -> str:
    """A fresh prefix of the test bucket."""
    return f"s3://{os.environ['ENCLAVE_TEST_S3_BUCKET']}/{name}-{uuid.uuid4().hex[:8]}"


class EnclaveServer:
    """One `enclave serve` process on a free loopback port."""

    def __init__(self, data_dir: Path, *extra_args: str, scheme: str = "http", env: dict | None = None):
        self.data_dir = data_dir
        self.extra_args = extra_args
        self.scheme = scheme
        self.env = {**os.environ, **env} if env else None
        self.process = None
        self.url = None
        self.output = []
        self.database_args = database_args(data_dir) if ON_POSTGRES and "--database-url" not in extra_args else []

    def start(self):
        log = open(self.data_dir.parent / f"{self.data_dir.name}-server.log", "ab")
        self.process = subprocess.Popen(
            [enclave_binary(), "serve", "--port", "0", "--data-dir", str(self.data_dir), *self.database_args, *self.extra_args],
            stdout=subprocess.PIPE, stderr=log, text=True, env=self.env,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.output.append(line)
            match = re.search(r"listening on (\S+)", line)
            if match:
                self.url = match.group(1)
                threading.Thread(target=self._drain, daemon=True).start()
                return self
        raise AssertionError(f"enclave did not start: {''.join(self.output)}")

    def _drain(self):
        for line in self.process.stdout:
            self.output.append(line)

    def stop(self, sig=signal.SIGTERM, timeout=30) -> int:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            return self.process.wait(timeout=timeout)
        return self.process.returncode if self.process else 0


@pytest.fixture
def server(tmp_path):
    srv = EnclaveServer(tmp_path / "data").start()
    yield srv
    srv.stop()


def activate(url: str, **kwargs) -> None:
    response = requests.put(f"{url}/api/v1/activate", json={"admin_username": "admin", "admin_password": ADMIN_PASSWORD}, timeout=30, **kwargs)
    assert response.status_code == 200, response.text


def create_service_account(url: str, config_dir: Path, name: str = "ci-bot") -> str:
    """`zenml service-account create` as the admin; returns the API key it prints once."""
    env = client_env(config_dir, ZENML_STORE_URL=url, ZENML_STORE_USERNAME="admin", ZENML_STORE_PASSWORD=ADMIN_PASSWORD)
    output = run_client(["zenml", "service-account", "create", name], env)
    match = re.search(r"'(ZENKEY_[^']+)'", output, re.S)
    assert match, output
    return re.sub(r"\s", "", match.group(1))


@pytest.fixture
def bot(server, tmp_path):
    """An activated server and a zenml client logged in with a service account's API key."""
    activate(server.url)
    key = create_service_account(server.url, tmp_path / "admin-config")
    env = client_env(tmp_path / "bot-config")
    output = run_client(["zenml", "login", server.url, "--api-key"], env, stdin=key + "\n")
    assert "API key" in output
    return {"server": server, "env": env, "key": key, "tmp": tmp_path}


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory):
    """A server with cheap bcrypt, an admin, and the admin's token."""
    data = tmp_path_factory.mktemp("fuzz") / "data"
    os.environ["ENCLAVE_BCRYPT_COST"] = "4"
    try:
        server = EnclaveServer(data).start()
    finally:
        del os.environ["ENCLAVE_BCRYPT_COST"]
    activate(server.url)
    response = requests.post(f"{server.url}/api/v1/login", data={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30)
    token = response.json()["access_token"]
    yield server, {"Authorization": f"Bearer {token}"}
    assert server.process.poll() is None, "the server died during fuzzing"
    server.stop()


def alive(server) -> bool:
    if server.process.poll() is not None:
        return False
    return requests.get(f"{server.url}/health", timeout=10).text == "ok"


def free_port() -> int:
    """A port no one listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def port():
    """A port no one listens on right now."""
    return free_port()


@pytest.fixture
def root(tmp_path):
    """An install root for the installer tests; whatever runs there is stopped afterwards."""
    path = tmp_path / "root"
    yield path
    subprocess.run([enclave_binary(), "stop", "--root", str(path)], capture_output=True, timeout=60)

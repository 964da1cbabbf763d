"""`enclave migrate`: a single-host install (SQLite + the artifact folder) that the real zenml
and mlflow clients filled is moved, stopped, to PostgreSQL and SeaweedFS (the throwaway
services of `make test`). A run killed part-way is taken up by the next; a rerun copies
nothing; the data folder is byte for byte what it was; a server on the copy answers the same
clients with the same runs, secret, metrics and artifacts, and takes new work. A database
another install uses is refused before anything in it changes."""
import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import requests

from conftest import (EnclaveServer, activate, client_env, create_service_account, database_args, enclave_binary, run_client,
                      s3_settings, s3_store)
from test_mlflow_client import run_flow
from test_zenml_client import inspect, run_pipeline


def fingerprint(folder: Path) -> dict:
    """SHA-256 of every file under `folder` but SQLite's transient -wal/-shm companions."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.name.endswith(("-wal", "-shm"))}


def migrate(source: Path, target: list[str], env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([enclave_binary(), "migrate", "--data-dir", str(source), *target], env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_a_single_host_install_moves_to_postgresql_and_s3(tmp_path):
    settings = {**os.environ, **s3_settings()}
    source = tmp_path / "single-host"
    server = EnclaveServer(source).start()
    activate(server.url)
    key = create_service_account(server.url, tmp_path / "admin-config")
    before_env = client_env(tmp_path / "bot-before")
    run_client(["zenml", "login", server.url, "--api-key"], before_env, stdin=key + "\n")
    run_id, status, _ = run_pipeline(before_env)
    assert status == "completed"
    run_client(["zenml", "secret", "create", "moved", "--password=s3cr3t-value"], before_env)
    (tmp_path / "mlflow").mkdir()
    tracked = run_flow(server.url, "steady", "before-the-move", "6", tmp=tmp_path / "mlflow")["runs"]
    server.stop()
    untouched = fingerprint(source)
    assert any(name.startswith("artifacts/") for name in untouched)

    target = [*database_args(tmp_path / "target"), "--artifact-store", s3_store("migrated")]
    for delay in (0.2, 0.5, 1.0):  # killed wherever it is: before, during or after the tables
        interrupted = subprocess.Popen([enclave_binary(), "migrate", "--data-dir", str(source), *target], env=settings,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        interrupted.send_signal(signal.SIGKILL)
        interrupted.wait(timeout=30)
    done = migrate(source, target, settings)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "rows verified" in done.stdout and "verified by SHA-256" in done.stdout
    again = migrate(source, target, settings)
    assert again.returncode == 0, again.stderr
    assert not [line for line in again.stdout.splitlines() if line.startswith("copied")], again.stdout
    assert "(0 copied by this run)" in again.stdout
    assert fingerprint(source) == untouched

    replica = EnclaveServer(tmp_path / "replica", *target,
                            env={**s3_settings(), "ENCLAVE_SECRETS_KEYRING": str(source / "keyring.json")}).start()
    try:
        after_env = before_env  # the same client (its local artifact store holds the steps' outputs), logged in anew
        run_client(["zenml", "login", replica.url, "--api-key"], after_env, stdin=key + "\n")  # the API key moved too
        report = inspect(after_env, run_id)
        assert report["status"] == "completed" and all(step["status"] == "completed" for step in report["steps"].values())
        assert report["steps"]["combine"]["outputs"]["output"][0]["value"] == {"total": 100.0, "positives": 2}
        assert "s3cr3t-value" in run_client(["zenml", "secret", "get", "moved"], after_env)
        seen = run_flow(replica.url, "verify", json.dumps(list(tracked)), tmp=tmp_path / "mlflow")["runs"]
        for moved_run, index in tracked.items():
            assert seen[moved_run] == {"index": str(index), "loss": 1.0 / (index + 5), "text": f"run {index}", "steps": [0, 1, 2, 3, 4],
                                       "status": "FINISHED"}, moved_run
        new_id, status, _ = run_pipeline(after_env)  # and it goes on working where it stopped
        assert status == "completed" and new_id != run_id
        later = run_flow(replica.url, "steady", "after-the-move", "2", tmp=tmp_path / "mlflow")["runs"]
        assert len(later) == 2
    finally:
        replica.stop()


def test_a_database_another_install_uses_is_refused(tmp_path):
    settings = {**os.environ, **s3_settings()}
    elsewhere = database_args(tmp_path / "in-use")
    other = EnclaveServer(tmp_path / "other", *elsewhere).start()
    activate(other.url)
    other.stop()
    source = tmp_path / "single-host"
    EnclaveServer(source).start().stop()

    refused = migrate(source, elsewhere, settings)
    assert refused.returncode != 0
    assert "another install" in refused.stderr and "empty database" in refused.stderr
    again = EnclaveServer(tmp_path / "other", *elsewhere).start()  # its data is as it was: still activated
    try:
        response = requests.put(f"{again.url}/api/v1/activate", json={"admin_username": "x", "admin_password": "Xx-12345678!"}, timeout=30)
        assert response.status_code in (401, 403, 409, 422), response.text
    finally:
        again.stop()

    for bad, message in (([], "--database-url"), (["--database-url", "mysql://root@127.0.0.1/x"], "postgresql://"),
                         ([*elsewhere[:2], "--database-password-file", str(tmp_path / "missing")], "missing")):
        failed = migrate(source, bad, settings, timeout=60)
        assert failed.returncode != 0 and message in failed.stderr, failed.stderr
    empty = migrate(tmp_path / "nothing-here", elsewhere, settings, timeout=60)
    assert empty.returncode != 0 and "no database to migrate" in empty.stderr

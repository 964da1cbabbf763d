"""Enclave with its artifacts on a real S3 server — the SeaweedFS that `make test` starts on
loopback (Tests/Services/with-services.sh) — selected with `--artifact-store s3://…`: the
pinned mlflow client logs, lists and downloads through the proxy (a multipart upload
included), the objects are in the bucket and not in the data folder, the dashboard lists
and serves them, and settings that cannot work stop the server at start with a clear
message that never holds the secret."""
import os
import subprocess
import uuid

import pytest
import requests

from conftest import ADMIN_PASSWORD, EnclaveServer, activate, enclave_binary
from test_dashboard import signed_in
from test_mlflow_client import run_flow

BUCKET_VARIABLES = ["ENCLAVE_TEST_S3_ENDPOINT", "ENCLAVE_TEST_S3_BUCKET", "ENCLAVE_TEST_S3_ACCESS_KEY", "ENCLAVE_TEST_S3_SECRET_KEY"]


def s3_settings() -> dict:
    missing = [name for name in BUCKET_VARIABLES if not os.environ.get(name)]
    if missing:
        pytest.fail(f"SeaweedFS is not running ({', '.join(missing)} unset): run `make test`, which starts it")
    return {"ENCLAVE_S3_ENDPOINT": os.environ["ENCLAVE_TEST_S3_ENDPOINT"], "AWS_ACCESS_KEY_ID": os.environ["ENCLAVE_TEST_S3_ACCESS_KEY"],
            "AWS_SECRET_ACCESS_KEY": os.environ["ENCLAVE_TEST_S3_SECRET_KEY"], "AWS_REGION": "us-east-1"}


def bucket_object(key: str) -> tuple[int, bytes]:
    """GETs one object straight from the S3 server (curl signs with SigV4 itself)."""
    url = f"{os.environ['ENCLAVE_TEST_S3_ENDPOINT']}/{os.environ['ENCLAVE_TEST_S3_BUCKET']}/{key}"
    done = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user",
                           f"{os.environ['ENCLAVE_TEST_S3_ACCESS_KEY']}:{os.environ['ENCLAVE_TEST_S3_SECRET_KEY']}", url],
                          capture_output=True, timeout=60, check=True)
    body, _, status = done.stdout.rpartition(b"\n")
    return int(status), body


@pytest.fixture
def on_s3(tmp_path):
    prefix = f"it-{uuid.uuid4().hex}"
    server = EnclaveServer(tmp_path / "data", "--artifact-store", f"s3://{os.environ.get('ENCLAVE_TEST_S3_BUCKET', 'unset')}/{prefix}",
                           env=s3_settings()).start()
    activate(server.url)
    yield server, prefix
    server.stop()


def test_mlflow_artifacts_live_in_the_bucket(on_s3, tmp_path):
    server, prefix = on_s3
    big = 11 * 1024 * 1024 + 321  # three 5 MiB parts: the smallest S3 takes but for the last
    seen = run_flow(server.url, "artifacts", str(big), tmp=tmp_path, script="artifact_flows.py",
                    extra_env={"MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE": str(5 * 1024 * 1024),
                               "MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE": str(5 * 1024 * 1024)})
    assert [tuple(entry[:2]) for entry in seen["root"]] == [
        ("cfg", True), ("hello.txt", False), ("large", True), ("notes", True), ("plots", True), ("tree", True)]
    assert dict((p, s) for p, _, s in seen["root"])["hello.txt"] == 12
    assert seen["tree"] == [["tree/sub", True], ["tree/weird name +&.txt", False]]
    assert seen["plots"] == ["plots/black.png", "plots/line.png"]
    assert seen["file_lists_empty"] and seen["missing_lists_empty"]
    assert seen["tree_round_trip"] and seen["big_round_trip"]
    assert seen["hello"] == "hello world\n" and seen["config"] == {"alpha": 1, "beta": [1, 2]}
    assert seen["missing_file"]["code"] == "RESOURCE_DOES_NOT_EXIST"

    root = seen["artifact_uri"].removeprefix("mlflow-artifacts:/")
    assert bucket_object(f"{prefix}/{root}/hello.txt") == (200, b"hello world\n")
    assert bucket_object(f"{prefix}/{root}/tree/weird%20name%20%2B%26.txt") == (200, b"spaces")
    status, body = bucket_object(f"{prefix}/{root}/large/big.bin")
    assert status == 200 and len(body) == big
    # Nothing went to the data folder, and no staged part was left behind.
    assert not (tmp_path / "data" / "artifacts").exists()
    assert list((tmp_path / "data" / "artifacts.incoming").iterdir()) == []
    metrics = requests.get(f"{server.url}/metrics", timeout=10).text
    assert "mpu/part" in metrics

    # A ranged read through the proxy is served from the store's own ranged read.
    auth = ("admin", ADMIN_PASSWORD)
    ranged = requests.get(f"{server.url}/api/2.0/mlflow-artifacts/artifacts/{root}/hello.txt", headers={"Range": "bytes=6-10"}, auth=auth, timeout=30)
    assert ranged.status_code == 206 and ranged.content == b"world" and ranged.headers["Content-Range"] == "bytes 6-10/12"

    # The dashboard lists the run's files from the bucket and serves one.
    session = signed_in(server.url, "admin", ADMIN_PASSWORD)
    run = requests.get(f"{server.url}/api/2.0/mlflow/runs/get", params={"run_id": seen["run_id"]}, auth=auth, timeout=30).json()["run"]
    experiment = run["info"]["experiment_id"]
    page = session.get(f"{server.url}/experiments/{experiment}/runs/{seen['run_id']}?path=tree", timeout=30)
    assert page.status_code == 200 and "weird name +&amp;.txt" in page.text and "cannot be listed" not in page.text
    download = session.get(f"{server.url}/experiments/{experiment}/runs/{seen['run_id']}/artifact", params={"path": "hello.txt"}, timeout=30)
    assert download.status_code == 200 and download.content == b"hello world\n"


def start_failure(tmp_path, settings: dict, address: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ENCLAVE_S3_"))}
    env.update(settings, HOME=str(tmp_path))
    done = subprocess.run([enclave_binary(), "serve", "--port", "0", "--data-dir", str(tmp_path / "data"), "--artifact-store", address],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_settings_that_cannot_work_stop_the_server_at_start(tmp_path):
    settings = s3_settings()
    bucket = os.environ["ENCLAVE_TEST_S3_BUCKET"]
    no_endpoint = {k: v for k, v in settings.items() if k != "ENCLAVE_S3_ENDPOINT"}
    assert "no S3 endpoint" in start_failure(tmp_path, no_endpoint, f"s3://{bucket}/x")
    no_keys = {k: v for k, v in settings.items() if not k.startswith("AWS_")}
    assert "no S3 credentials" in start_failure(tmp_path, no_keys, f"s3://{bucket}/x")
    wrong = dict(settings, AWS_SECRET_ACCESS_KEY="wrong-secret-value-123")
    said = start_failure(tmp_path, wrong, f"s3://{bucket}/x")
    assert "SignatureDoesNotMatch" in said and "wrong-secret-value-123" not in said
    assert "NoSuchBucket" in start_failure(tmp_path, settings, "s3://no-such-bucket-here/x")
    assert "not a bucket name" in start_failure(tmp_path, settings, "s3://Bad_Bucket/x")
    logs = "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*.log"))
    assert "wrong-secret-value-123" not in logs and settings["AWS_SECRET_ACCESS_KEY"] not in logs

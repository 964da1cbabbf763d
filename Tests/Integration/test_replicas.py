"""Three `enclave serve` replicas on one PostgreSQL database and one S3 bucket (the throwaway
cluster and SeaweedFS of `make test`) behind a real nginx: the pinned zenml client runs the
four-step pipeline and the pinned mlflow client logs runs and artifacts through the balancer
while one replica is killed with SIGKILL and started again. The clients' own retries absorb
it, every acknowledged write is there afterwards (read through every replica), and the run
ends completed."""
import json
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import (ADMIN_PASSWORD, EnclaveServer, activate, client_env, create_service_account, database_args, free_port, run_client,
                      s3_settings, s3_store)
from test_mlflow_client import run_flow
from test_zenml_client import inspect, run_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Services"))
from balancer import start_balancer, stop_balancer  # noqa: E402


@pytest.fixture
def balanced(tmp_path):
    settings = s3_settings()
    database = database_args(tmp_path / "shared-database")
    # One keyring for every replica, as the operator distributes it.
    settings.update(ENCLAVE_SECRETS_KEYRING=str(tmp_path / "keyring.json"), ENCLAVE_BCRYPT_COST="4")
    store = s3_store("replicas")
    ports = [free_port() for _ in range(3)]

    def replica(index: int) -> EnclaveServer:
        return EnclaveServer(tmp_path / f"replica-{index}", "--port", str(ports[index]), *database, "--artifact-store", store, env=settings)

    replicas = [replica(0).start()]  # the first makes the keyring; the others read it
    replicas += [replica(1).start(), replica(2).start()]
    listen = free_port()
    balancer = start_balancer(tmp_path / "nginx", listen, ports)
    url = f"http://127.0.0.1:{listen}"
    state = {"url": url, "replicas": replicas, "replica": replica, "tmp": tmp_path}
    yield state
    stop_balancer(balancer)
    for server in state["replicas"]:
        server.stop()


def test_clients_through_the_balancer_ride_out_a_killed_replica(balanced):
    url, tmp = balanced["url"], balanced["tmp"]
    activate(balanced["replicas"][0].url)
    key = create_service_account(url, tmp / "admin-config")
    zenml_env = client_env(tmp / "bot-config")
    run_client(["zenml", "login", url, "--api-key"], zenml_env, stdin=key + "\n")
    outcomes: dict = {}

    def pipeline():
        outcomes["pipeline"] = run_pipeline(zenml_env)

    def tracking():
        outcomes["tracking"] = run_flow(url, "steady", "replicated", "12", tmp=tmp / "mlflow",
                                        extra_env={"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "6", "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1"})

    (tmp / "mlflow").mkdir()
    workers = [threading.Thread(target=pipeline), threading.Thread(target=tracking)]
    for worker in workers:
        worker.start()
    time.sleep(4)  # both clients are mid-way: the pipeline's steps, the runs' metrics and uploads
    killed = balanced["replicas"][1]
    assert killed.stop(signal.SIGKILL) == -signal.SIGKILL
    time.sleep(2)
    balanced["replicas"][1] = balanced["replica"](1).start()
    for worker in workers:
        worker.join(timeout=600)
    assert "pipeline" in outcomes and "tracking" in outcomes, outcomes

    run_id, status, _ = outcomes["pipeline"]
    assert status == "completed"
    report = inspect(zenml_env, run_id)
    assert report["status"] == "completed" and all(step["status"] == "completed" for step in report["steps"].values())
    assert report["steps"]["combine"]["outputs"]["output"][0]["value"] == {"total": 100.0, "positives": 2}

    acknowledged = outcomes["tracking"]["runs"]
    assert len(acknowledged) == 12
    # Every replica answers for every write, whichever one took it.
    for server in balanced["replicas"]:
        seen = run_flow(server.url, "verify", json.dumps(list(acknowledged)), tmp=tmp / "mlflow")["runs"]
        for run_id, index in acknowledged.items():
            assert seen[run_id] == {"index": str(index), "loss": 1.0 / (index + 5), "text": f"run {index}", "steps": [0, 1, 2, 3, 4],
                                    "status": "FINISHED"}, run_id
        runs = requests.get(f"{server.url}/api/v1/runs", params={"size": 50},
                            auth=None, headers={"Authorization": f"Bearer {login(server.url)}"}, timeout=30).json()
        assert run_id_in(runs, outcomes["pipeline"][0])


def login(url: str) -> str:
    response = requests.post(f"{url}/api/v1/login", data={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def run_id_in(page: dict, run_id: str) -> bool:
    return any(item["id"] == run_id for item in page.get("items", []))

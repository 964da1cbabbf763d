"""Pipelines run from the control plane: the unchanged zenml client runs a snapshot from the
server (`zenml pipeline snapshot run`, `Client().trigger_pipeline` with a run configuration),
Enclave queues a placeholder run as ZenML's server does, and an `enclave agent` of the pool
the snapshot's stack is bound to runs it in its own process with the pinned client. Runs are
stopped with `zenml pipeline runs stop`, go on across a server restart, and fail when their
agent is lost."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import ADMIN_PASSWORD, EnclaveServer, activate, client_env, enclave_binary, free_port, run_client
from test_agent import admin_token, agent_account, wait_for

HERE = Path(__file__).resolve().parent


class Zone:
    """A server, an admin's zenml client on a stack `zone` bound to agent pool `gpu` (its
    artifacts in a folder both sides see), a snapshot `nightly`, and the agent's key."""

    def __init__(self, tmp_path: Path, **settings: str):
        self.tmp = tmp_path
        self.port = free_port()
        self.env_server = {"ENCLAVE_AGENT_HEARTBEAT_SECONDS": "1", **settings}
        self.server = EnclaveServer(tmp_path / "data", "--port", str(self.port), env=self.env_server).start()
        self.url = self.server.url
        activate(self.url)
        self.env = client_env(tmp_path / "admin", ZENML_STORE_URL=self.url, ZENML_STORE_USERNAME="admin",
                              ZENML_STORE_PASSWORD=ADMIN_PASSWORD)
        _, self.key_file = agent_account(self.url, tmp_path, "zone-agent")
        run_client(["zenml", "artifact-store", "register", "zone-store", "--flavor", "local", f"--path={tmp_path / 'zone-artifacts'}"],
                   self.env)
        run_client(["zenml", "stack", "register", "zone", "-o", "default", "-a", "zone-store", "--set"], self.env)
        run_client(["python", "triggered_pipeline.py", "nightly"], self.env)
        self.agents: list[subprocess.Popen] = []

    def bind(self):
        run_client(["python", "-c", "from zenml.client import Client; Client().update_stack('zone', labels={'enclave.agent': 'gpu'})"],
                   self.env)

    def start_agent(self, name="gpu-1"):
        log = open(self.tmp / f"{name}.log", "ab")
        agent = subprocess.Popen([enclave_binary(), "agent", "--server", self.url, "--key-file", str(self.key_file), "--name", name,
                                  "--pool", "gpu", "--python", sys.executable, "--source-root", str(HERE / "zenml"),
                                  "--work-dir", str(self.tmp / f"{name}-runs")],
                                 stdout=log, stderr=subprocess.STDOUT, env={k: v for k, v in os.environ.items() if not k.startswith("ZENML_")})
        self.agents.append(agent)
        wait_for(lambda: self.agent_log(name).count("registered as") >= 1, what=f"agent {name} to register")
        return agent

    def agent_log(self, name="gpu-1") -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def trigger(self, *args, check=True) -> str:
        output = run_client(["python", "trigger_snapshot.py", "nightly", *args], self.env, check=check)
        return output

    def run(self, run_id: str) -> dict:
        answer = requests.get(f"{self.url}/api/v1/runs/{run_id}", headers={"Authorization": f"Bearer {admin_token(self.url)}"}, timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def status(self, run_id: str) -> str:
        return self.run(run_id)["body"]["status"]

    def close(self):
        for agent in self.agents:
            if agent.poll() is None:
                agent.kill()
                agent.wait(timeout=10)
        # Runners the agents left (a killed agent's children) must not outlive the test.
        subprocess.run(["pkill", "-f", f"work-dir {self.tmp}"], check=False)
        subprocess.run(["pkill", "-f", str(self.tmp / "data")], check=False)
        self.server.stop()


@pytest.fixture
def zone(tmp_path):
    zone = Zone(tmp_path)
    yield zone
    zone.close()


def value(output: str, key: str) -> str:
    return next(line.split("=", 1)[1] for line in output.splitlines() if line.startswith(key + "="))


def test_a_snapshot_run_from_the_server_is_queued_then_run_by_an_agent_of_its_pool_and_stopped(zone):
    # A snapshot's name is the pipeline's one snapshot of that name, as in ZenML: taken again only by replacing.
    output = run_client(["python", "triggered_pipeline.py", "nightly"], zone.env, check=False)
    assert "EntityExistsError" in output and "already exists" in output, output[-2000:]
    run_client(["python", "triggered_pipeline.py", "nightly", "--replace"], zone.env)
    # Not bound to an agent: refused, in ZenML's words first and then why.
    output = run_client(["zenml", "pipeline", "snapshot", "run", "nightly", "-p", "triggered_pipeline"], zone.env, check=False)
    assert "This snapshot can not be run via the server" in output and "not bound to an Enclave agent" in output, output
    zone.bind()
    output = run_client(["zenml", "pipeline", "snapshot", "run", "nightly", "-p", "triggered_pipeline"], zone.env, check=False)
    assert "no Enclave agent of 'gpu' has registered" in output, output

    # The pool's agent registered once and is away now: the run waits in the queue as ZenML's server shows it.
    agent = zone.start_agent()
    agent.terminate()
    agent.wait(timeout=30)
    output = run_client(["zenml", "pipeline", "snapshot", "run", "nightly", "-p", "triggered_pipeline"], zone.env)
    assert "Started snapshot run" in output, output
    run_id = output.split("Started snapshot run `", 1)[1].split("`", 1)[0]
    queued = zone.run(run_id)
    assert queued["body"]["status"] == "initializing", queued
    assert queued["body"]["status_reason"] == "Queued for snapshot execution.", queued
    source = run_client(["zenml", "pipeline", "snapshot", "list", "--name", "nightly"], zone.env)
    assert queued["resources"]["snapshot"]["id"] not in source, "the run runs a copy of the snapshot, as ZenML's server makes"

    zone.start_agent()
    wait_for(lambda: zone.status(run_id) == "completed", timeout=90, what="the queued run to complete")
    steps = requests.get(f"{zone.url}/api/v1/steps", params={"pipeline_run_id": run_id},
                         headers={"Authorization": f"Bearer {admin_token(zone.url)}"}, timeout=30).json()["items"]
    assert sorted((step["name"], step["body"]["status"]) for step in steps) == [("load", "completed"), ("total", "completed")]

    # The SDK with a run configuration: the step's parameter and the run's name are the override's.
    output = zone.trigger("--count", "5", "--run-name", "nightly-{date}-{time}", "--wait")
    assert value(output, "RUN_STATUS") == "completed" and value(output, "TOTAL") == "10", output
    assert value(output, "STEPS") == "load:completed,total:completed" and value(output, "RUN_NAME").startswith("nightly-20"), output
    # The runner's own output streamed back through the agent: the API and the run's page show it.
    sdk_run = value(output, "RUN_ID")
    log = wait_for(lambda: (lambda r: r.status_code == 200 and "loading 5 rows" in r.text and r.text)(
        requests.get(f"{zone.url}/api/enclave/runs/{sdk_run}/log", headers={"Authorization": f"Bearer {admin_token(zone.url)}"}, timeout=30)),
        timeout=30, what="the runner log")
    assert "total of 5 rows" in log and "\x1b[" not in log, log
    from test_dashboard import signed_in
    page = signed_in(zone.url, "admin", ADMIN_PASSWORD).get(f"{zone.url}/runs/{sdk_run}", timeout=30).text
    assert "Runner log" in page and "loading 5 rows" in page

    # Replaying that run runs its snapshot again; what Enclave does not apply is refused by name.
    replay = ("from zenml.client import Client; import sys\n"
              "run = Client().replay_pipeline_run(sys.argv[1], run_configuration={k: v for k, v in [a.split('=') for a in sys.argv[2:]]},"
              " synchronous=True)\nprint('REPLAY_STATUS=' + run.status.value)")
    output = run_client(["python", "-c", replay, value(output, "RUN_ID")], zone.env)
    assert value(output, "REPLAY_STATUS") == "completed", output
    output = run_client(["python", "-c", replay, run_id, "skip_successful_steps=true"], zone.env, check=False)
    assert "'skip_successful_steps' is not applied yet" in output, output
    output = zone.trigger("--bogus", "1", check=False)
    assert "ERROR=ValueError: Run configuration contains the following unknown parameters for step load: {'bogus'}." in output, output

    # Stopped with the unchanged CLI while its step runs: the agent ends the runner, the run is stopped.
    run_id = value(zone.trigger("--pause", "120"), "RUN_ID")
    wait_for(lambda: zone.status(run_id) == "running" and "loading" in zone.agent_log() + runner_logs(zone), timeout=90,
             what="the long run to start its step")
    run_client(["zenml", "pipeline", "runs", "stop", run_id, "-y", "--graceful"], zone.env)
    wait_for(lambda: zone.status(run_id) == "stopped", timeout=30, what="the run to be stopped")
    wait_for(lambda: f"run {run_id}: ended (stopped)" in zone.agent_log(), timeout=30, what="the agent to end the runner")


def runner_logs(zone) -> str:
    return "".join(path.read_text(errors="replace") for path in zone.tmp.glob("*-runs/runs/*/runner.log"))


def test_a_run_goes_on_across_a_server_restart_and_a_lost_agent_fails_its_run(zone):
    zone.bind()
    agent = zone.start_agent()
    run_id = value(zone.trigger("--pause", "10"), "RUN_ID")
    wait_for(lambda: zone.status(run_id) == "running", timeout=90, what="the run to start")
    zone.server.stop(signal.SIGKILL)
    time.sleep(7)  # longer than a heartbeat waits for an answer, and than a lease (3 s)
    zone.server = EnclaveServer(zone.tmp / "data", "--port", str(zone.port), env=zone.env_server).start()
    wait_for(lambda: zone.status(run_id) == "completed", timeout=90, what="the run to complete after the restart")
    wait_for(lambda: f"run {run_id}: reported finished" in zone.agent_log(), timeout=30, what="the agent to report the run")
    log = zone.agent_log()
    assert "lost the server" in log and "the server is back" in log, log

    # The agent's host is lost mid-run: after three missed heartbeats its run is failed.
    run_id = value(zone.trigger("--pause", "120"), "RUN_ID")
    wait_for(lambda: zone.status(run_id) == "running", timeout=90, what="the second run to start")
    agent.kill()
    agent.wait(timeout=10)
    subprocess.run(["pkill", "-f", f"run_id {run_id}"], check=False)
    def failed():
        requests.get(f"{zone.url}/api/enclave/agents", headers={"Authorization": f"Bearer {admin_token(zone.url)}"}, timeout=30)
        return zone.status(run_id) == "failed"
    wait_for(failed, timeout=30, what="the lost agent's run to fail")
    assert "stopped reporting" in zone.run(run_id)["body"]["status_reason"]


def test_a_runaway_run_is_ended_at_the_configured_timeout_and_a_stopping_agent_ends_its_runs(tmp_path):
    zone = Zone(tmp_path, ENCLAVE_AGENT_RUN_TIMEOUT_SECONDS="5")
    try:
        zone.bind()
        agent = zone.start_agent()
        run_id = value(zone.trigger("--pause", "300"), "RUN_ID")
        wait_for(lambda: zone.status(run_id) == "failed", timeout=60, what="the runaway run to be ended")
        assert "configured timeout of 5 s" in zone.run(run_id)["body"]["status_reason"]
        assert not subprocess.run(["pgrep", "-f", f"run_id {run_id}"], capture_output=True).stdout, "its runner is gone"

        # The agent asked to stop (systemd's SIGTERM) ends its runner, says so, and exits cleanly.
        run_id = value(zone.trigger("--pause", "300"), "RUN_ID")
        wait_for(lambda: zone.status(run_id) == "running", timeout=60, what="the next run to start")
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=60) == 0, zone.agent_log()[-2000:]
        assert zone.status(run_id) == "failed" and "agent was stopped" in zone.run(run_id)["body"]["status_reason"]
        assert not subprocess.run(["pgrep", "-f", f"run_id {run_id}"], capture_output=True).stdout, "its runner is gone"
    finally:
        zone.close()


def test_the_dashboard_runs_a_snapshot_with_its_parameters_and_stops_a_run(zone):
    from test_dashboard import signed_in
    zone.bind()
    zone.start_agent()
    url = zone.url
    headers = {"Authorization": f"Bearer {admin_token(url)}"}
    requests.post(f"{url}/api/v1/users", headers=headers, timeout=30,
                  json={"name": "vera", "password": "Vera-Passw0rd!", "role": "viewer", "is_admin": False}).raise_for_status()
    pipeline_id = requests.get(f"{url}/api/v1/pipelines", params={"name": "triggered_pipeline"}, headers=headers,
                               timeout=30).json()["items"][0]["id"]
    admin = signed_in(url, "admin", ADMIN_PASSWORD)
    page = admin.get(f"{url}/pipelines/{pipeline_id}", timeout=30).text
    assert "agent pool gpu" in page and 'name="p:load:count" value="3"' in page, page[-3000:]
    action = page.split('<form method="post" action="', 1)[1].split('"', 1)[0]
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]

    # A viewer sees where it runs but gets no form, and a post of the form is refused.
    viewer = signed_in(url, "vera", "Vera-Passw0rd!")
    seen = viewer.get(f"{url}/pipelines/{pipeline_id}", timeout=30).text
    assert "agent pool gpu" in seen and "p:load:count" not in seen
    viewer_csrf = seen.split('name="csrf" value="', 1)[1].split('"', 1)[0] if 'name="csrf"' in seen else ""
    assert viewer.post(url + action, data={"csrf": viewer_csrf}, allow_redirects=False, timeout=30).status_code == 403
    # A forged form is refused.
    assert admin.post(url + action, data={"csrf": "forged", "p:load:count": "4"}, allow_redirects=False, timeout=30).status_code == 403

    started = admin.post(url + action, data={"csrf": csrf, "p:load:count": "4", "p:load:pause": "0.0"}, allow_redirects=False, timeout=30)
    assert started.status_code == 303, started.text
    run_id = started.headers["location"].rsplit("/", 1)[1]
    wait_for(lambda: zone.status(run_id) == "completed", timeout=90, what="the dashboard's run to complete")
    assert "loading 4 rows" in (zone.tmp / "gpu-1-runs" / "runs" / run_id / "runner.log").read_text(errors="replace")

    # Stop from the run page while its step runs.
    started = admin.post(url + action, data={"csrf": csrf, "p:load:pause": "120"}, allow_redirects=False, timeout=30)
    run_id = started.headers["location"].rsplit("/", 1)[1]
    wait_for(lambda: zone.status(run_id) == "running", timeout=90, what="the long run to start")
    run_page = admin.get(f"{url}/runs/{run_id}", timeout=30).text
    assert f'action="/runs/{run_id}/stop"' in run_page
    assert "/stop" not in viewer.get(f"{url}/runs/{run_id}", timeout=30).text
    stopped = admin.post(f"{url}/runs/{run_id}/stop", data={"csrf": csrf}, allow_redirects=False, timeout=30)
    assert stopped.status_code == 303, stopped.text
    assert zone.status(run_id) == "stopped"
    wait_for(lambda: f"run {run_id}: ended (stopped)" in zone.agent_log(), timeout=30, what="the agent to end the runner")

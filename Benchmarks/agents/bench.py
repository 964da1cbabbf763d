"""Pipelines run from the control plane by agents. One Enclave server, two `enclave agent`s
of one pool (capacity 1 each), the two-step pipeline of Tests/Integration/zenml/triggered_pipeline.py
on a stack bound to the pool. Measures (1) trigger -> first step started: from the
`POST /pipeline_snapshots/{id}/runs` request to the first step's recorded start, with an idle
agent waiting in its long poll, next to the same pipeline called directly by the client
(process start -> first step started), the path without a control plane in between; and
(2) 50 runs queued while the agents are away, drained by the two agents: wall time, runs per
minute, and that every run ran exactly once. ZenML's own server runs snapshots only through a
workload manager that builds container images (Docker or Kubernetes), which this machine has
not, so there is no reference server column here.
Usage: Benchmarks/agents/run.sh [--runs N] [--samples N] [--enclave BINARY]"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PIPELINES = ROOT / "Tests" / "Integration" / "zenml"
BIN = Path(sys.executable).parent
PASSWORD = "Bench-Passw0rd!"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def moment(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


class Bench:
    def __init__(self, binary, work):
        self.binary, self.work = binary, work
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = open(work / "server.log", "w")
        self.server = subprocess.Popen([binary, "serve", "--port", str(self.port), "--data-dir", str(work / "data")], stdout=log,
                                       stderr=log, env={**os.environ, "ENCLAVE_AGENT_HEARTBEAT_SECONDS": "10", "ENCLAVE_LOG_LEVEL": "warning"})
        wait_for(lambda: self.up(), 30, "the server")
        requests.put(f"{self.url}/api/v1/activate", json={"admin_username": "admin", "admin_password": PASSWORD}, timeout=30).raise_for_status()
        self.token = requests.post(f"{self.url}/api/v1/login", data={"username": "admin", "password": PASSWORD}, timeout=30).json()["access_token"]
        self.headers = {"Authorization": f"Bearer {self.token}"}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ZENML_")}
        self.env.update(ZENML_CONFIG_PATH=str(work / "client"), ZENML_STORE_URL=self.url, ZENML_STORE_USERNAME="admin",
                        ZENML_STORE_PASSWORD=PASSWORD, ZENML_ANALYTICS_OPT_IN="false", DO_NOT_TRACK="true", COLUMNS="250")
        self.agents = []

    def up(self):
        try:
            return requests.get(f"{self.url}/health", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def client(self, *args):
        done = subprocess.run([str(BIN / args[0]), *args[1:]], env=self.env, capture_output=True, text=True, cwd=PIPELINES, timeout=600)
        if done.returncode != 0:
            raise SystemExit(f"{args} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        return done.stdout + done.stderr

    def setup(self):
        out = self.client("zenml", "service-account", "create", "bench-agent")
        key = re.sub(r"\s", "", re.search(r"'(ZENKEY_[^']+)'", out, re.S).group(1))
        account = requests.get(f"{self.url}/api/v1/service_accounts/bench-agent", headers=self.headers, timeout=30).json()["id"]
        requests.put(f"{self.url}/api/v1/service_accounts/{account}", headers=self.headers, json={"role": "agent"}, timeout=30).raise_for_status()
        self.key_file = self.work / "agent.key"
        self.key_file.write_text(key)
        self.key_file.chmod(0o600)
        self.client("zenml", "artifact-store", "register", "zone-store", "--flavor", "local", f"--path={self.work / 'artifacts'}")
        self.client("zenml", "stack", "register", "zone", "-o", "default", "-a", "zone-store", "--set")
        self.client("python", "-c", "from zenml.client import Client; Client().update_stack('zone', labels={'enclave.agent': 'gpu'})")
        out = self.client("python", "triggered_pipeline.py", "bench")
        self.snapshot = re.search(r"SNAPSHOT_ID=(\S+)", out).group(1)

    def start_agents(self, count, prefix="gpu"):
        for index in range(count):
            name = f"{prefix}-{index + 1}"
            log = open(self.work / f"{name}.log", "ab")
            self.agents.append(subprocess.Popen(
                [self.binary, "agent", "--server", self.url, "--key-file", str(self.key_file), "--name", name, "--pool", "gpu",
                 "--python", str(BIN / "python"), "--source-root", str(PIPELINES), "--work-dir", str(self.work / f"{name}-runs")],
                stdout=log, stderr=subprocess.STDOUT, env={k: v for k, v in os.environ.items() if not k.startswith("ZENML_")}))
        for index in range(count):
            wait_for(lambda: "registered as" in (self.work / f"{prefix}-{index + 1}.log").read_text(), 30, "an agent")

    def stop_agents(self):
        for agent in self.agents:
            agent.terminate()
            agent.wait(timeout=30)
        self.agents = []

    def trigger(self):
        answer = requests.post(f"{self.url}/api/v1/pipeline_snapshots/{self.snapshot}/runs", json={}, headers=self.headers, timeout=30)
        answer.raise_for_status()
        return answer.json()["id"]

    def first_step_start(self, run_id):
        items = requests.get(f"{self.url}/api/v1/steps", params={"pipeline_run_id": run_id, "sort_by": "asc:start_time", "size": 1},
                             headers=self.headers, timeout=30).json()["items"]
        return moment(items[0]["body"]["start_time"]) if items and items[0]["body"].get("start_time") else None

    def status(self, run_id):
        return requests.get(f"{self.url}/api/v1/runs/{run_id}", headers=self.headers, timeout=30).json()["body"]["status"]

    def statuses(self):
        runs = requests.get(f"{self.url}/api/v1/runs", params={"size": 1000}, headers=self.headers, timeout=30).json()["items"]
        return {run["id"]: run["body"]["status"] for run in runs}

    def close(self):
        self.stop_agents()
        self.server.terminate()
        self.server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enclave", default=str(ROOT / ".build" / "release" / "enclave"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--samples", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-agents-"))
    bench = Bench(args.enclave, work)
    results = {"enclave": args.enclave, "when": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    try:
        bench.setup()
        # (1) trigger -> first step started, an idle agent waiting for work.
        bench.start_agents(1)
        triggered = []
        for _ in range(args.samples):
            time.sleep(2)  # the agent is back in its long poll
            started = time.time()
            run_id = bench.trigger()
            first = wait_for(lambda: bench.first_step_start(run_id), 120, "the first step")
            triggered.append(first - started)
            wait_for(lambda: bench.status(run_id) == "completed", 120, "the run")
        direct = []
        for _ in range(args.samples):
            started = time.time()
            out = bench.client("python", "triggered_pipeline.py", "--run")
            direct.append(bench.first_step_start(re.search(r"RUN_ID=(\S+)", out).group(1)) - started)
        results["trigger_to_first_step_s"] = {"median": statistics.median(triggered), "all": triggered}
        results["direct_client_to_first_step_s"] = {"median": statistics.median(direct), "all": direct}
        bench.stop_agents()

        # (2) runs queued while the agents are away, drained by two.
        queued = [bench.trigger() for _ in range(args.runs)]
        started = time.time()
        bench.start_agents(2, prefix="drain")
        wait_for(lambda: all(bench.statuses().get(run) in ("completed", "failed") for run in queued), 3600, "the queue to drain")
        drained = time.time() - started
        final = bench.statuses()
        logs = "".join((work / f"drain-{i}.log").read_text() for i in (1, 2))
        starts = re.findall(r"run (\S+): started", logs)
        results["drain"] = {
            "runs": args.runs, "agents": 2, "seconds": drained, "runs_per_minute": args.runs / drained * 60,
            "completed": sum(final[run] == "completed" for run in queued),
            "started_once_each": sorted(set(starts) & set(queued)) == sorted(queued) and len([s for s in starts if s in queued]) == len(queued),
            "by_agent": {f"drain-{i}": len(re.findall(r": started", (work / f"drain-{i}.log").read_text())) for i in (1, 2)},
        }
    finally:
        bench.close()
    out = ROOT / "Benchmarks" / "agents" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

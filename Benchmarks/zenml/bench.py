"""Enclave versus the real zenml[server]==0.98.0 (uvicorn, SQLite, auth on), in one run.

For each server: cold start to the first 200 on /api/v1/info (fresh database, then
restarts on the existing one), the wall time of the four-step pipeline run by the
same zenml client, the server's RSS after it, and request latency measured on
loopback with keep-alive for the calls the client makes most. Prints a table with
ratios and writes Benchmarks/zenml/results/latest.json.
"""
import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PIPELINE_DIR = ROOT / "Tests" / "Integration" / "zenml"
BIN = Path(sys.executable).parent
ADMIN_PASSWORD = "Adm1n-Passw0rd!"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid, field="VmRSS"):
    """A memory figure of the process from /proc (VmRSS: all resident pages; RssAnon:
    private memory, without the shared library and binary pages)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def client_env(config, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZENML_")}
    env.update(ZENML_CONFIG_PATH=str(config), ZENML_ANALYTICS_OPT_IN="false", DO_NOT_TRACK="true",
               ZENML_ENABLE_RICH_TRACEBACK="false", PYTHONUNBUFFERED="1", COLUMNS="200")
    env.update(extra)
    return env


class Server:
    def __init__(self, name, workdir):
        self.name, self.workdir, self.process, self.port = name, workdir, None, None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        """Starts the process; returns seconds from spawn to the first 200 on /api/v1/info."""
        self.port = free_port()
        log = open(self.workdir / f"{self.name}.log", "ab")
        started = time.perf_counter()
        self.process = subprocess.Popen(self.command(), env=self.env(), stdout=log, stderr=log, cwd=self.workdir)
        while time.perf_counter() - started < 180:
            try:
                if requests.get(f"{self.url}/api/v1/info", timeout=2).status_code == 200:
                    return time.perf_counter() - started
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {log.name}")
            time.sleep(0.005)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


class Reference(Server):
    def command(self):
        return [str(BIN / "uvicorn"), "zenml.zen_server.zen_server_api:app", "--host", "127.0.0.1",
                "--port", str(self.port), "--no-server-header"]

    def env(self):
        env = dict(os.environ)
        env.update(ZENML_SERVER="true", ZENML_CONFIG_PATH=str(self.workdir / "server-config"),
                   ZENML_LOCAL_STORES_PATH=str(self.workdir / "stores"), ZENML_STORE_URL=f"sqlite:///{self.workdir}/zenml.db",
                   ZENML_SERVER_DEPLOYMENT_TYPE="other", ZENML_SERVER_AUTH_SCHEME="OAUTH2_PASSWORD_BEARER",
                   ZENML_SERVER_JWT_SECRET_KEY="0123456789abcdef" * 4, ZENML_SERVER_JWT_TOKEN_EXPIRE_MINUTES="60",
                   ZENML_ANALYTICS_OPT_IN="false", ZENML_SERVER_AUTO_ACTIVATE="false")
        return env


class Enclave(Server):
    binary = None

    def command(self):
        return [self.binary, "serve", "--port", str(self.port), "--data-dir", str(self.workdir / "data")]

    def env(self):
        return dict(os.environ)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(server_class, rounds, restarts):
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{server_class.__name__.lower()}-"))
    server = server_class(server_class.__name__.lower(), workdir)
    result = {"cold_start_fresh_s": server.start()}
    requests.put(f"{server.url}/api/v1/activate", json={"admin_username": "admin", "admin_password": ADMIN_PASSWORD}, timeout=60).raise_for_status()
    admin_env = client_env(workdir / "admin", ZENML_STORE_URL=server.url, ZENML_STORE_USERNAME="admin", ZENML_STORE_PASSWORD=ADMIN_PASSWORD)
    out = subprocess.run([str(BIN / "zenml"), "service-account", "create", "bench-bot"], env=admin_env, capture_output=True, text=True, timeout=300)
    key = re.sub(r"\s", "", re.search(r"'(ZENKEY_[^']+)'", out.stdout + out.stderr, re.S).group(1))
    env = client_env(workdir / "bot", ZENML_STORE_URL=server.url, ZENML_STORE_API_KEY=key)

    def pipeline_runs(*flags):
        runs = []
        for _ in range(rounds):
            started = time.perf_counter()
            done = subprocess.run([str(BIN / "python"), "four_step_pipeline.py", *flags], env=env, capture_output=True, text=True,
                                  cwd=PIPELINE_DIR, timeout=600)
            process_s = time.perf_counter() - started
            status = re.search(r"RUN_STATUS=(\S+)", done.stdout)
            if not status or status.group(1) != "completed":
                raise RuntimeError(f"pipeline failed on {server.name}: {done.stdout[-2000:]} {done.stderr[-2000:]}")
            runs.append({"pipeline_s": float(re.search(r"PIPELINE_SECONDS=(\S+)", done.stdout).group(1)), "process_s": process_s,
                         "run_id": re.search(r"RUN_ID=(\S+)", done.stdout).group(1)})
        return runs

    runs = pipeline_runs()
    if isinstance(server, Enclave):
        durations = [float(json.loads(line)["duration_ms"]) for line in (workdir / f"{server.name}.log").read_text().splitlines()
                     if line.startswith("{") and '"msg":"request"' in line]
        result["server_time_during_pipelines"] = {"requests": len(durations), "p50_ms": statistics.median(durations),
                                                  "p99_ms": percentile(durations, 0.99)}
    result["pipeline_s"] = statistics.median(r["pipeline_s"] for r in runs)
    result["pipeline_process_s"] = statistics.median(r["process_s"] for r in runs)
    # The same pipeline declaring a Model and tags: a model version per run, links, tag writes.
    model_runs = pipeline_runs("--model")
    result["model_pipeline_s"] = statistics.median(r["pipeline_s"] for r in model_runs)
    result["model_pipeline_process_s"] = statistics.median(r["process_s"] for r in model_runs)
    result["rss_after_pipeline_kb"] = rss_kb(server.process.pid)
    result["anon_after_pipeline_kb"] = rss_kb(server.process.pid, "RssAnon")

    session = requests.Session()
    token = session.post(f"{server.url}/api/v1/login", data={"grant_type": "zenml-api-key", "password": key}, timeout=60).json()["access_token"]
    session.headers["Authorization"] = f"Bearer {token}"
    run_id = runs[-1]["run_id"]
    project = session.get(f"{server.url}/api/v1/projects?name=default", timeout=30).json()["items"][0]["id"]
    calls = {
        "GET /info": "/api/v1/info",
        "GET /current-user": "/api/v1/current-user?hydrate=True",
        "GET /runs/{id}": f"/api/v1/runs/{run_id}?hydrate=True&include_full_metadata=False",
        "GET /steps?run": f"/api/v1/steps?hydrate=False&pipeline_run_id={run_id}&exclude_retried=True&project={project}",
        "GET /pipelines": f"/api/v1/pipelines?hydrate=False&sort_by=desc:created&page=1&size=20&project={project}",
        "GET /model_versions?model": f"/api/v1/model_versions?hydrate=True&model=bench-model&sort_by=desc:number&project={project}",
        "GET /runs?tags": f"/api/v1/runs?hydrate=False&tags=bench&sort_by=desc:created&project={project}",
    }
    latency = {}
    everything = []
    for label, path in calls.items():
        for _ in range(10):
            session.get(f"{server.url}{path}", timeout=30)
        samples = []
        for _ in range(200):
            started = time.perf_counter()
            response = session.get(f"{server.url}{path}", timeout=30)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (label, response.status_code, response.text[:300])
        latency[label] = {"p50_ms": statistics.median(samples), "p99_ms": percentile(samples, 0.99)}
        everything += samples
    result["latency"] = latency
    result["latency_all"] = {"p50_ms": statistics.median(everything), "p99_ms": percentile(everything, 0.99)}
    result["rss_after_requests_kb"] = rss_kb(server.process.pid)
    server.stop()
    result["cold_start_existing_s"] = []
    for _ in range(restarts):
        result["cold_start_existing_s"].append(server.start())
        server.stop()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enclave", required=True)
    parser.add_argument("--rounds", type=int, default=3, help="pipeline runs per server (median reported)")
    parser.add_argument("--restarts", type=int, default=3)
    args = parser.parse_args()
    Enclave.binary = str(Path(args.enclave).resolve())
    results = {"enclave": measure(Enclave, args.rounds, args.restarts), "zenml": measure(Reference, args.rounds, args.restarts),
               "machine": {"cpus": os.cpu_count(), "kernel": os.uname().release}, "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    out = ROOT / "Benchmarks" / "zenml" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))

    e, z = results["enclave"], results["zenml"]
    rows = [("cold start, fresh DB (s)", e["cold_start_fresh_s"], z["cold_start_fresh_s"]),
            ("cold start, existing DB, median (s)", statistics.median(e["cold_start_existing_s"]), statistics.median(z["cold_start_existing_s"])),
            ("four-step pipeline call, median (s)", e["pipeline_s"], z["pipeline_s"]),
            ("pipeline client process, median (s)", e["pipeline_process_s"], z["pipeline_process_s"]),
            ("same pipeline with a Model and tags, median (s)", e["model_pipeline_s"], z["model_pipeline_s"]),
            ("its client process, median (s)", e["model_pipeline_process_s"], z["model_pipeline_process_s"]),
            ("server RSS after pipeline (MiB)", e["rss_after_pipeline_kb"] / 1024, z["rss_after_pipeline_kb"] / 1024),
            ("server private (anon) memory after pipeline (MiB)", e["anon_after_pipeline_kb"] / 1024, z["anon_after_pipeline_kb"] / 1024),
            ("request latency p50, all calls (ms)", e["latency_all"]["p50_ms"], z["latency_all"]["p50_ms"]),
            ("request latency p99, all calls (ms)", e["latency_all"]["p99_ms"], z["latency_all"]["p99_ms"])]
    rows += [(f"{label} p50 (ms)", e["latency"][label]["p50_ms"], z["latency"][label]["p50_ms"]) for label in e["latency"]]
    print(f"{'metric':50} {'enclave':>10} {'zenml':>10} {'zenml/enclave':>14}")
    for label, ev, zv in rows:
        print(f"{label:50} {ev:10.3f} {zv:10.3f} {zv / ev if ev else float('inf'):13.1f}x")
    own = e["server_time_during_pipelines"]
    print(f"enclave server time per request during the pipelines ({own['requests']} requests, from its log): "
          f"p50 {own['p50_ms']:.3f} ms, p99 {own['p99_ms']:.3f} ms")


if __name__ == "__main__":
    main()

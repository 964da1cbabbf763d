"""Enclave versus the real `mlflow server` (3.17.2, SQLite, --serve-artifacts), in one run.

Each server starts on a fresh folder: Enclave's release build, `mlflow server` in its
default configuration, and `mlflow server --workers 1`. The same MlflowClient workload
then runs against each: runs created/s, log_metric/s, log_batch metrics/s (1000 per call),
search_runs p50/p99 over 10,000 runs with a metric and a param filter, metric history of
10,000 steps, 100 MiB artifact upload and download (next to `cp` on the same disk), cold
start and RSS idle and after. `wrk` then measures each server's own ceiling without the
Python client in the way. Prints a table with ratios; writes results/latest.json.

The 10,000 search runs are written through each server's API where that fits the time
budget (Enclave); MLflow needs ~320 s for them over HTTP (shared/reference/mlflow §8), so
its runs are inserted straight into its SQLite database with the same values.
"""
import argparse
import concurrent.futures as cf
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ADMIN = ("admin", "Adm1n-Passw0rd!")
SEARCH_FILTER = "metrics.acc > 0.5 and params.model = 'cnn'"
SEARCH_RUNS = 10_000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss_mib(pid):
    """Resident memory of a process and all its descendants, in MiB."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1)] if values else None


def timed(calls, budget_s, function):
    """Runs `function(i)` up to `calls` times or for `budget_s`; returns latencies in ms."""
    latencies, deadline = [], time.perf_counter() + budget_s
    for index in range(calls):
        if time.perf_counter() > deadline:
            break
        start = time.perf_counter()
        function(index)
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies


class Server:
    def __init__(self, name, workdir, enclave=None, workers=None):
        self.name, self.workdir, self.enclave, self.workers = name, workdir, enclave, workers
        self.port, self.process = free_port(), None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.workdir.mkdir(parents=True)
        log = open(self.workdir / "server.log", "ab")
        if self.enclave:
            subprocess.run([self.enclave, "admin", "create", "--data-dir", str(self.workdir / "data"), "--name", ADMIN[0]],
                           input=ADMIN[1] + "\n", text=True, check=True, capture_output=True)
            command = [self.enclave, "serve", "--port", str(self.port), "--data-dir", str(self.workdir / "data")]
        else:
            command = [str(Path(sys.executable).parent / "mlflow"), "server", "--host", "127.0.0.1", "--port", str(self.port),
                       "--backend-store-uri", f"sqlite:///{self.workdir}/mlflow.db", "--serve-artifacts",
                       "--artifacts-destination", str(self.workdir / "artifacts")]
            if self.workers:
                command += ["--workers", str(self.workers)]
        started = time.perf_counter()
        self.process = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
        while time.perf_counter() - started < 120:
            try:
                if requests.get(self.url + "/health", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except requests.RequestException:
                pass
            time.sleep(0.01)
        raise RuntimeError(f"{self.name} did not start; see {self.workdir / 'server.log'}")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def client_env(self):
        env = {"MLFLOW_TRACKING_URI": self.url, "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"}
        if self.enclave:
            env.update(MLFLOW_TRACKING_USERNAME=ADMIN[0], MLFLOW_TRACKING_PASSWORD=ADMIN[1])
        return env


def seed_over_http(server, experiment_id):
    """10,000 runs, each with acc, loss, model and lr, written through the API (8 threads)."""
    session_auth = ADMIN if server.enclave else None
    api = server.url + "/api/2.0/mlflow"
    rng = random.Random(7)
    rows = [(rng.random(), rng.random(), rng.choice(["cnn", "rnn", "mlp", "gbm"]), str(rng.choice([0.1, 0.01, 0.001])))
            for _ in range(SEARCH_RUNS)]

    def one(row):
        session = requests.Session()
        session.auth = session_auth
        now = int(time.time() * 1000)
        run = session.post(api + "/runs/create", json={"experiment_id": experiment_id, "start_time": now}).json()["run"]["info"]["run_id"]
        session.post(api + "/runs/log-batch", json={"run_id": run, "metrics": [
            {"key": "acc", "value": row[0], "timestamp": now, "step": 0}, {"key": "loss", "value": row[1], "timestamp": now, "step": 0}],
            "params": [{"key": "model", "value": row[2]}, {"key": "lr", "value": row[3]}]}).raise_for_status()

    started = time.perf_counter()
    with cf.ThreadPoolExecutor(8) as pool:
        list(pool.map(one, rows))
    return SEARCH_RUNS / (time.perf_counter() - started)


def seed_mlflow_database(server, experiment_id):
    """The same 10,000 runs inserted into MLflow's own SQLite schema."""
    rng = random.Random(7)
    db = sqlite3.connect(server.workdir / "mlflow.db")
    now = int(time.time() * 1000)
    for _ in range(SEARCH_RUNS):
        acc, loss, model, lr = rng.random(), rng.random(), rng.choice(["cnn", "rnn", "mlp", "gbm"]), str(rng.choice([0.1, 0.01, 0.001]))
        run = uuid.uuid4().hex
        db.execute("INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, "
                   "source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time) VALUES (?, ?, 'UNKNOWN', '', '', 'bench', "
                   "'FINISHED', ?, ?, '', 'active', ?, ?, NULL)", (run, "seeded", now, now, f"mlflow-artifacts:/{experiment_id}/{run}/artifacts", int(experiment_id)))
        for key, value in (("acc", acc), ("loss", loss)):
            db.execute("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, 0, 0)", (key, value, now, run))
            db.execute("INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, 0, 0, ?)", (key, value, now, run))
        for key, value in (("model", model), ("lr", lr)):
            db.execute("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)", (key, value, run))
    db.commit()
    db.close()


def client_workload(server, scratch):
    os.environ.update(server.client_env())
    import mlflow
    from mlflow import MlflowClient
    from mlflow.entities import Metric
    mlflow.set_tracking_uri(server.url)
    client = MlflowClient(server.url)
    result = {}
    experiment = client.create_experiment(f"bench-{uuid.uuid4().hex[:8]}")

    latencies = timed(500, 15, lambda i: client.create_run(experiment))
    result["runs_per_s"] = len(latencies) / (sum(latencies) / 1000)
    run = client.create_run(experiment).info.run_id
    latencies = timed(3000, 15, lambda i: client.log_metric(run, "single", float(i), step=i))
    result["log_metric_per_s"] = len(latencies) / (sum(latencies) / 1000)
    history_run = client.create_run(experiment).info.run_id
    now = int(time.time() * 1000)

    batch_run = client.create_run(experiment).info.run_id

    def batch(i):
        client.log_batch(batch_run, metrics=[Metric("batch", random.random(), now, i * 1000 + step) for step in range(1000)])

    latencies = timed(100, 25, batch)
    for i in range(10):  # the 10,000-step history read below
        client.log_batch(history_run, metrics=[Metric("history", random.random(), now, i * 1000 + step) for step in range(1000)])
    result["log_batch_metrics_per_s"] = 1000 * len(latencies) / (sum(latencies) / 1000)
    result["log_batch_ms_p50"] = percentile(latencies, 50)

    search_experiment = client.create_experiment(f"search-{uuid.uuid4().hex[:8]}")
    started = time.perf_counter()
    if server.enclave:
        result["seed_runs_per_s_8_threads"] = seed_over_http(server, search_experiment)
    else:
        seed_mlflow_database(server, search_experiment)
    result["seed_s"] = time.perf_counter() - started
    latencies = timed(100, 20, lambda i: client.search_runs([search_experiment], SEARCH_FILTER, max_results=100))
    result["search_100_ms"] = (percentile(latencies, 50), percentile(latencies, 99), len(latencies))
    result["search_matches"] = len(client.search_runs([search_experiment], SEARCH_FILTER, max_results=50000))
    latencies = timed(30, 20, lambda i: client.search_runs([search_experiment], SEARCH_FILTER, max_results=1000, order_by=["metrics.acc DESC"]))
    result["search_1000_ordered_ms"] = (percentile(latencies, 50), percentile(latencies, 99), len(latencies))
    latencies = timed(50, 20, lambda i: client.get_metric_history(history_run, "history"))
    result["history_steps"] = len(client.get_metric_history(history_run, "history"))
    result["history_ms"] = (percentile(latencies, 50), percentile(latencies, 99), len(latencies))

    blob = scratch / "blob.bin"
    with open(blob, "wb") as out:
        for _ in range(100):
            out.write(os.urandom(1 << 20))
    copies = []
    for index in range(3):
        start = time.perf_counter()
        shutil.copyfile(blob, scratch / f"copy-{index}.bin")
        os.sync()
        copies.append(100 * 1.048576 / (time.perf_counter() - start))
        (scratch / f"copy-{index}.bin").unlink()
    result["cp_mb_per_s"] = max(copies)
    artifact_run = client.create_run(experiment).info.run_id
    ups, downs = [], []
    for index in range(3):
        start = time.perf_counter()
        client.log_artifact(artifact_run, str(blob), f"up{index}")
        ups.append(100 * 1.048576 / (time.perf_counter() - start))
        target = scratch / f"down{index}"
        start = time.perf_counter()
        client.download_artifacts(artifact_run, f"up{index}/blob.bin", str(target))
        downs.append(100 * 1.048576 / (time.perf_counter() - start))
        shutil.rmtree(target)
    result["upload_mb_per_s"] = max(ups)
    result["download_mb_per_s"] = max(downs)
    # The same file through the proxy with curl: the server's rate without the Python client.
    url = f"{server.url}/api/2.0/mlflow-artifacts/artifacts/{client.get_run(artifact_run).info.artifact_uri.split(':/', 1)[1]}/curl/blob.bin"
    auth = ["-u", f"{ADMIN[0]}:{ADMIN[1]}"] if server.enclave else []
    ups, downs = [], []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(["curl", "-sf", "-H", "Expect:", "-T", str(blob), *auth, url], check=True)  # no 1 s wait for 100-continue
        ups.append(100 * 1.048576 / (time.perf_counter() - start))
        start = time.perf_counter()
        subprocess.run(["curl", "-sf", "-o", str(scratch / "curl.bin"), *auth, url], check=True)
        downs.append(100 * 1.048576 / (time.perf_counter() - start))
    result["curl_upload_mb_per_s"], result["curl_download_mb_per_s"] = max(ups), max(downs)
    result["load_run"] = run
    result["history_run"] = history_run
    result["search_experiment"] = search_experiment
    return result


def wrk(server, script, entry, seconds):
    """Requests/s of one wrk script with 2 threads and 16 connections."""
    env = dict(os.environ, BENCH_RUN_ID=entry["load_run"], BENCH_EXPERIMENT_ID=entry["search_experiment"], BENCH_HISTORY_RUN_ID=entry["history_run"],
               BENCH_AUTH=("Basic " + __import__("base64").b64encode(f"{ADMIN[0]}:{ADMIN[1]}".encode()).decode()) if server.enclave else "")
    done = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-s", str(HERE / script), server.url],
                          env=env, capture_output=True, text=True, timeout=seconds + 60)
    summary = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            summary["rps"] = float(parts[1])
        elif line.strip().startswith("50%"):
            summary["p50"] = parts[1]
        elif line.strip().startswith("99%"):
            summary["p99"] = parts[1]
        elif "Non-2xx" in line:
            summary["non_2xx"] = int(parts[-1])
    return summary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enclave", default=str(ROOT / ".build" / "release" / "enclave"))
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--only", choices=["enclave", "mlflow-default", "mlflow-workers-1"], action="append")
    arguments = parser.parse_args()
    os.environ.update(MLFLOW_DISABLE_TELEMETRY="true", DO_NOT_TRACK="true", ZENML_ANALYTICS_OPT_IN="false")
    scratch = Path(tempfile.mkdtemp(prefix="enclave-mlflow-bench-", dir=os.environ.get("BENCH_DIR", "/var/tmp")))
    configurations = [("enclave", {"enclave": arguments.enclave}), ("mlflow-default", {}), ("mlflow-workers-1", {"workers": 1})]
    results = {}
    for name, options in configurations:
        if arguments.only and name not in arguments.only:
            continue
        server = Server(name, scratch / name, **options)
        try:
            entry = {"cold_start_s": server.start()}
            time.sleep(2)
            entry["rss_idle_mib"] = tree_rss_mib(server.process.pid)
            entry.update(client_workload(server, scratch / name))
            entry["rss_after_client_mib"] = tree_rss_mib(server.process.pid)
            for figure, script in (("wrk_log_metric", "log_metric.lua"), ("wrk_log_batch_1000", "log_batch.lua"),
                                   ("wrk_search", "search.lua"), ("wrk_history", "history.lua")):
                entry[figure] = wrk(server, script, entry, arguments.wrk_seconds)
            entry["rss_after_mib"] = tree_rss_mib(server.process.pid)
            results[name] = entry
            print(f"{name}: {json.dumps(entry)}", file=sys.stderr)
        finally:
            server.stop()
    shutil.rmtree(scratch, ignore_errors=True)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "latest.json").write_text(json.dumps({"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "results": results}, indent=2))
    print_table(results)


def print_table(results):
    rows = [
        ("cold start to /health 200", "cold_start_s", "s", False),
        ("runs created / s (create_run, sequential)", "runs_per_s", "", True),
        ("log_metric / s (one per call)", "log_metric_per_s", "", True),
        ("metrics / s via log_batch (1000 per call)", "log_batch_metrics_per_s", "", True),
        ("search_runs 100 rows, metric+param filter, p50 ms", ("search_100_ms", 0), "ms", False),
        ("search_runs 100 rows, p99 ms", ("search_100_ms", 1), "ms", False),
        ("search_runs 1000 rows ordered by metric, p50 ms", ("search_1000_ordered_ms", 0), "ms", False),
        ("metric history 10,000 steps, p50 ms", ("history_ms", 0), "ms", False),
        ("artifact upload 100 MiB, MB/s", "upload_mb_per_s", "", True),
        ("artifact download 100 MiB, MB/s", "download_mb_per_s", "", True),
        ("artifact upload 100 MiB with curl, MB/s", "curl_upload_mb_per_s", "", True),
        ("artifact download 100 MiB with curl, MB/s", "curl_download_mb_per_s", "", True),
        ("wrk log-metric requests / s", ("wrk_log_metric", "rps"), "", True),
        ("wrk log-batch(1000) metrics / s", ("wrk_log_batch_1000", "rps"), "x1000", True),
        ("wrk search (100 rows) requests / s", ("wrk_search", "rps"), "", True),
        ("wrk metric history (10,000 steps) requests / s", ("wrk_history", "rps"), "", True),
        ("RSS idle, MiB (process tree)", "rss_idle_mib", "", False),
        ("RSS after the run, MiB", "rss_after_mib", "", False),
    ]

    def get(entry, key):
        if isinstance(key, tuple):
            value = entry.get(key[0]) or {}
            return value[key[1]] if isinstance(value, (list, tuple, dict)) and (key[1] in value if isinstance(value, dict) else True) else None
        return entry.get(key)

    names = list(results)
    print("| metric | " + " | ".join(names) + " | " + " | ".join(f"{n} / enclave" for n in names[1:]) + " |")
    print("|---|" + "---:|" * (2 * len(names) - 1))
    for label, key, unit, higher_better in rows:
        values = [get(results[n], key) for n in names]
        if unit == "x1000":
            values = [v * 1000 if v is not None else None for v in values]
        shown = [f"{v:,.3f}" if isinstance(v, float) and v < 10 else (f"{v:,.0f}" if isinstance(v, (int, float)) else "–") for v in values]
        ratios = []
        for v in values[1:]:
            if values[0] and v:
                ratios.append(f"{(values[0] / v if higher_better else v / values[0]):.1f}× " + ("better" if (values[0] / v if higher_better else v / values[0]) >= 1 else "worse"))
            else:
                ratios.append("–")
        print(f"| {label} | " + " | ".join(shown) + " | " + " | ".join(ratios) + " |")
    enclave = results.get("enclave", {})
    if enclave:
        print(f"\nartifact transfer vs cp on the same disk: cp {enclave.get('cp_mb_per_s', 0):.0f} MB/s; "
              f"upload {enclave.get('upload_mb_per_s', 0):.0f} (curl {enclave.get('curl_upload_mb_per_s', 0):.0f}), "
              f"download {enclave.get('download_mb_per_s', 0):.0f} (curl {enclave.get('curl_download_mb_per_s', 0):.0f}) MB/s")


if __name__ == "__main__":
    main()

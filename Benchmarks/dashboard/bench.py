"""Dashboard page times with a realistic amount of data: 1,000 pipeline runs (four steps
each) and 10,000 MLflow runs (params, three metrics, a 50-step history each), in Enclave's
release build. The first pipeline run is made by the real zenml client; the other 999 reuse
its snapshot through the same REST calls the client makes; the MLflow runs go through
MLflow's REST API (create + log-batch), 8 writers. Then each page type is fetched 50 times
with a signed-in session: client-measured p50/p99 and the server's own time from its
request log. Usage: Benchmarks/dashboard/run.sh [--pipeline-runs N] [--mlflow-runs N]"""
import argparse
import concurrent.futures as cf
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "Bench-Passw0rd!"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enclave", default=str(ROOT / ".build" / "release" / "enclave"))
    parser.add_argument("--pipeline-runs", type=int, default=1000)
    parser.add_argument("--mlflow-runs", type=int, default=10000)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(work / "server.log", "w")
    server = subprocess.Popen([args.enclave, "serve", "--port", str(port), "--data-dir", str(work / "data")], stdout=log, stderr=log)
    try:
        for _ in range(200):
            try:
                if requests.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.05)
        requests.put(f"{url}/api/v1/activate", json={"admin_username": "admin", "admin_password": PASSWORD}, timeout=30).raise_for_status()
        token = requests.post(f"{url}/api/v1/login", data={"username": "admin", "password": PASSWORD}, timeout=30).json()["access_token"]
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {token}"

        # One real pipeline run, then its snapshot reused for the rest.
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZENML_")}
        env.update(ZENML_CONFIG_PATH=str(work / "client"), ZENML_STORE_URL=url, ZENML_STORE_USERNAME="admin", ZENML_STORE_PASSWORD=PASSWORD,
                   ZENML_ANALYTICS_OPT_IN="false", DO_NOT_TRACK="true")
        done = subprocess.run([str(BIN / "python"), "four_step_pipeline.py"], env=env, cwd=ROOT / "Tests" / "Integration" / "zenml",
                              capture_output=True, text=True, timeout=600)
        run_id = re.search(r"RUN_ID=(\S+)", done.stdout).group(1)
        first = api.get(f"{url}/api/v1/runs/{run_id}", timeout=30).json()
        project, snapshot = first["body"]["project_id"], first["resources"]["snapshot"]["id"]
        steps = api.get(f"{url}/api/v1/pipeline_snapshots/{snapshot}", timeout=30).json()["metadata"]["step_configurations"]
        started = time.perf_counter()

        def pipeline_run(i):
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {token}"
            run = session.post(f"{url}/api/v1/runs", timeout=30, json={
                "project": project, "name": f"bench-run-{i}", "snapshot": snapshot, "status": "running",
                "orchestrator_run_id": f"bench-{i}"}).json()[0]
            for name in steps:
                session.post(f"{url}/api/v1/steps", timeout=30, json={
                    "project": project, "pipeline_run_id": run["id"], "name": name, "status": "completed",
                    "start_time": "2026-11-28T00:00:00", "end_time": "2026-11-28T00:00:01"}).raise_for_status()
            return run["id"]

        with cf.ThreadPoolExecutor(8) as pool:
            list(pool.map(pipeline_run, range(1, args.pipeline_runs)))
        pipeline_seconds = time.perf_counter() - started

        # MLflow runs through its REST API.
        auth = ("admin", PASSWORD)
        experiment = requests.post(f"{url}/api/2.0/mlflow/experiments/create", auth=auth, json={"name": "bench"}, timeout=30).json()["experiment_id"]
        started = time.perf_counter()

        def mlflow_run(i):
            session = requests.Session()
            session.auth = auth
            made = session.post(f"{url}/api/2.0/mlflow/runs/create", timeout=30,
                                json={"experiment_id": experiment, "run_name": f"run-{i}", "start_time": 1795800000000 + i}).json()["run"]["info"]["run_id"]
            metrics = [{"key": key, "value": (i % 97) / 97 + step / 1000, "timestamp": 1795800000000 + step, "step": step}
                       for key in ("acc", "loss", "f1") for step in range(50)]
            session.post(f"{url}/api/2.0/mlflow/runs/log-batch", timeout=30, json={
                "run_id": made, "metrics": metrics,
                "params": [{"key": "model", "value": ["cnn", "rnn", "gbm"][i % 3]}, {"key": "rate", "value": str(i % 10 / 100)}]}).raise_for_status()
            return made

        with cf.ThreadPoolExecutor(8) as pool:
            mlflow_ids = list(pool.map(mlflow_run, range(args.mlflow_runs)))
        mlflow_seconds = time.perf_counter() - started

        browser = requests.Session()
        form = browser.get(f"{url}/login", timeout=30).text
        csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        browser.post(f"{url}/login", data={"username": "admin", "password": PASSWORD, "csrf": csrf}, timeout=30)
        pipeline = first["body"]["pipeline_id"]
        last_page = (args.pipeline_runs + 24) // 25
        pages = {
            "/pipelines": "/pipelines",
            "/pipelines/{id} (1,000 runs, newest page)": f"/pipelines/{pipeline}",
            "/pipelines/{id} (last page)": f"/pipelines/{pipeline}?page={last_page}",
            "/runs/{id} (DAG, 4 steps)": f"/runs/{run_id}",
            "/artifacts": "/artifacts",
            "/models": "/models",
            "/experiments": "/experiments",
            "/experiments/{id} (10,000 runs, newest 50)": f"/experiments/{experiment}",
            "/experiments/{id}?filter=…&order=metrics.acc": f"/experiments/{experiment}?filter=metrics.acc%20%3E%200.5%20and%20params.model%20%3D%20%27cnn%27&order=metrics.acc%20DESC",
            "/experiments/{id}/runs/{run} (3 charts)": f"/experiments/{experiment}/runs/{mlflow_ids[-1]}",
        }
        results = {}
        for label, path in pages.items():
            for _ in range(5):
                browser.get(f"{url}{path}", timeout=30)
            samples, size, wire, tag = [], 0, 0, None
            for _ in range(args.samples):
                t = time.perf_counter()
                answer = browser.get(f"{url}{path}", timeout=30)
                samples.append((time.perf_counter() - t) * 1000)
                assert answer.status_code == 200 and "Log out" in answer.text, (path, answer.status_code)
                size, wire, tag = len(answer.content), int(answer.headers.get("Content-Length", 0)), answer.headers.get("ETag")
            # A browser revalidating the page it holds (its ETag): the whole page is rendered, then a bodiless 304.
            revalidations = []
            for _ in range(args.samples):
                t = time.perf_counter()
                answer = browser.get(f"{url}{path}", headers={"If-None-Match": tag}, timeout=30)
                revalidations.append((time.perf_counter() - t) * 1000)
            results[label] = {"path": path, "p50_ms": statistics.median(samples), "p99_ms": percentile(samples, 0.99), "bytes": size,
                              "wire_bytes": wire, "revalidated_status": answer.status_code,
                              "revalidated_p50_ms": statistics.median(revalidations)}
        # The server's own time for the same requests, from its request log.
        log.flush()
        server_times = {}
        for line in (work / "server.log").read_text().splitlines():
            if line.startswith("{") and '"msg":"request"' in line:
                entry = json.loads(line)
                server_times.setdefault(entry.get("route") or entry.get("path"), []).append(float(entry["duration_ms"]))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"data: {args.pipeline_runs} pipeline runs in {pipeline_seconds:.1f} s, {args.mlflow_runs} MLflow runs in {mlflow_seconds:.1f} s")
    print(f"{'page':55} {'p50 ms':>8} {'p99 ms':>8} {'KiB':>7} {'gzip KiB':>9} {'304 p50 ms':>11}")
    for label, row in results.items():
        revalidated = f"{row['revalidated_p50_ms']:11.2f}" if row["revalidated_status"] == 304 else f"{'(' + str(row['revalidated_status']) + ')':>11}"
        print(f"{label:55} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f} {row['bytes'] / 1024:7.1f} {row['wire_bytes'] / 1024:9.1f} {revalidated}")
    print("server time by route (p50 / p99 ms, from its log):")
    for route in ("/pipelines", "/pipelines/{id}", "/runs/{id}", "/artifacts", "/models", "/experiments", "/experiments/{id}",
                  "/experiments/{id}/runs/{run}"):
        times = server_times.get(route, [])
        if times:
            print(f"  {route:40} {statistics.median(times):7.2f} / {percentile(times, 0.99):7.2f}  ({len(times)} requests)")
    out = ROOT / "Benchmarks" / "dashboard" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps({"pages": results, "when": time.strftime("%Y-%m-%d %H:%M:%S"),
                                                 "pipeline_runs": args.pipeline_runs, "mlflow_runs": args.mlflow_runs}, indent=2))


if __name__ == "__main__":
    main()

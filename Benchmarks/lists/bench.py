"""List throughput: Enclave next to the real zenml[server]==0.98.0, in one run.

Both servers get the same data through their API, with the request bodies the real client
sent in the recordings (Tests/Fixtures/zenml-0.98/flow_f_run_metadata.jsonl): 200 pipelines,
each with a snapshot and 10 runs (2,000 runs), every run with a step and its output
artifact version. Then wrk drives 50 connections for 30 s at each of

    GET /api/v1/pipelines?size=20
    GET /api/v1/runs?size=20&hydrate=True
    GET /api/v1/steps?pipeline_run_id=…

and the script reports requests/s, p50/p99 latency, the server's RSS before and after,
and, for Enclave, SQL statements per request (from /metrics). With --enclave-before it
measures an older Enclave binary the same way (for "before and after" figures).
Writes Benchmarks/lists/results/latest.json.
"""
import argparse
import concurrent.futures
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "zenml"))
from bench import ADMIN_PASSWORD, Enclave, Reference, rss_kb  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "Tests" / "Fixtures" / "zenml-0.98" / "flow_f_run_metadata.jsonl"
PIPELINES, RUNS_PER_PIPELINE = 200, 10


def recorded_bodies():
    """The first recorded body of each write the client makes for a run."""
    wanted = {("POST", "/api/v1/pipeline_snapshots"): "snapshot", ("POST", "/api/v1/steps"): "step",
              ("POST", "/api/v1/artifact_versions/batch"): "artifacts"}
    found = {}
    for line in FIXTURE.read_text().splitlines():
        record = json.loads(line)
        name = wanted.get((record["method"], record["path"]))
        if name and name not in found and record["status"] == 200:
            found[name] = record["req_body"]
    return found


def populate(url, token, bodies, workers):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    project = session.get(f"{url}/api/v1/projects?name=default", timeout=30).json()["items"][0]["id"]
    stack = session.get(f"{url}/api/v1/stacks?name=default", timeout=30).json()["items"][0]["id"]

    def one_pipeline(p):
        local = requests.Session()
        local.headers["Authorization"] = f"Bearer {token}"

        def send(path, body):
            response = local.post(f"{url}{path}", json=body, timeout=120)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:500]}")
            return response.json()

        pipeline = send("/api/v1/pipelines", {"project": project, "name": f"bench-{p}", "description": None, "tags": None})["id"]
        snapshot_body = copy.deepcopy(bodies["snapshot"])
        snapshot_body.update(project=project, pipeline=pipeline, stack=stack)
        snapshot_body["pipeline_configuration"]["name"] = f"bench-{p}"
        snapshot = send("/api/v1/pipeline_snapshots", snapshot_body)["id"]
        step_name = next(iter(snapshot_body["step_configurations"]))
        last_run = None
        for r in range(RUNS_PER_PIPELINE):
            run = send("/api/v1/runs", {"project": project, "name": f"bench-{p}-{r}", "snapshot": snapshot, "orchestrator_run_id": None,
                                        "start_time": "2026-12-01T10:00:00", "status": "initializing", "orchestrator_environment": {}})
            run_id = run[0]["id"]
            step_body = dict(bodies["step"], project=project, pipeline_run_id=run_id, name=step_name, status="running",
                             start_time="2026-12-01T10:00:01", logs=None)
            step = send("/api/v1/steps", step_body)["id"]
            artifact = copy.deepcopy(bodies["artifacts"][0])
            artifact.update(project=project, artifact_name=f"bench-{p}::{step_name}::output", uri=f"/tmp/bench/{p}/{r}", artifact_store_id=None)
            version = send("/api/v1/artifact_versions/batch", [artifact])[0]["id"]
            response = local.put(f"{url}/api/v1/steps/{step}", json={"outputs": {"output": [version]}, "status": "completed",
                                                                   "end_time": "2026-12-01T10:00:02"}, timeout=120)
            response.raise_for_status()
            last_run = run_id
        return last_run

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        runs = list(pool.map(one_pipeline, range(PIPELINES)))
    return project, runs[-1]


def statements(url):
    text = requests.get(f"{url}/metrics", timeout=30).text
    match = re.search(r"^enclave_database_statements_total (\S+)$", text, re.M)
    return float(match.group(1)) if match else None


def wrk(url, token, seconds, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
                          "-H", f"Authorization: Bearer {token}", url], capture_output=True, text=True, check=True).stdout

    def ms(text):
        value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    requests_total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "requests": requests_total,
            "non_2xx": int(errors.group(1)) if errors else 0,
            "p50_ms": ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)), "p99_ms": ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))}


def measure(server_class, binary, bodies, seconds, connections, workers):
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-lists-{server_class.__name__.lower()}-"))
    if binary:
        server_class.binary = binary
    server = server_class(server_class.__name__.lower(), workdir)
    server.start()
    try:
        requests.put(f"{server.url}/api/v1/activate", json={"admin_username": "admin", "admin_password": ADMIN_PASSWORD},
                     timeout=60).raise_for_status()
        token = requests.post(f"{server.url}/api/v1/login", data={"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD},
                              timeout=60).json()["access_token"]
        started = time.perf_counter()
        project, run = populate(server.url, token, bodies, workers)
        result = {"populate_s": time.perf_counter() - started, "rss_before_kb": rss_kb(server.process.pid), "routes": {}}
        routes = {"GET /pipelines?size=20": f"/api/v1/pipelines?size=20&project={project}",
                  "GET /runs?size=20&hydrate=True": f"/api/v1/runs?size=20&hydrate=True&project={project}",
                  "GET /steps?pipeline_run_id": f"/api/v1/steps?pipeline_run_id={run}&project={project}"}
        for label, path in routes.items():
            check = requests.get(f"{server.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=60)
            assert check.status_code == 200 and check.json()["items"], (label, check.status_code, check.text[:300])
            before = statements(server.url)
            figures = wrk(f"{server.url}{path}", token, seconds, connections)
            after = statements(server.url)
            if before is not None and after is not None:
                figures["statements_per_request"] = (after - before) / max(1, figures["requests"])
            figures["rss_after_kb"] = rss_kb(server.process.pid)
            result["routes"][label] = figures
            print(f"  {server.name:10} {label:32} {figures['requests_per_s']:9.1f} req/s  p50 {figures['p50_ms']:7.2f} ms  "
                  f"p99 {figures['p99_ms']:7.2f} ms  statements/request {figures.get('statements_per_request', float('nan')):.1f}", flush=True)
        result["rss_after_kb"] = rss_kb(server.process.pid)
        return result
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enclave", required=True)
    parser.add_argument("--enclave-before", help="an older enclave binary to measure the same way")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="parallel clients while populating")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--pipelines", type=int, default=PIPELINES, help="smaller for a quick check of the script")
    args = parser.parse_args()
    globals()["PIPELINES"] = args.pipelines
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk (make bench installs it)")
    bodies = recorded_bodies()
    results = {"machine": {"cpus": os.cpu_count(), "kernel": os.uname().release}, "when": time.strftime("%Y-%m-%d %H:%M:%S"),
               "data": {"pipelines": PIPELINES, "runs": PIPELINES * RUNS_PER_PIPELINE}, "connections": args.connections,
               "seconds": args.seconds}
    results["enclave"] = measure(Enclave, str(Path(args.enclave).resolve()), bodies, args.seconds, args.connections, args.workers)
    if args.enclave_before:
        results["enclave_before"] = measure(Enclave, str(Path(args.enclave_before).resolve()), bodies, args.seconds, args.connections, args.workers)
    if not args.skip_reference:
        results["zenml"] = measure(Reference, None, bodies, args.seconds, args.connections, args.workers)
    out = ROOT / "Benchmarks" / "lists" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))

    print(f"\n{'route':32} {'server':15} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'stmts/req':>9} {'vs zenml':>9}")
    for label in results["enclave"]["routes"]:
        reference = results.get("zenml", {}).get("routes", {}).get(label)
        for name in ("enclave", "enclave_before", "zenml"):
            if name not in results:
                continue
            figures = results[name]["routes"][label]
            ratio = f"{figures['requests_per_s'] / reference['requests_per_s']:8.1f}x" if reference else ""
            print(f"{label:32} {name:15} {figures['requests_per_s']:9.1f} {figures['p50_ms']:8.2f} {figures['p99_ms']:8.2f} "
                  f"{figures.get('statements_per_request', float('nan')):9.1f} {ratio:>9}")
    for name in ("enclave", "enclave_before", "zenml"):
        if name in results:
            print(f"{name}: RSS {results[name]['rss_before_kb'] / 1024:.1f} MiB before the load, {results[name]['rss_after_kb'] / 1024:.1f} MiB after")


if __name__ == "__main__":
    main()

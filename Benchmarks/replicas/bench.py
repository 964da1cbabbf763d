"""Scale-out: list and ingest throughput of Enclave as one SQLite process, and as 1 and 3
replicas on PostgreSQL + SeaweedFS (S3) behind nginx, next to the real ZenML 0.98.0 server
(SQLite) and the real `mlflow server` 3.17.2 on the same PostgreSQL, in one run.

Every deployment gets the same work through its API:

  ZenML  ingest  pipelines, snapshots, runs, steps and artifact versions written by 8 clients
                 at once with the bodies the real client sent (Benchmarks/lists) — runs/s
         list    wrk on GET /api/v1/runs?size=20&hydrate=True and GET /api/v1/pipelines?size=20
  MLflow ingest  runs created with params and metrics by 8 clients at once — runs/s; wrk on
                 log-batch with 1,000 metrics a request — metrics/s
         list    wrk on runs/search with a metric and a param filter over those runs

The services come from Tests/Services/with-services.sh (Benchmarks/replicas/run.sh starts
them); each deployment gets a database and an S3 prefix of its own. Prints a table with
ratios and writes Benchmarks/replicas/results/latest.json.
"""
import argparse
import concurrent.futures
import importlib.util
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Benchmarks" / "zenml"))  # `bench` is the ZenML benchmark, as Benchmarks/lists imports it
sys.path.insert(0, str(ROOT / "Tests" / "Services"))
from balancer import start_balancer, stop_balancer  # noqa: E402
from bench import ADMIN_PASSWORD, Reference, free_port  # noqa: E402


def sibling(name: str):
    """Another benchmark's module (each is a `bench.py`, so they load under their folder's name)."""
    spec = importlib.util.spec_from_file_location(f"{name}_bench", ROOT / "Benchmarks" / name / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lists = sibling("lists")  # the recorded bodies, the writes of a run, wrk on a list route
tracking = sibling("mlflow")  # the memory of a process tree
MLFLOW_SCRIPTS = ROOT / "Benchmarks" / "mlflow"


def psql(database: str, sql: str) -> None:
    url = os.environ["ENCLAVE_TEST_DATABASE_URL"]
    user, host, port = re.match(r"postgresql://([^@]+)@([^:/]+):(\d+)/", url).groups()
    binary = shutil.which("psql") or sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"))[-1]
    subprocess.run([str(binary), "-h", host, "-p", port, "-U", user, "-d", database, "-qc", sql], check=True, capture_output=True,
                   env={**os.environ, "PGPASSWORD": Path(os.environ["ENCLAVE_TEST_DATABASE_PASSWORD_FILE"]).read_text()}, timeout=60)


def fresh_database(label: str) -> str:
    """A new database on the services' cluster; returns its URL."""
    name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
    psql("postgres", f"CREATE DATABASE {name}")
    return os.environ["ENCLAVE_TEST_DATABASE_URL"].rsplit("/", 1)[0] + "/" + name


class Deployment:
    """Processes serving one URL; `pids` are measured for RSS."""

    def __init__(self, name: str, workdir: Path):
        self.name, self.workdir, self.processes, self.url, self.balancer = name, workdir, [], None, None
        workdir.mkdir(parents=True)

    @property
    def pids(self):
        return [process.pid for process in self.processes]

    def spawn(self, command, env=None) -> int:
        """Starts `command` (a list `--port` is added to, or a function of the port) and waits for /health."""
        port = free_port()
        log = open(self.workdir / f"{self.name}-{len(self.processes)}.log", "ab")
        arguments = command(port) if callable(command) else [*command, "--port", str(port)]
        self.processes.append(subprocess.Popen(arguments, env=env or dict(os.environ), stdout=log, stderr=log, start_new_session=True))
        wait_healthy(f"http://127.0.0.1:{port}", self.processes[-1])
        return port

    def stop(self):
        if self.balancer:
            stop_balancer(self.balancer)
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(60)
                except subprocess.TimeoutExpired:
                    process.kill()


def wait_healthy(url: str, process, seconds: int = 180):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited")
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not become healthy")


def enclave(binary: str, workdir: Path, replicas: int | None) -> Deployment:
    """Enclave on SQLite (`replicas` None) or `replicas` processes on PostgreSQL + S3 behind nginx."""
    name = "enclave-sqlite" if replicas is None else f"enclave-pg-{replicas}"
    deployment = Deployment(name, workdir / name)
    if replicas is None:
        port = deployment.spawn([binary, "serve", "--data-dir", str(deployment.workdir / "data")])
        deployment.url = f"http://127.0.0.1:{port}"
        return deployment
    env = {**os.environ, "ENCLAVE_S3_ENDPOINT": os.environ["ENCLAVE_TEST_S3_ENDPOINT"], "AWS_ACCESS_KEY_ID": os.environ["ENCLAVE_TEST_S3_ACCESS_KEY"],
           "AWS_SECRET_ACCESS_KEY": os.environ["ENCLAVE_TEST_S3_SECRET_KEY"], "AWS_REGION": "us-east-1",
           "ENCLAVE_SECRETS_KEYRING": str(deployment.workdir / "keyring.json")}
    shared = ["--database-url", fresh_database(name.replace("-", "_")), "--database-password-file", os.environ["ENCLAVE_TEST_DATABASE_PASSWORD_FILE"],
              "--artifact-store", f"s3://{os.environ['ENCLAVE_TEST_S3_BUCKET']}/bench-{uuid.uuid4().hex[:8]}"]
    ports = [deployment.spawn([binary, "serve", "--data-dir", str(deployment.workdir / f"replica-{index}"), *shared], env=env)
             for index in range(replicas)]
    listen = free_port()
    deployment.balancer = start_balancer(deployment.workdir / "nginx", listen, ports, workers=2, keepalive=64)
    deployment.url = f"http://127.0.0.1:{listen}"
    return deployment


def zenml_reference(workdir: Path) -> Deployment:
    deployment = Deployment("zenml-sqlite", workdir / "zenml-sqlite")
    server = Reference("zenml", deployment.workdir)
    server.start()
    deployment.processes.append(server.process)
    deployment.url = server.url
    return deployment


def mlflow_reference(workdir: Path, mlflow_python: str) -> Deployment:
    deployment = Deployment("mlflow-pg", workdir / "mlflow-pg")
    url = fresh_database("mlflow")
    password = Path(os.environ["ENCLAVE_TEST_DATABASE_PASSWORD_FILE"]).read_text().strip()
    user, rest = url.removeprefix("postgresql://").split("@", 1)
    store = f"postgresql+psycopg2://{user}:{password}@{rest}"
    mlflow = str(Path(mlflow_python).parent / "mlflow")
    port = deployment.spawn(lambda port: [mlflow, "server", "--host", "127.0.0.1", "--port", str(port), "--backend-store-uri", store,
                                          "--serve-artifacts", "--artifacts-destination", str(deployment.workdir / "artifacts")])
    deployment.url = f"http://127.0.0.1:{port}"
    return deployment


def zenml_token(url: str) -> str:
    requests.put(f"{url}/api/v1/activate", json={"admin_username": "admin", "admin_password": ADMIN_PASSWORD}, timeout=120).raise_for_status()
    return requests.post(f"{url}/api/v1/login", data={"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD},
                         timeout=120).json()["access_token"]


def zenml_work(deployment: Deployment, token: str, bodies, seconds: int, connections: int) -> dict:
    started = time.perf_counter()
    project, _ = lists.populate(deployment.url, token, bodies, workers=8)
    elapsed = time.perf_counter() - started
    result = {"ingest_runs_per_s": lists.PIPELINES * lists.RUNS_PER_PIPELINE / elapsed, "routes": {}}
    for label, path in {"GET /runs?size=20&hydrate=True": f"/api/v1/runs?size=20&hydrate=True&project={project}",
                        "GET /pipelines?size=20": f"/api/v1/pipelines?size=20&project={project}"}.items():
        check = requests.get(f"{deployment.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=60)
        assert check.status_code == 200 and check.json()["items"], (label, check.status_code, check.text[:300])
        result["routes"][label] = lists.wrk(f"{deployment.url}{path}", token, seconds, connections)
        print(f"  {deployment.name:15} {label:34} {result['routes'][label]['requests_per_s']:9.1f} req/s", flush=True)
    return result


def mlflow_work(deployment: Deployment, auth: str, runs: int, seconds: int, connections: int) -> dict:
    api = f"{deployment.url}/api/2.0/mlflow"
    headers = {"Authorization": auth} if auth else {}
    experiment = requests.post(f"{api}/experiments/create", json={"name": f"bench-{uuid.uuid4().hex[:6]}"}, headers=headers,
                               timeout=60).json()["experiment_id"]
    rng = random.Random(7)

    def one(index):
        session = requests.Session()
        session.headers.update(headers)
        run = session.post(f"{api}/runs/create", json={"experiment_id": experiment, "start_time": 1800000000000 + index},
                           timeout=60).json()["run"]["info"]["run_id"]
        body = {"run_id": run, "params": [{"key": "model", "value": rng.choice(["cnn", "rnn", "mlp", "gbm"])}],
                "metrics": [{"key": "acc", "value": rng.random(), "timestamp": 1800000000000, "step": 0},
                            {"key": "loss", "value": rng.random(), "timestamp": 1800000000000, "step": 0}]}
        answer = session.post(f"{api}/runs/log-batch", json=body, timeout=60)
        answer.raise_for_status()
        return run

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        made = list(pool.map(one, range(runs)))
    result = {"ingest_runs_per_s": runs / (time.perf_counter() - started), "routes": {}}
    env = {**os.environ, "BENCH_RUN_ID": made[-1], "BENCH_EXPERIMENT_ID": experiment, "BENCH_AUTH": auth}
    for label, script in (("POST runs/search (filtered)", "search.lua"), ("POST runs/log-batch (1,000 metrics)", "log_batch.lua")):
        done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", "-s", str(MLFLOW_SCRIPTS / script),
                               deployment.url], env=env, capture_output=True, text=True, timeout=seconds + 120, check=True).stdout
        figures = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", done).group(1))}
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done)
        figures["non_2xx"] = int(errors.group(1)) if errors else 0
        if "log-batch" in label:
            figures["metrics_per_s"] = figures["requests_per_s"] * 1000
        result["routes"][label] = figures
        print(f"  {deployment.name:15} {label:34} {figures['requests_per_s']:9.1f} req/s  non-2xx {figures['non_2xx']}", flush=True)
    return result


def memory(deployment: Deployment) -> float:
    return round(sum(tracking.tree_rss_mib(pid) for pid in deployment.pids), 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enclave", required=True)
    parser.add_argument("--mlflow-python", default=str(ROOT / ".venv-mlflow" / "bin" / "python"))
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--pipelines", type=int, default=40, help="ZenML pipelines written (10 runs each)")
    parser.add_argument("--mlflow-runs", type=int, default=1000)
    parser.add_argument("--skip-reference", action="store_true")
    args = parser.parse_args()
    missing = [name for name in ("ENCLAVE_TEST_DATABASE_URL", "ENCLAVE_TEST_S3_ENDPOINT") if not os.environ.get(name)]
    if missing:
        sys.exit(f"run through Benchmarks/replicas/run.sh (it starts PostgreSQL and SeaweedFS): {', '.join(missing)} unset")
    lists.PIPELINES = args.pipelines
    bodies = lists.recorded_bodies()
    binary = str(Path(args.enclave).resolve())
    workdir = Path(tempfile.mkdtemp(prefix="bench-replicas-", dir=os.environ.get("BENCH_DIR", "/var/tmp")))
    results = {"machine": {"cpus": os.cpu_count(), "kernel": os.uname().release}, "when": time.strftime("%Y-%m-%d %H:%M:%S"),
               "seconds": args.seconds, "connections": args.connections,
               "data": {"zenml_runs": args.pipelines * lists.RUNS_PER_PIPELINE, "mlflow_runs": args.mlflow_runs}, "deployments": {}}
    plans = [("enclave-sqlite", lambda: enclave(binary, workdir, None), "both"),
             ("enclave-pg-1", lambda: enclave(binary, workdir, 1), "both"),
             ("enclave-pg-3", lambda: enclave(binary, workdir, 3), "both")]
    if not args.skip_reference:
        plans += [("zenml-sqlite", lambda: zenml_reference(workdir), "zenml"),
                  ("mlflow-pg", lambda: mlflow_reference(workdir, args.mlflow_python), "mlflow")]
    for name, start, kinds in plans:
        print(f"{name}:", flush=True)
        deployment = start()
        try:
            entry = {}
            if kinds in ("both", "zenml"):
                token = zenml_token(deployment.url)
                entry["zenml"] = zenml_work(deployment, token, bodies, args.seconds, args.connections)
            if kinds in ("both", "mlflow"):
                auth = f"Bearer {token}" if kinds == "both" else ""
                entry["mlflow"] = mlflow_work(deployment, auth, args.mlflow_runs, args.seconds, args.connections)
            entry["rss_mib"] = memory(deployment)
            results["deployments"][name] = entry
        finally:
            deployment.stop()
    shutil.rmtree(workdir, ignore_errors=True)
    out = ROOT / "Benchmarks" / "replicas" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    report(results)


def ratio(figure: float, base: float | None, width: int, digits: int) -> str:
    """`figure / base` as "N.Nx", "n/a" when the base did nothing, "" when there is none."""
    if base is None:
        return ""
    return f"{figure / base:{width}.{digits}f}x" if base > 0 else "n/a"


def report(results):
    deployments = results["deployments"]
    print(f"\n{'workload':44} {'deployment':15} {'per s':>10} {'vs reference':>13} {'vs pg-1':>8}")
    for kind, reference in (("zenml", "zenml-sqlite"), ("mlflow", "mlflow-pg")):
        rows = [("ingest runs", lambda e: e["ingest_runs_per_s"])]
        labels = next((list(e[kind]["routes"]) for e in deployments.values() if kind in e), [])
        rows += [(label, lambda e, label=label: e["routes"][label].get("metrics_per_s", e["routes"][label]["requests_per_s"])) for label in labels]
        for label, value in rows:
            base = deployments.get(reference, {}).get(kind)
            single = deployments.get("enclave-pg-1", {}).get(kind)
            for name, entry in deployments.items():
                if kind not in entry:
                    continue
                figure = value(entry[kind])
                versus = ratio(figure, value(base) if base and name != reference else None, 12, 1)
                scale = ratio(figure, value(single) if single and name == "enclave-pg-3" else None, 7, 2)
                print(f"{kind + ' ' + label:44} {name:15} {figure:10.1f} {versus:>13} {scale:>8}")
    for name, entry in deployments.items():
        print(f"{name}: RSS {entry['rss_mib']} MiB (every process of the deployment, nginx and PostgreSQL aside)")


if __name__ == "__main__":
    main()

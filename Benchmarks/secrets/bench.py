"""Enclave's secret store next to the real zenml[server]==0.98.0's SQL secret store, in one run.

Both servers start on fresh data folders (ZenML with ZENML_SECRETS_STORE_ENCRYPTION_KEY set,
so its values are encrypted too — without it ZenML stores them in the clear), are activated,
and get the same requests over loopback with keep-alive: secrets created per second and
values read by id per second, from one client and from four in parallel. Then, on Enclave
only, the time of `enclave secrets rotate-key` over ROTATE secrets (two values each) while
the server runs: ZenML has no online key rotation (its key is one environment variable;
changing it means exporting and re-importing every secret through `secrets_operations`).
Prints a table and writes Benchmarks/secrets/results/latest.json.
"""
import argparse
import concurrent.futures
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "zenml"))
from bench import ADMIN_PASSWORD, Enclave, Reference  # noqa: E402

HERE = Path(__file__).resolve().parent


class EncryptedReference(Reference):
    def env(self):
        env = super().env()
        env["ZENML_SECRETS_STORE_TYPE"] = "sql"
        env["ZENML_SECRETS_STORE_ENCRYPTION_KEY"] = "0123456789abcdef" * 2
        return env


def session_for(server):
    session = requests.Session()
    answer = session.post(f"{server.url}/api/v1/login", data={"username": "admin", "password": ADMIN_PASSWORD}, timeout=60)
    session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return session


def rate(work, count, threads):
    """Runs work(i) for i < count on `threads` threads; returns operations per second."""
    started = time.perf_counter()
    if threads == 1:
        for index in range(count):
            work(index)
    else:
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            list(pool.map(work, range(count)))
    return count / (time.perf_counter() - started)


def measure(server_class, count, prefix):
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-secrets-{server_class.__name__.lower()}-"))
    server = server_class(server_class.__name__.lower(), workdir)
    server.start()
    requests.put(f"{server.url}/api/v1/activate", json={"admin_username": "admin", "admin_password": ADMIN_PASSWORD}, timeout=60).raise_for_status()
    sessions = [session_for(server) for _ in range(4)]
    ids = {}

    def create(tag):
        def work(index):
            answer = sessions[index % 4].post(f"{server.url}/api/v1/secrets", timeout=60,
                                              json={"name": f"{prefix}-{tag}-{index}", "values": {"user": f"u{index}", "password": "p" * 24}})
            assert answer.status_code == 200, answer.text[:300]
            ids[(tag, index)] = answer.json()["id"]
        return work

    def read(tag):
        def work(index):
            answer = sessions[index % 4].get(f"{server.url}/api/v1/secrets/{ids[(tag, index)]}", timeout=60)
            assert answer.status_code == 200 and answer.json()["body"]["values"]["user"] == f"u{index}", answer.text[:300]
        return work

    result = {
        "create_per_s_1_client": rate(create("a"), count, 1),
        "create_per_s_4_clients": rate(create("b"), count, 4),
        "read_per_s_1_client": rate(read("a"), count, 1),
        "read_per_s_4_clients": rate(read("b"), count, 4),
    }
    return server, workdir, result


def rotation(server, workdir, binary, total):
    """Fills Enclave up to `total` secrets through the API, then times rotate-key while it serves."""
    sessions = [session_for(server) for _ in range(4)]

    def work(index):
        sessions[index % 4].post(f"{server.url}/api/v1/secrets", timeout=60,
                                 json={"name": f"rot-{index}", "values": {"user": f"u{index}", "password": "p" * 24}}).raise_for_status()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(work, range(total)))
    started = time.perf_counter()
    done = subprocess.run([binary, "secrets", "rotate-key", "--data-dir", str(workdir / "data")], capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    verify = subprocess.run([binary, "secrets", "verify", "--data-dir", str(workdir / "data")], capture_output=True, text=True, timeout=3600)
    assert verify.returncode == 0, verify.stderr
    return {"secrets": total, "rotate_key_s": seconds, "rotate_output": done.stdout.strip(), "verify": verify.stdout.strip()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enclave", required=True)
    parser.add_argument("--count", type=int, default=500, help="secrets created and read per measurement")
    parser.add_argument("--rotate", type=int, default=100_000, help="secrets in the rotation measurement")
    args = parser.parse_args()
    Enclave.binary = str(Path(args.enclave).resolve())

    reference, _, zenml = measure(EncryptedReference, args.count, "z")
    reference.stop()
    enclave_server, workdir, enclave = measure(Enclave, args.count, "e")
    try:
        enclave["rotation"] = rotation(enclave_server, workdir, Enclave.binary, args.rotate)
    finally:
        enclave_server.stop()

    print(f"{'metric':34} {'Enclave':>12} {'zenml server':>13} {'Enclave / zenml':>16}")
    for key in ["create_per_s_1_client", "create_per_s_4_clients", "read_per_s_1_client", "read_per_s_4_clients"]:
        print(f"{key:34} {enclave[key]:12.0f} {zenml[key]:13.0f} {enclave[key] / zenml[key]:15.1f}x")
    rot = enclave["rotation"]
    print(f"rotate-key over {rot['secrets']} secrets ({2 * rot['secrets']} values), online: {rot['rotate_key_s']:.1f} s")
    print(f"  {rot['rotate_output']}\n  {rot['verify']}")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps({"enclave": enclave, "zenml": zenml, "count": args.count}, indent=2))


if __name__ == "__main__":
    main()

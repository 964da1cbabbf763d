"""Request latency with the per-request log line on and off, and with stderr stalled.

Three servers from the same binary, one after the other, each answering the same
sequence of authenticated GETs over one keep-alive connection:
- `off`: log_level=warning, no request lines;
- `file`: log_level=info, stderr to a file (the usual case);
- `stalled`: log_level=info, stderr a pipe nobody reads (a wedged journald or terminal).
Reports p50/p99 per configuration, their ratios to `off`, and the dropped-line count
from /metrics. Writes results/latest.json.

    python3 Benchmarks/logging/bench.py --enclave .build/release/enclave [--requests 20000]
"""
import argparse
import http.client
import json
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

PASSWORD = "Bench-Passw0rd!"


def start(binary, data, level, stderr):
    env = dict(os.environ, ENCLAVE_LOG_LEVEL=level, ENCLAVE_BCRYPT_COST="4")
    process = subprocess.Popen([binary, "serve", "--port", "0", "--data-dir", data], stdout=subprocess.PIPE, stderr=stderr, text=True, env=env)
    for line in process.stdout:
        match = re.search(r"listening on http://127.0.0.1:(\d+)", line)
        if match:
            return process, int(match.group(1))
    raise SystemExit("server did not start")


def call(connection, method, path, body=None, headers=None):
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.read()


def measure(binary, level, stderr_kind, requests):
    with tempfile.TemporaryDirectory() as folder:
        if stderr_kind == "stalled":
            read_end, write_end = os.pipe()
            stderr = write_end
        else:
            stderr = open(Path(folder) / "stderr.log", "wb")
        process, port = start(binary, str(Path(folder) / "data"), level, stderr)
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port)
            call(connection, "PUT", "/api/v1/activate", json.dumps({"admin_username": "admin", "admin_password": PASSWORD}),
                 {"Content-Type": "application/json"})
            _, body = call(connection, "POST", "/api/v1/login", f"username=admin&password={PASSWORD}",
                           {"Content-Type": "application/x-www-form-urlencoded"})
            auth = {"Authorization": "Bearer " + json.loads(body)["access_token"]}
            for _ in range(500):
                call(connection, "GET", "/api/v1/current-user", headers=auth)
            samples = []
            for _ in range(requests):
                begin = time.perf_counter()
                status, _ = call(connection, "GET", "/api/v1/current-user", headers=auth)
                samples.append(time.perf_counter() - begin)
                assert status == 200
            _, metrics = call(connection, "GET", "/metrics")
            dropped = re.search(rb"\nenclave_log_dropped_lines_total (\S+)", metrics)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            if stderr_kind == "stalled":
                os.close(read_end)
                os.close(write_end)
        samples.sort()
        return {"p50_ms": round(samples[len(samples) // 2] * 1000, 3), "p99_ms": round(samples[int(len(samples) * 0.99)] * 1000, 3),
                "dropped_lines": float(dropped.group(1)) if dropped else None}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enclave", required=True)
    parser.add_argument("--requests", type=int, default=20000)
    args = parser.parse_args()
    results = {name: measure(args.enclave, level, kind, args.requests)
               for name, level, kind in (("off", "warning", "file"), ("file", "info", "file"), ("stalled", "info", "stalled"))}
    for name in ("file", "stalled"):
        results[name]["p50_ratio_to_off"] = round(results[name]["p50_ms"] / results["off"]["p50_ms"], 3)
        results[name]["p99_ratio_to_off"] = round(results[name]["p99_ms"] / results["off"]["p99_ms"], 3)
    results["requests"] = args.requests
    out = Path(__file__).resolve().parent / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

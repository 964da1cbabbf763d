"""nginx as the load balancer in front of several `enclave serve` replicas, as a throwaway
process on loopback: for the replica test (Tests/Integration/test_replicas.py) and the
replica benchmark (Benchmarks/replicas/bench.py)."""
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import requests


def nginx_config(folder: Path, listen: int, replicas: list[int], workers: int = 1, keepalive: int = 16) -> Path:
    """A balancer in front of `replicas`: round robin, a replica that refuses a connection is
    skipped for two seconds, and a request it never received goes to the next one."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    upstreams = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in replicas)
    config = folder / "nginx.conf"
    # As root, workers would drop to `nobody`, who cannot reach private temporary folders.
    user = "user root;" if os.geteuid() == 0 else ""
    config.write_text(f"""
{user}
worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    client_max_body_size 0;
    upstream enclave {{
{upstreams}
        keepalive {keepalive};
    }}
    server {{
        listen 127.0.0.1:{listen};
        location / {{
            proxy_pass http://enclave;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_next_upstream error timeout;
            proxy_read_timeout 120s;
        }}
    }}
}}
""")
    return config


def start_balancer(folder: Path, listen: int, replicas: list[int], **options) -> subprocess.Popen:
    """nginx in front of `replicas`, answering `/health` through them when this returns."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        raise RuntimeError("nginx is not installed (make test-deps installs it)")
    process = subprocess.Popen([nginx, "-c", str(nginx_config(folder, listen, replicas, **options)), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{listen}/health", timeout=5).text == "ok":
                return process
        except requests.ConnectionError:
            time.sleep(0.2)
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {process.stderr.read().decode()}")
    process.kill()
    raise RuntimeError("nginx did not answer /health within 30 s")


def stop_balancer(process: subprocess.Popen) -> None:
    """Lets nginx finish its requests and exit."""
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)
        process.wait(timeout=30)

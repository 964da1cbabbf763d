"""`enclave agent` against a real server: it registers over its outbound link with a
service-account key whose role is `agent`, shows up for admins with its version, capacity
and heartbeat, keeps its registration across a server killed and started again, passes
through a real HTTP proxy (Debian's tinyproxy), and stops when an admin revokes it. The
agent's key opens nothing else: not the ZenML API (nor the real zenml client's login), not
MLflow's, not the dashboard."""
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import (ADMIN_PASSWORD, EnclaveServer, activate, client_env, create_service_account, enclave_binary, free_port,
                      run_client)


def admin_token(url):
    return requests.post(f"{url}/api/v1/login", data={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["access_token"]


def agent_account(url, tmp_path, name="gpu-agent"):
    """A service account with the role `agent` and its API key in a mode-600 file."""
    key = create_service_account(url, tmp_path / f"{name}-admin", name)
    headers = {"Authorization": f"Bearer {admin_token(url)}"}
    account = requests.get(f"{url}/api/v1/service_accounts/{name}", headers=headers, timeout=30).json()["id"]
    changed = requests.put(f"{url}/api/v1/service_accounts/{account}", headers=headers, json={"role": "agent"}, timeout=30)
    assert changed.status_code == 200, changed.text
    key_file = tmp_path / f"{name}.key"
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)
    return key, key_file


def agents(url):
    answer = requests.get(f"{url}/api/enclave/agents", headers={"Authorization": f"Bearer {admin_token(url)}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return {agent["name"]: agent for agent in answer.json()["items"]}


def start_agent(url, key_file, log, name="gpu-1", env=None):
    return subprocess.Popen([enclave_binary(), "agent", "--server", url, "--key-file", str(key_file), "--name", name, "--capacity", "2"],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})


def wait_for(condition, timeout=30, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def tinyproxy(tmp_path):
    """Debian's tinyproxy on a loopback port: a plain HTTP forward proxy that logs each request."""
    binary = shutil.which("tinyproxy") or "/usr/bin/tinyproxy"
    assert os.path.exists(binary), "tinyproxy is missing: make test-deps installs it"
    port, log = free_port(), tmp_path / "tinyproxy.log"
    config = tmp_path / "tinyproxy.conf"
    config.write_text(f"Port {port}\nListen 127.0.0.1\nTimeout 120\nLogFile \"{log}\"\nLogLevel Connect\nMaxClients 20\n"
                      "Allow 127.0.0.1\nDisableViaHeader Yes\n")
    process = subprocess.Popen([binary, "-d", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: subprocess.run(["bash", "-c", f"exec 3<>/dev/tcp/127.0.0.1/{port}"], capture_output=True).returncode == 0,
             what="tinyproxy to listen")
    yield f"http://127.0.0.1:{port}", log
    process.terminate()
    process.wait(timeout=10)


def test_an_agent_registers_through_a_proxy_survives_a_server_restart_and_stops_when_revoked(tmp_path, tinyproxy):
    port = free_port()
    data = tmp_path / "data"
    server = EnclaveServer(data, "--port", str(port), env={"ENCLAVE_AGENT_HEARTBEAT_SECONDS": "1"}).start()
    agent = None
    try:
        url = server.url
        activate(url)
        _, key_file = agent_account(url, tmp_path)
        proxy, proxy_log = tinyproxy
        log = open(tmp_path / "agent.log", "w+b")
        agent = start_agent(url, key_file, log, env={"http_proxy": proxy, "no_proxy": ""})

        listed = wait_for(lambda: agents(url).get("gpu-1"), what="the agent to register")
        version = subprocess.run([enclave_binary(), "version"], capture_output=True, text=True).stdout.split()[1]
        assert listed["state"] == "online" and listed["capacity"] == 2 and listed["version"] == version, listed
        first_beat = listed["last_heartbeat"]
        wait_for(lambda: agents(url)["gpu-1"]["last_heartbeat"] > first_beat, what="a heartbeat")
        # The link went through the proxy (a CONNECT tunnel, as for HTTPS).
        assert f"CONNECT 127.0.0.1:{port}" in proxy_log.read_text(errors="replace"), proxy_log.read_text(errors="replace")[-2000:]

        # The server dies and comes back on the same port: the agent takes up its registration again.
        server.stop(signal.SIGKILL)
        time.sleep(7)  # longer than a heartbeat waits for an answer
        assert agent.poll() is None, "the agent must keep trying while the server is away"
        server = EnclaveServer(data, "--port", str(port), env={"ENCLAVE_AGENT_HEARTBEAT_SECONDS": "1"}).start()
        before = agents(url)["gpu-1"]["last_heartbeat"]
        wait_for(lambda: agents(url)["gpu-1"]["last_heartbeat"] > before, timeout=40, what="heartbeats after the restart")
        assert len(agents(url)) == 1

        # The admins' agents page shows it; its Revoke form (CSRF-checked) revokes it. The agent
        # stops with the server's reason and may not come back.
        from test_dashboard import signed_in
        admin = signed_in(url, "admin", ADMIN_PASSWORD)
        page = admin.get(f"{url}/admin/agents", timeout=30).text
        assert "gpu-1" in page and "online" in page and f"{version}" in page and "0 of 2" in page, page[-3000:]
        forged = admin.post(f"{url}/admin/agents/{listed['id']}/revoke", data={"csrf": "forged"}, allow_redirects=False, timeout=30)
        assert forged.status_code == 403 and agents(url)["gpu-1"]["state"] == "online"
        csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        done = admin.post(f"{url}/admin/agents/{listed['id']}/revoke", data={"csrf": csrf}, allow_redirects=False, timeout=30)
        assert done.status_code == 303, done.text
        assert agent.wait(timeout=30) == 1
        log.seek(0)
        output = log.read().decode(errors="replace")
        assert "registered as 'gpu-1'" in output and "lost the server" in output and "the server is back" in output, output
        assert "revoked" in output.splitlines()[-1], output
        assert agents(url)["gpu-1"]["state"] == "revoked"
        again = start_agent(url, key_file, subprocess.PIPE)
        assert again.wait(timeout=30) == 1 and b"revoked" in again.stdout.read()
    finally:
        if agent and agent.poll() is None:
            agent.kill()
        server.stop()


def test_the_agent_key_opens_nothing_but_agent_work(server, tmp_path):
    url = server.url
    activate(url)
    key, key_file = agent_account(url, tmp_path)
    # ZenML: the key still logs in (a token for agent work), but every API call is refused.
    token = requests.post(f"{url}/api/v1/login", data={"grant_type": "zenml-api-key", "password": key}, timeout=30).json()["access_token"]
    for path in ("/api/v1/pipelines", "/api/v1/current-user", "/api/v1/secrets"):
        answer = requests.get(url + path, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert answer.status_code == 403 and "agent" in str(answer.json()["detail"]), (path, answer.text)
    # The real zenml client cannot use it, and says so in its own words.
    output = run_client(["zenml", "login", url, "--api-key"], client_env(tmp_path / "zenml"), stdin=key + "\n", check=False)
    assert "do not have sufficient permissions" in output, output
    # MLflow, in MLflow's error format.
    answer = requests.get(f"{url}/api/2.0/mlflow/experiments/search", params={"max_results": 10},
                          headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert answer.status_code == 403 and answer.json()["error_code"] == "PERMISSION_DENIED", answer.text
    # The dashboard: no session for it.
    page = requests.Session()
    login = page.get(f"{url}/login", timeout=30).text
    csrf = login.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    page.post(f"{url}/login", data={"username": "gpu-agent", "password": key, "csrf": csrf}, timeout=30)
    assert page.get(f"{url}/pipelines", allow_redirects=False, timeout=30).status_code == 303
    # An admin's list is not for it either.
    assert requests.get(f"{url}/api/enclave/agents", headers={"Authorization": f"Bearer {key}"}, timeout=30).status_code == 403


def test_the_agent_refuses_a_key_others_can_read_and_a_missing_key(tmp_path):
    key_file = tmp_path / "open.key"
    key_file.write_text("ZENKEY_abc\n")
    key_file.chmod(0o644)
    env = {k: v for k, v in os.environ.items() if k != "ENCLAVE_AGENT_KEY"}
    done = subprocess.run([enclave_binary(), "agent", "--server", "http://127.0.0.1:1", "--key-file", str(key_file)],
                          capture_output=True, text=True, timeout=30, env=env)
    assert done.returncode == 1 and "chmod 600" in done.stderr, done.stderr
    done = subprocess.run([enclave_binary(), "agent", "--server", "http://127.0.0.1:1"], capture_output=True, text=True, timeout=30, env=env)
    assert done.returncode == 1 and "--key-file" in done.stderr, done.stderr
    done = subprocess.run([enclave_binary(), "agent", "--server", "ftp://x"], capture_output=True, text=True, timeout=30,
                          env={**env, "ENCLAVE_AGENT_KEY": "k"})
    assert done.returncode == 1 and "http" in done.stderr, done.stderr

"""The `enclave` process itself: CLI contract, shutdown, durability, TLS."""
import os
import re
import signal
import subprocess
import threading
import time

import pytest
import requests

from conftest import ADMIN_PASSWORD, EnclaveServer, activate, enclave_binary


def cli(*args, stdin=None, env=None):
    return subprocess.run([enclave_binary(), *args], input=stdin, capture_output=True, text=True, timeout=60, env=env)


def login(url, name="admin", password=ADMIN_PASSWORD, **kwargs):
    response = requests.post(f"{url}/api/v1/login", data={"grant_type": "password", "username": name, "password": password}, timeout=30, **kwargs)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_every_command_has_help_and_a_version():
    for command in ([], ["serve"], ["version"], ["admin"], ["admin", "create"]):
        done = cli(*command, "--help")
        assert done.returncode == 0 and "USAGE" in done.stdout.upper(), done
    assert cli("version").stdout.startswith("enclave ")


def test_bad_arguments_fail_with_a_message(tmp_path):
    for args in (["serve", "--port", "99999"], ["serve", "--no-such-flag"], ["serve", "--tls-cert", "/x.pem"],
                 ["serve", "--config", str(tmp_path / "missing.json")]):
        done = cli(*args, "--data-dir", str(tmp_path / "d"))
        assert done.returncode != 0, args
        assert done.stderr.strip(), args
    bad = tmp_path / "bad.json"
    bad.write_text('{"prot": 1}')
    done = cli("serve", "--config", str(bad))
    assert done.returncode != 0 and "unknown setting" in done.stderr


def test_admin_create_activates_and_needs_a_password(tmp_path):
    data = tmp_path / "data"
    assert cli("admin", "create", "--name", "root", "--data-dir", str(data), stdin="").returncode != 0
    done = cli("admin", "create", "--name", "root", "--data-dir", str(data), stdin="S3cure-Passw0rd\n")
    assert done.returncode == 0, done.stderr
    server = EnclaveServer(data).start()
    try:
        assert requests.get(f"{server.url}/api/v1/info", timeout=10).json()["active"] is True
        assert "setup token" not in "".join(server.output)
        login(server.url, "root", "S3cure-Passw0rd")
        response = requests.put(f"{server.url}/api/v1/activate", json={"admin_username": "x", "admin_password": "y1234567"}, timeout=10)
        assert response.status_code == 403
    finally:
        server.stop()


def test_environment_and_flags_choose_the_port(tmp_path):
    env = dict(os.environ, ENCLAVE_PORT="1", ENCLAVE_DATA_DIR=str(tmp_path / "env-data"))
    process = subprocess.Popen([enclave_binary(), "serve", "--port", "0"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines = [process.stdout.readline() for _ in range(4)]
        assert any("listening on http://127.0.0.1:" in line and not line.strip().endswith(":1") for line in lines), lines
        assert (tmp_path / "env-data" / "enclave.sqlite").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


def test_sigterm_finishes_in_flight_requests_and_exits_zero(server):
    activate(server.url)
    results = []

    def slow_login():  # bcrypt makes a password login take a noticeable time
        try:
            results.append(requests.post(f"{server.url}/api/v1/login", timeout=30,
                                         data={"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD}).status_code)
        except requests.RequestException as error:
            results.append(error)

    thread = threading.Thread(target=slow_login)
    thread.start()
    time.sleep(0.05)
    assert server.stop(signal.SIGTERM) == 0
    thread.join()
    assert results == [200]


def test_acknowledged_writes_survive_kill_9(tmp_path):
    data = tmp_path / "data"
    server = EnclaveServer(data).start()
    activate(server.url)
    headers = login(server.url)
    project = requests.get(f"{server.url}/api/v1/projects?name=default", headers=headers, timeout=10).json()["items"][0]["id"]
    names = [f"durable-{i}" for i in range(25)]
    for name in names:
        response = requests.post(f"{server.url}/api/v1/pipelines", json={"project": project, "name": name}, headers=headers, timeout=10)
        assert response.status_code == 200
    assert server.stop(signal.SIGKILL) == -signal.SIGKILL

    again = EnclaveServer(data).start()
    try:
        headers = login(again.url)
        listed = requests.get(f"{again.url}/api/v1/pipelines?size=100", headers=headers, timeout=10).json()
        assert sorted(item["name"] for item in listed["items"]) == sorted(names)
    finally:
        again.stop()


def test_tls_with_a_certificate_made_by_openssl(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    server = EnclaveServer(tmp_path / "data", "--tls-cert", str(cert), "--tls-key", str(key)).start()
    try:
        assert server.url.startswith("https://")
        assert requests.get(f"{server.url}/health", verify=str(cert), timeout=10).text == "ok"
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{server.url}/health", timeout=10)
        plain = server.url.replace("https://", "http://")
        with pytest.raises(requests.exceptions.RequestException):
            requests.get(f"{plain}/health", timeout=5)
        # Under TLS the dashboard's cookies are Secure as well as HttpOnly and SameSite=Strict.
        form = requests.get(f"{server.url}/login", verify=str(cert), timeout=10)
        cookie = form.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie, cookie
    finally:
        assert server.stop() == 0


def test_logs_never_carry_credentials(server, tmp_path):
    activate(server.url)
    headers = login(server.url)
    requests.post(f"{server.url}/api/v1/login", data={"grant_type": "password", "username": "admin", "password": "wrong-secret-xyz"}, timeout=30)
    server.stop()
    log = (tmp_path / "data-server.log").read_text()
    assert '"msg":"request"' in log
    for secret in (ADMIN_PASSWORD, "wrong-secret-xyz", headers["Authorization"].split()[1]):
        assert secret not in log


def test_a_stalled_stderr_never_stops_the_server(tmp_path):
    """Nobody reads the server's stderr (a wedged journald or terminal): the pipe fills
    after a few hundred request lines, and requests must go on being answered."""
    read_end, write_end = os.pipe()
    process = subprocess.Popen([enclave_binary(), "serve", "--port", "0", "--data-dir", str(tmp_path / "data")],
                               stdout=subprocess.PIPE, stderr=write_end, text=True, env=dict(os.environ, ENCLAVE_BCRYPT_COST="4"))
    try:
        url = None
        for line in process.stdout:
            if "listening on" in line:
                url = line.split("listening on ")[1].strip()
                break
        assert url
        session = requests.Session()
        for _ in range(3000):  # about 600 KB of request lines, ten times what the pipe holds
            assert session.get(f"{url}/api/v1/info", timeout=5).status_code == 200
        metrics = session.get(f"{url}/metrics", timeout=5).text
        assert "enclave_log_dropped_lines_total" in metrics
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(read_end)
        os.close(write_end)


def test_activation_through_a_proxy_needs_the_setup_token(tmp_path):
    """Behind a reverse proxy every peer is loopback; a forwarded request must not get
    the loopback shortcut, and still activates with the printed setup token."""
    server = EnclaveServer(tmp_path / "data").start()
    try:
        body = {"admin_username": "admin", "admin_password": ADMIN_PASSWORD}
        for header in ({"X-Forwarded-For": "203.0.113.7"}, {"Forwarded": "for=203.0.113.7;proto=https"},
                       {"X-Real-IP": "203.0.113.7"}, {"X-Forwarded-Host": "enclave.example"}):
            response = requests.put(f"{server.url}/api/v1/activate", json=body, headers=header, timeout=30)
            assert response.status_code == 403, (header, response.text)
            assert requests.get(f"{server.url}/api/v1/info", timeout=10).json()["active"] is False
        token = next(line.strip() for line in "".join(server.output).splitlines()[1:] if re.fullmatch(r"\s+[0-9a-f]{32}\s*", line))
        response = requests.put(f"{server.url}/api/v1/activate", json=body, timeout=30,
                                headers={"X-Forwarded-For": "203.0.113.7", "X-Enclave-Setup-Token": token})
        assert response.status_code == 200, response.text
    finally:
        server.stop()

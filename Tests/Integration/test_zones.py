"""Two network zones, as a segmented site has them: Enclave in a control-plane namespace, the
agent (and its pipelines' runners) in a compute namespace whose only link to the control
plane is the connection it opens to Enclave's port. nftables rules make it so, and probes
that must fail prove it: nothing in the control-plane zone reaches the compute zone, and the
compute zone reaches nothing else of the control plane. The real zenml client, outside both,
runs a pipeline from the server; the agent runs it; the server is killed and started again
mid-run; a second run is stopped. Where namespaces cannot be made the test fails, saying why.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import ADMIN_PASSWORD, activate, client_env, enclave_binary, run_client
from test_agent import admin_token, agent_account, wait_for

HERE = Path(__file__).resolve().parent
PORT, OTHER_PORT = 8443, 8444


def sh(*args, check=True, stdin=None):
    done = subprocess.run(list(args), capture_output=True, text=True, input=stdin)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)}: {done.stderr.strip()}")
    return done


class Zones:
    """Namespaces `cp` (control plane, 10.77.0.1 to the compute zone, 10.77.1.2 to this host)
    and `cz` (compute zone, 10.77.0.2), joined by veth pairs, with the rules in place."""

    def __init__(self):
        tag = str(os.getpid() % 100000)
        self.cp, self.cz = f"enc-cp-{tag}", f"enc-cz-{tag}"
        self.links = (f"ecz{tag}", f"ecp{tag}", f"eho{tag}", f"ehc{tag}")

    def make(self):
        link_cz, link_cp, link_host, link_host_cp = self.links
        sh("ip", "netns", "add", self.cp)
        sh("ip", "netns", "add", self.cz)
        sh("ip", "link", "add", link_cp, "type", "veth", "peer", "name", link_cz)
        sh("ip", "link", "set", link_cp, "netns", self.cp)
        sh("ip", "link", "set", link_cz, "netns", self.cz)
        sh("ip", "link", "add", link_host, "type", "veth", "peer", "name", link_host_cp)
        sh("ip", "link", "set", link_host_cp, "netns", self.cp)
        sh("ip", "-n", self.cp, "addr", "add", "10.77.0.1/30", "dev", link_cp)
        sh("ip", "-n", self.cz, "addr", "add", "10.77.0.2/30", "dev", link_cz)
        sh("ip", "-n", self.cp, "addr", "add", "10.77.1.2/30", "dev", link_host_cp)
        sh("ip", "addr", "add", "10.77.1.1/30", "dev", link_host)
        for namespace, link in ((self.cp, link_cp), (self.cp, link_host_cp), (self.cz, link_cz), (self.cp, "lo"), (self.cz, "lo")):
            sh("ip", "-n", namespace, "link", "set", link, "up")
        sh("ip", "link", "set", link_host, "up")
        # The control plane takes from the compute zone only new connections to Enclave's port;
        # the compute zone takes no new connection at all.
        sh("ip", "netns", "exec", self.cp, "nft", "-f", "-", stdin=f"""
            table inet zone {{
              chain input {{
                type filter hook input priority 0; policy accept;
                iifname "{link_cp}" ct state established,related accept
                iifname "{link_cp}" tcp dport {PORT} ct state new accept
                iifname "{link_cp}" drop
              }}
            }}
            """)
        sh("ip", "netns", "exec", self.cz, "nft", "-f", "-", stdin=f"""
            table inet zone {{
              chain input {{
                type filter hook input priority 0; policy accept;
                iifname "{link_cz}" ct state established,related accept
                iifname "{link_cz}" drop
              }}
            }}
            """)

    def run(self, namespace, *args, **kwargs):
        return subprocess.Popen(["ip", "netns", "exec", namespace, *args], **kwargs)

    def connects(self, namespace, host, port) -> bool:
        probe = ("import socket, sys\ns = socket.socket(); s.settimeout(2)\n"
                 "try:\n    s.connect((sys.argv[1], int(sys.argv[2]))); print('open')\nexcept OSError as e:\n    print('closed', e)")
        done = subprocess.run(["ip", "netns", "exec", namespace, sys.executable, "-c", probe, host, str(port)] if namespace else
                              [sys.executable, "-c", probe, host, str(port)], capture_output=True, text=True, timeout=30)
        return done.stdout.startswith("open")

    def close(self):
        for namespace in (self.cp, self.cz):
            for pid in sh("ip", "netns", "pids", namespace, check=False).stdout.split():
                subprocess.run(["kill", "-9", pid], check=False)
            sh("ip", "netns", "del", namespace, check=False)
        sh("ip", "link", "del", self.links[2], check=False)


@pytest.fixture
def zones():
    missing = [tool for tool in ("ip", "nft") if not shutil.which(tool)]
    if os.geteuid() != 0 or missing:
        pytest.fail(f"two network zones need root and iproute2 + nftables (make test-deps); missing: {missing or 'root'}")
    made = Zones()
    try:
        made.make()
    except AssertionError as error:
        made.close()
        pytest.fail(f"network namespaces are not available here: {error}")
    yield made
    made.close()


def start_server(zones, data: Path, log: Path):
    server = zones.run(zones.cp, enclave_binary(), "serve", "--host", "0.0.0.0", "--port", str(PORT), "--data-dir", str(data),
                       stdout=open(log, "ab"), stderr=subprocess.STDOUT, env={**os.environ, "ENCLAVE_AGENT_HEARTBEAT_SECONDS": "1"})
    wait_for(lambda: zones.connects(None, "10.77.1.2", PORT), timeout=30, what="Enclave in the control-plane zone")
    return server


def test_the_agent_in_the_compute_zone_runs_what_the_control_plane_triggers(zones, tmp_path):
    url = f"http://10.77.1.2:{PORT}"
    server = start_server(zones, tmp_path / "data", tmp_path / "server.log")
    # A listener on another port of the control plane, and one in the compute zone: neither may be reached.
    other = zones.run(zones.cp, sys.executable, "-m", "http.server", str(OTHER_PORT), "--bind", "0.0.0.0",
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    inside = zones.run(zones.cz, sys.executable, "-m", "http.server", str(OTHER_PORT), "--bind", "0.0.0.0",
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: zones.connects(zones.cp, "127.0.0.1", OTHER_PORT) and zones.connects(zones.cz, "127.0.0.1", OTHER_PORT),
                 timeout=30, what="the probe listeners")
        assert zones.connects(zones.cz, "10.77.0.1", PORT), "the compute zone must reach Enclave's port"
        assert not zones.connects(zones.cz, "10.77.0.1", OTHER_PORT), "the compute zone reached another control-plane port"
        assert not zones.connects(zones.cp, "10.77.0.2", OTHER_PORT), "the control plane reached into the compute zone"

        # This host is another host to the control plane's namespace: activation takes the setup token.
        lines = (tmp_path / "server.log").read_text().splitlines()
        token = lines[next(i for i, line in enumerate(lines) if "setup token" in line) + 1].strip()
        activate(url, headers={"X-Enclave-Setup-Token": token})
        env = client_env(tmp_path / "admin", ZENML_STORE_URL=url, ZENML_STORE_USERNAME="admin", ZENML_STORE_PASSWORD=ADMIN_PASSWORD)
        _, key_file = agent_account(url, tmp_path, "zone-agent")
        run_client(["zenml", "artifact-store", "register", "zone-store", "--flavor", "local", f"--path={tmp_path / 'zone-artifacts'}"], env)
        run_client(["zenml", "stack", "register", "zone", "-o", "default", "-a", "zone-store", "--set"], env)
        run_client(["python", "-c", "from zenml.client import Client; Client().update_stack('zone', labels={'enclave.agent': 'gpu'})"], env)
        run_client(["python", "triggered_pipeline.py", "nightly"], env)
        agent_log = tmp_path / "agent.log"
        agent = zones.run(zones.cz, enclave_binary(), "agent", "--server", f"http://10.77.0.1:{PORT}", "--key-file", str(key_file),
                          "--name", "gpu-1", "--pool", "gpu", "--python", sys.executable, "--source-root", str(HERE / "zenml"),
                          "--work-dir", str(tmp_path / "runs"), stdout=open(agent_log, "ab"), stderr=subprocess.STDOUT,
                          env={k: v for k, v in os.environ.items() if not k.startswith("ZENML_")})
        wait_for(lambda: "registered as" in agent_log.read_text(), timeout=30, what="the agent to register")

        def status(run_id):
            return requests.get(f"{url}/api/v1/runs/{run_id}", headers={"Authorization": f"Bearer {admin_token(url)}"},
                                timeout=30).json()["body"]["status"]

        def trigger(*args):
            output = run_client(["python", "trigger_snapshot.py", "nightly", *args], env)
            return next(line.split("=", 1)[1] for line in output.splitlines() if line.startswith("RUN_ID="))

        # A run triggered from outside both zones; the server dies and comes back mid-run.
        run_id = trigger("--pause", "10")
        wait_for(lambda: status(run_id) == "running", timeout=90, what="the run to start in the compute zone")
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        time.sleep(7)
        server = start_server(zones, tmp_path / "data", tmp_path / "server.log")
        wait_for(lambda: status(run_id) == "completed", timeout=90, what="the run to complete after the restart")
        assert "the server is back" in agent_log.read_text()

        # A second run is stopped from outside; the agent ends its runner.
        run_id = trigger("--pause", "120")
        wait_for(lambda: status(run_id) == "running", timeout=90, what="the second run to start")
        run_client(["zenml", "pipeline", "runs", "stop", run_id, "-y", "--graceful"], env)
        wait_for(lambda: status(run_id) == "stopped", timeout=30, what="the second run to stop")
        wait_for(lambda: f"run {run_id}: ended (stopped)" in agent_log.read_text(), timeout=30, what="the agent to end the runner")
        agent.kill()
    finally:
        for process in (other, inside, server):
            if process.poll() is None:
                process.kill()

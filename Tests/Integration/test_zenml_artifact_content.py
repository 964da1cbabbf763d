"""Artifact content read by the server (visualizations, step logs), as ZenML's control plane
reads it for its dashboard, from a local artifact store — only inside that store's root and
only under the directories the server's configuration allows. Both the store's path and the
URI come from clients: /etc/passwd, `../`, links out of the root, another store's files, the
data folder and the keyring all get a 4xx and no bytes."""
import base64
import json
import os
import re

from pathlib import Path

import requests

from conftest import ADMIN_PASSWORD, EnclaveServer, activate, client_env, create_service_account, run_client

# The picture the pipeline stores, as its source spells it.
PNG_HEX = re.search(r'PNG = bytes.fromhex\("([0-9a-f]+)"\)', (Path(__file__).parent / "zenml" / "visualization_pipeline.py").read_text()).group(1)


def headers_for(url):
    token = requests.post(f"{url}/api/v1/login", data={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_visualizations_and_logs_are_read_only_where_allowed(tmp_path):
    shared = tmp_path / "shared"
    (shared / "store").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = tmp_path / "data"
    server = EnclaveServer(data, "--artifact-read-root", str(shared)).start()
    try:
        url = server.url
        activate(url)
        key = create_service_account(url, tmp_path / "admin-config")
        env = client_env(tmp_path / "bot-config")
        run_client(["zenml", "login", url, "--api-key"], env, stdin=key + "\n")
        # A stack whose local artifact store is on the shared mount, as a site would set it up.
        run_client(["zenml", "artifact-store", "register", "shared", "--flavor", "local", f"--path={shared / 'store'}"], env)
        run_client(["zenml", "stack", "register", "shared", "-o", "default", "-a", "shared", "--set"], env)
        output = run_client(["python", "visualization_pipeline.py"], env)
        run_id = re.search(r"RUN=(\S+)", output).group(1)
        headers = headers_for(url)

        steps = {s["name"]: s for s in requests.get(f"{url}/api/v1/steps", params={"pipeline_run_id": run_id, "hydrate": "true"},
                                                     headers=headers, timeout=30).json()["items"]}
        seen = {}
        for step in steps.values():
            for name, versions in step["resources"]["outputs"].items():
                answer = requests.get(f"{url}/api/v1/artifact_versions/{versions[0]['id']}/visualize", headers=headers, timeout=30)
                assert answer.status_code == 200, (name, answer.text)
                seen[name] = answer.json()
        assert seen["page"] == {"type": "html", "value": "<h1>Churn</h1>"}
        assert seen["notes"] == {"type": "markdown", "value": "# Churn\n*up*"}
        assert seen["table"] == {"type": "csv", "value": "a,b\n1,2"}
        assert seen["doc"] == {"type": "json", "value": '{"k": 1}'}
        assert seen["picture"]["type"] == "image" and base64.b64decode(seen["picture"]["value"]) == bytes.fromhex(PNG_HEX)
        page = steps["report"]["resources"]["outputs"]["page"][0]["id"]
        beyond = requests.get(f"{url}/api/v1/artifact_versions/{page}/visualize", params={"index": 5}, headers=headers, timeout=30)
        assert beyond.status_code == 404 and beyond.json()["detail"][0] == "KeyError"

        # The step's logs, read from the same store.
        logs = requests.get(f"{url}/api/v1/steps/{steps['report']['id']}/logs", params={"source": "step"}, headers=headers, timeout=30)
        assert logs.status_code == 200, logs.text
        assert any("writing the churn report" in entry["message"] for entry in logs.json())
        logs_id = next(l["id"] for l in steps["report"]["resources"]["log_collection"] if l["body"]["source"] == "step")
        entries = requests.get(f"{url}/api/v1/logs/{logs_id}/entries", params={"search": "churn report"}, headers=headers, timeout=30).json()
        assert [e["message"] for e in entries["items"]] == ["writing the churn report"]
        both = requests.get(f"{url}/api/v1/steps/{steps['report']['id']}/logs", params={"source": "step", "logs_id": logs_id}, headers=headers, timeout=30)
        assert both.status_code == 400
        run_logs = requests.get(f"{url}/api/v1/runs/{run_id}/logs", params={"source": "client"}, headers=headers, timeout=30)
        assert run_logs.status_code == 200 and run_logs.json(), run_logs.text

        # Hostile URIs and stores. Secrets the server holds, and files elsewhere on the host.
        (elsewhere / "secret.txt").write_text("TOP-SECRET-ELSEWHERE")
        os.symlink("/etc/passwd", shared / "store" / "link-out")
        os.symlink(elsewhere / "secret.txt", shared / "store" / "link-elsewhere")
        (shared / "store" / "sub").mkdir()
        store_id = requests.get(f"{url}/api/v1/components", params={"name": "shared", "type": "artifact_store"}, headers=headers, timeout=30).json()["items"][0]["id"]
        project = requests.get(f"{url}/api/v1/projects", params={"name": "default"}, headers=headers, timeout=30).json()["items"][0]["id"]
        keyring = data / "keyring.json"
        assert keyring.exists()

        def store(name, path):
            created = requests.post(f"{url}/api/v1/components", headers=headers, timeout=30,
                                    json={"name": name, "type": "artifact_store", "flavor": "local", "configuration": {"path": str(path)}})
            assert created.status_code == 200, created.text
            return created.json()["id"]

        elsewhere_store, data_store = store("elsewhere", elsewhere), store("in-data", data)
        # A store named as the shared mount's parent: its root lies outside the allowed directory.
        parent_store = store("parent", tmp_path)
        hostile = [
            (store_id, "/etc/passwd"), (store_id, f"{shared / 'store'}" + "/.." * 12 + "/etc/passwd"), (store_id, f"{shared / 'store'}/link-out"),
            (store_id, f"{shared / 'store'}/link-elsewhere"), (store_id, str(elsewhere / "secret.txt")), (store_id, str(keyring)),
            (store_id, "file:///etc/passwd"), (store_id, f"file://{shared / 'store'}" + "/%2e%2e" * 12 + "/etc/passwd"),
            (store_id, "s3://bucket/key"), (store_id, "relative/path"), (store_id, f"{shared / 'store'}/sub"),
            (elsewhere_store, str(elsewhere / "secret.txt")), (data_store, str(keyring)), (data_store, str(data / "enclave.sqlite")),
            (parent_store, str(elsewhere / "secret.txt")), (parent_store, str(keyring)),
        ]
        for i, (artifact_store, uri) in enumerate(hostile):
            version = requests.post(f"{url}/api/v1/artifact_versions", headers=headers, timeout=30, json={
                "project": project, "artifact_name": f"hostile-{i}", "uri": uri, "type": "DataArtifact", "save_type": "manual",
                "artifact_store_id": artifact_store, "materializer": {"module": "m", "attribute": "a", "type": "user"},
                "data_type": {"module": "builtins", "attribute": "str", "type": "builtin"},
                "visualizations": [{"type": "html", "uri": uri}]})
            assert version.status_code == 200, version.text
            answer = requests.get(f"{url}/api/v1/artifact_versions/{version.json()['id']}/visualize", headers=headers, timeout=30)
            assert 400 <= answer.status_code < 500, (uri, answer.status_code, answer.text)
            assert "detail" in answer.json(), (uri, answer.text)
            for leaked in ("root:", "TOP-SECRET", "primary", "SQLite"):
                assert leaked not in answer.text, (uri, answer.text)
        assert server.process.poll() is None
    finally:
        server.stop()

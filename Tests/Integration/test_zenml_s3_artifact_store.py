"""A ZenML stack with the `s3` artifact-store flavor on a real S3 server — the SeaweedFS that
`make test` starts — runs a pipeline with the pinned zenml client (its keys in a ZenML secret
the component names, never in the component itself), and the server shows its visualizations and step
logs, read from the bucket with the server's own keys — only from the S3 locations its
configuration allows, and never from anywhere a client's URI tries to point it."""
import base64
import os
import re
import uuid

import requests

from conftest import EnclaveServer, activate, client_env, create_service_account, run_client
from test_s3_artifact_store import bucket_object, s3_settings
from test_zenml_artifact_content import PNG_HEX, headers_for


def test_an_s3_stack_runs_and_the_server_shows_its_content(tmp_path):
    settings = s3_settings()
    bucket = os.environ["ENCLAVE_TEST_S3_BUCKET"]
    root = f"s3://{bucket}/zenml-{uuid.uuid4().hex}"
    server = EnclaveServer(tmp_path / "data", "--artifact-read-root", root, env=settings).start()
    try:
        url = server.url
        activate(url)
        key = create_service_account(url, tmp_path / "admin-config")
        env = client_env(tmp_path / "bot-config", AWS_EC2_METADATA_DISABLED="true")
        run_client(["zenml", "login", url, "--api-key"], env, stdin=key + "\n")
        run_client(["zenml", "secret", "create", "s3-keys", f"--aws_access_key_id={settings['AWS_ACCESS_KEY_ID']}",
                    f"--aws_secret_access_key={settings['AWS_SECRET_ACCESS_KEY']}"], env)
        run_client(["zenml", "artifact-store", "register", "objects", "--flavor", "s3", f"--path={root}",
                    "--authentication_secret=s3-keys",
                    '--client_kwargs={"endpoint_url": "%s", "region_name": "us-east-1"}' % settings["ENCLAVE_S3_ENDPOINT"]], env)
        run_client(["zenml", "stack", "register", "objects", "-o", "default", "-a", "objects", "--set"], env)
        output = run_client(["python", "visualization_pipeline.py"], env)
        run_id = re.search(r"RUN=(\S+)", output).group(1)
        headers = headers_for(url)

        run = requests.get(f"{url}/api/v1/runs/{run_id}", headers=headers, timeout=30).json()
        assert run["body"]["status"] == "completed", run["body"]
        steps = {s["name"]: s for s in requests.get(f"{url}/api/v1/steps", params={"pipeline_run_id": run_id, "hydrate": "true"},
                                                     headers=headers, timeout=30).json()["items"]}
        seen, uris = {}, {}
        for step in steps.values():
            for name, versions in step["resources"]["outputs"].items():
                uris[name] = versions[0]["body"]["uri"]
                answer = requests.get(f"{url}/api/v1/artifact_versions/{versions[0]['id']}/visualize", headers=headers, timeout=30)
                assert answer.status_code == 200, (name, answer.text)
                seen[name] = answer.json()
        assert all(uri.startswith(root + "/") for uri in uris.values()), uris
        assert seen["page"] == {"type": "html", "value": "<h1>Churn</h1>"}
        assert seen["notes"] == {"type": "markdown", "value": "# Churn\n*up*"}
        assert seen["table"] == {"type": "csv", "value": "a,b\n1,2"}
        assert seen["doc"] == {"type": "json", "value": '{"k": 1}'}
        assert seen["picture"]["type"] == "image" and base64.b64decode(seen["picture"]["value"]) == bytes.fromhex(PNG_HEX)

        # The step's logs, which the client wrote to the bucket too.
        logs = requests.get(f"{url}/api/v1/steps/{steps['report']['id']}/logs", params={"source": "step"}, headers=headers, timeout=30)
        assert logs.status_code == 200, logs.text
        assert any("writing the churn report" in entry["message"] for entry in logs.json())
        log_uri = next(l["body"]["uri"] for l in steps["report"]["resources"]["log_collection"] if l["body"]["source"] == "step")
        assert log_uri.startswith(root + "/"), log_uri
        assert bucket_object(log_uri.removeprefix(f"s3://{bucket}/"))[0] in (200, 404)  # a file or a folder of chunks

        # The component keeps a reference to the secret, not the keys.
        component = requests.get(f"{url}/api/v1/components", params={"name": "objects", "hydrate": "true"}, headers=headers, timeout=30).json()["items"][0]
        assert settings["AWS_SECRET_ACCESS_KEY"] not in str(component)

        # Stores and URIs outside the allowed location get a 4xx in ZenML's format and no bytes.
        project = requests.get(f"{url}/api/v1/projects", params={"name": "default"}, headers=headers, timeout=30).json()["items"][0]["id"]

        def store(name, path):
            created = requests.post(f"{url}/api/v1/components", headers=headers, timeout=30,
                                    json={"name": name, "type": "artifact_store", "flavor": "s3", "configuration": {"path": path}})
            assert created.status_code == 200, created.text
            return created.json()["id"]

        allowed_store = component["id"]
        outside_store, wider_store = store("outside", f"s3://{bucket}/elsewhere"), store("wider", f"s3://{bucket}")
        page_uri = uris["page"]
        hostile = [
            (allowed_store, f"s3://{bucket}/elsewhere/secret.html"), (allowed_store, root + "/../elsewhere/x"),
            (allowed_store, root + "/./x"), (allowed_store, root + "//x"), (allowed_store, f"s3://other-bucket/{root[5:]}/x"),
            (allowed_store, "/etc/passwd"), (allowed_store, "file:///etc/passwd"), (allowed_store, root),
            (allowed_store, root + "/no-such-object"), (outside_store, f"s3://{bucket}/elsewhere/x"), (wider_store, page_uri),
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
            assert "detail" in answer.json() and "Churn" not in answer.text, (uri, answer.text)
        assert server.process.poll() is None
    finally:
        server.stop()

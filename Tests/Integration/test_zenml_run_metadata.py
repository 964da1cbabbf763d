"""`log_metadata` through the real client: on a step from inside it (every typed value
ZenML has: Uri, Path, DType, StorageSize, dicts, lists), on the run afterwards and on an
artifact version — read back as the real server answers in the recording
Tests/Fixtures/zenml-0.98/flow_f_run_metadata.jsonl."""
import json
import re
import uuid

import requests

from conftest import ADMIN_PASSWORD, run_client
from openapi_document import DOCUMENT

RECORDING = DOCUMENT.parent / "flow_f_run_metadata.jsonl"


def recorded(method, prefix):
    """The last recorded answer to `method` on a path starting with `prefix`."""
    found = None
    for line in RECORDING.read_text().splitlines():
        entry = json.loads(line)
        if entry["method"] == method and entry["path"].startswith(prefix):
            found = entry
    return found


def test_log_metadata_on_steps_runs_and_artifact_versions(bot):
    output = run_client(["python", "metadata_pipeline.py"], bot["env"])
    report = json.loads(re.search(r"REPORT=(.*)", output).group(1))
    # What the client reads back, value by value as the real server gave it.
    assert report == {  # dicts compare without order, as the client's reads do
        "run": {"score": "1.5", "run_note": "'after'"},
        "step": {"path": "'/tmp/model'", "layers": "[3, 4]", "dtype": "'int64'", "flag": "True", "name": "'resnet'", "count": "7",
                 "config": "{'lr': 0.01, 'opt': 'adam'}", "size": "2048", "uri": "'gs://bucket/model'", "accuracy": "0.91"},
        "artifact": {"uri": "'s3://x'", "string_representation": "'3'", "rows": "100", "storage_size": "1"},
    }

    # The real server answers a metadata write with `null`; so does Enclave, below.
    sent = recorded("POST", "/api/v1/run-metadata")
    assert sent["status"] == 200 and sent["resp_body"] is None
    assert recorded("GET", "/api/v1/steps/")["resp_body"]["metadata"]["run_metadata"]["uri"] == "gs://bucket/model"
    url = bot["server"].url
    token = requests.post(f"{url}/api/v1/login", data={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    project = requests.get(f"{url}/api/v1/projects/default", headers=headers, timeout=30).json()["id"]
    step = requests.get(f"{url}/api/v1/steps", params={"name": "train", "size": 1}, headers=headers, timeout=30).json()["items"][0]["id"]
    body = {"project": project, "resources": [{"id": step, "type": "step_run"}], "values": {"accuracy": 0.95}, "types": {"accuracy": "float"}}
    assert requests.post(f"{url}/api/v1/run-metadata", json=body, headers=headers, timeout=30).json() is None
    again = requests.get(f"{url}/api/v1/steps/{step}", params={"hydrate": "true"}, headers=headers, timeout=30).json()
    assert again["metadata"]["run_metadata"]["accuracy"] == 0.95 and again["metadata"]["run_metadata"]["layers"] == [3, 4]

    # Bad input: ZenML's errors, nothing half-written.
    for bad, status in ((dict(body, resources=[{"id": str(uuid.uuid4()), "type": "step_run"}]), 404),
                        (dict(body, resources=[{"id": step, "type": "step_run"}, {"id": str(uuid.uuid4()), "type": "pipeline_run"}],
                              values={"half": 1}), 404),
                        (dict(body, resources=[{"id": str(uuid.uuid4()), "type": "model_version"}]), 404),
                        (dict(body, values={"a:b": 1}), 422),
                        (dict(body, values=[1]), 422),
                        (dict(body, resources=[{"id": "not-a-uuid", "type": "step_run"}]), 422),
                        (dict(body, resources=[{"id": step, "type": "moon"}]), 422)):
        answer = requests.post(f"{url}/api/v1/run-metadata", json=bad, headers=headers, timeout=30)
        assert answer.status_code == status and "detail" in answer.json(), (bad, answer.status_code, answer.text)
    final = requests.get(f"{url}/api/v1/steps/{step}", params={"hydrate": "true"}, headers=headers, timeout=30).json()
    assert "half" not in final["metadata"]["run_metadata"]

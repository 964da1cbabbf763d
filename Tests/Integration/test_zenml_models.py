"""The model control plane with the real client, as ZenML's docs teach it (recording:
Tests/Fixtures/zenml-0.98/flow_i_models.jsonl, made against the real zenml[server]==0.98.0):
a pipeline declaring a `Model` gets one numbered version per run, artifacts linked as data
and as the model, metadata and tags on the version, stages moved with and without `force`,
and the `zenml model` commands a user types."""
import json
import re

import requests

from conftest import ADMIN_PASSWORD, run_client
from openapi_document import DOCUMENT

RECORDING = DOCUMENT.parent / "flow_i_models.jsonl"


def recorded(method, path_prefix):
    """The real server's answers to `method path…` in the recording."""
    for line in RECORDING.read_text().splitlines():
        entry = json.loads(line)
        if entry["method"] == method and entry["path"].startswith(path_prefix) and entry["status"] == 200:
            yield entry


def admin_headers(url):
    token = requests.post(f"{url}/api/v1/login", data={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def shape(entity):
    """The keys of an entity, level by level, as the client parses them."""
    return {part: sorted(entity[part] or {}) for part in ("body", "metadata", "resources")} | {"top": sorted(entity)}


def test_a_pipeline_with_a_model_promotes_its_versions(bot):
    output = run_client(["python", "model_pipeline.py", "churn"], bot["env"])
    report = json.loads(re.search(r"REPORT=(.*)", output).group(1))
    runs = report.pop("runs")
    # What the same script printed against the real server.
    assert report == {
        "models": ["churn"], "model_tags": ["churn-team"], "versions": [[1, "1", "archived"], [2, "2", "production"]],
        "production": 2, "taken": "RuntimeError", "missing": "KeyError", "first_stage": "archived",
        "second_tags": ["approved", "tabular"], "second_metadata": {"accuracy": 0.54, "reviewed_by": "qa"},
        "model_artifacts": ["classifier"], "data_artifacts": ["dataset", "training::evaluate::output"],
        "classifier": {"weights": 10, "model": "churn", "version": "2"},
    }
    assert len(runs) == 1 and runs[0].startswith("training-")

    url, headers = bot["server"].url, admin_headers(bot["server"].url)
    model = requests.get(f"{url}/api/v1/models", params={"name": "churn", "hydrate": "true"}, headers=headers, timeout=30).json()["items"][0]
    real_model = next(recorded("GET", "/api/v1/models/"))["resp_body"]
    assert shape(model) == shape(real_model)
    assert model["metadata"]["license"] == "MIT" and model["metadata"]["description"] == "Predicts churn monthly"
    assert model["resources"]["latest_version_name"] == "2"
    version = requests.get(f"{url}/api/v1/model_versions", params={"model": "churn", "number": "2", "hydrate": "true"},
                           headers=headers, timeout=30).json()["items"][0]
    real_version = next(recorded("GET", "/api/v1/model_versions/"))["resp_body"]
    assert shape(version) == shape(real_version)
    # The run made the version, and knows it.
    run = requests.get(f"{url}/api/v1/runs", params={"name": runs[0], "hydrate": "true"}, headers=headers, timeout=30).json()["items"][0]
    assert run["resources"]["model_version"]["id"] == version["id"]
    assert run["resources"]["model_version"]["body"]["model"]["name"] == "churn"
    linked = requests.get(f"{url}/api/v1/runs", params={"model": "churn"}, headers=headers, timeout=30).json()
    assert linked["total"] == 2
    links = requests.get(f"{url}/api/v1/model_version_artifacts", params={"model_version_id": version["id"], "only_model_artifacts": "true"},
                         headers=headers, timeout=30).json()["items"]
    assert [link["body"]["artifact_version"]["body"]["artifact"]["name"] for link in links] == ["classifier"]

    # The CLI a user types.
    listed = run_client(["zenml", "model", "list", "-o", "json"], bot["env"])
    assert '"churn"' in listed
    versions = run_client(["zenml", "model", "version", "list", "--model", "churn", "-o", "json"], bot["env"])
    assert versions.count('"churn"') >= 2
    run_client(["zenml", "model", "version", "update", "churn", "1", "--stage", "staging"], bot["env"])
    # Production is held by version 2: the CLI asks before archiving it, and a "no" changes nothing.
    refused = run_client(["zenml", "model", "version", "update", "churn", "1", "--stage", "production"], bot["env"], stdin="n\n", check=False)
    assert "archived stage" in refused and "canceled" in refused, refused
    stages = {v["name"]: v["body"]["stage"] for v in requests.get(f"{url}/api/v1/model_versions", params={"model": "churn"}, headers=headers, timeout=30).json()["items"]}
    assert stages == {"1": "staging", "2": "production"}
    run_client(["zenml", "model", "version", "update", "churn", "1", "--stage", "production", "--force"], bot["env"])
    stages = {v["name"]: v["body"]["stage"] for v in requests.get(f"{url}/api/v1/model_versions", params={"model": "churn"}, headers=headers, timeout=30).json()["items"]}
    assert stages == {"1": "production", "2": "archived"}
    run_client(["zenml", "model", "version", "delete", "churn", "1", "-y"], bot["env"])
    assert requests.get(f"{url}/api/v1/model_versions", params={"model": "churn"}, headers=headers, timeout=30).json()["total"] == 1
    run_client(["zenml", "model", "delete", "churn", "-y"], bot["env"])
    assert requests.get(f"{url}/api/v1/models", params={"name": "churn"}, headers=headers, timeout=30).json()["total"] == 0
    assert requests.get(f"{url}/api/v1/model_versions", params={"model": "churn"}, headers=headers, timeout=30).json()["total"] == 0
    # The runs stay, without their model version; the artifacts stay too.
    run = requests.get(f"{url}/api/v1/runs", params={"name": runs[0], "hydrate": "true"}, headers=headers, timeout=30).json()["items"][0]
    assert run["resources"]["model_version"] is None
    assert requests.get(f"{url}/api/v1/artifact_versions", params={"artifact": "classifier"}, headers=headers, timeout=30).json()["total"] == 2

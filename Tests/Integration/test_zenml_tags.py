"""Tags with the real client (recording: Tests/Fixtures/zenml-0.98/flow_g_tags.jsonl, made
against the real zenml[server]==0.98.0): pipeline tags reach the runs, `add_tags` and
`remove_tags` on runs and artifact versions, an exclusive tag moves between runs of one
pipeline, colours, runs selected by tag, and the `zenml tag` commands."""
import json
import re

import requests

from conftest import ADMIN_PASSWORD, run_client
from openapi_document import DOCUMENT

COLOURS = {"grey", "purple", "red", "green", "yellow", "orange", "lime", "teal", "turquoise", "magenta", "blue"}


def admin_headers(url):
    token = requests.post(f"{url}/api/v1/login", data={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_tags_as_the_docs_use_them(bot):
    output = run_client(["python", "tags_pipeline.py"], bot["env"])
    report = json.loads(re.search(r"REPORT=(.*)", output).group(1))
    tags = report.pop("tags")
    # What the same script printed against the real server (colours the client picks at random aside).
    assert report == {"first": ["nightly", "promoted", "team-ml"], "second": ["champion", "team-ml"], "nightly_runs": [True],
                      "promoted_runs": 1, "artifact": ["golden"], "pipeline": []}
    assert [(name, exclusive) for name, _, exclusive in tags] == [("champion", True), ("golden", False), ("nightly", False),
                                                                  ("promoted", False), ("team-ml", False)]
    assert dict((name, colour) for name, colour, _ in tags)["team-ml"] == "green"
    assert {colour for _, colour, _ in tags} <= COLOURS

    url, headers = bot["server"].url, admin_headers(bot["server"].url)
    real = next(json.loads(line) for line in (DOCUMENT.parent / "flow_g_tags.jsonl").read_text().splitlines()
                if json.loads(line)["path"].startswith("/api/v1/tags/"))["resp_body"]
    mine = requests.get(f"{url}/api/v1/tags", params={"name": "team-ml", "hydrate": "true"}, headers=headers, timeout=30).json()["items"][0]
    assert set(mine) == set(real) and set(mine["body"]) == set(real["body"]) and set(mine["metadata"]) == set(real["metadata"])
    assert mine["metadata"]["tagged_count"] == 2
    # Every list the client filters by tag honours it.
    for path in ("runs", "artifact_versions", "pipelines", "pipeline_snapshots", "artifacts", "models", "model_versions"):
        none = requests.get(f"{url}/api/v1/{path}", params={"tags": "no-such-tag"}, headers=headers, timeout=30)
        assert none.status_code == 200 and none.json()["total"] == 0, (path, none.text)
    assert requests.get(f"{url}/api/v1/runs", params={"tags": "team-ml"}, headers=headers, timeout=30).json()["total"] == 2
    assert requests.get(f"{url}/api/v1/runs", params={"tags": "startswith:cham"}, headers=headers, timeout=30).json()["total"] == 1
    assert requests.get(f"{url}/api/v1/artifact_versions", params={"tags": "golden"}, headers=headers, timeout=30).json()["total"] == 1
    assert requests.get(f"{url}/api/v1/tags", params={"resource_type": "artifact_version"}, headers=headers, timeout=30).json()["total"] == 1

    # Tagging what does not exist, or an exclusive tag where ZenML allows none, is refused.
    champion = requests.get(f"{url}/api/v1/tags", params={"name": "champion"}, headers=headers, timeout=30).json()["items"][0]["id"]
    missing = requests.post(f"{url}/api/v1/tag_resources/batch", headers=headers, timeout=30, json=[
        {"tag_id": champion, "resource_id": "00000000-0000-0000-0000-000000000000", "resource_type": "pipeline_run"}])
    assert missing.status_code == 404 and missing.json()["detail"][0] == "KeyError"
    pipeline = requests.get(f"{url}/api/v1/pipelines", params={"name": "tagged"}, headers=headers, timeout=30).json()["items"][0]["id"]
    refused = requests.post(f"{url}/api/v1/tag_resources", headers=headers, timeout=30,
                            json={"tag_id": champion, "resource_id": pipeline, "resource_type": "pipeline"})
    assert refused.status_code == 400 and "exclusive" in refused.json()["detail"][1]
    bad_type = requests.post(f"{url}/api/v1/tag_resources", headers=headers, timeout=30,
                             json={"tag_id": champion, "resource_id": pipeline, "resource_type": "moon"})
    assert bad_type.status_code == 422
    taken = requests.post(f"{url}/api/v1/tags", headers=headers, timeout=30, json={"name": "champion"})
    assert taken.status_code == 409 and taken.json()["detail"][0] == "EntityExistsError"
    # `nightly` sits on one run of `tagged`, `team-ml` on two: only the first can become exclusive.
    nightly = requests.get(f"{url}/api/v1/tags", params={"name": "nightly"}, headers=headers, timeout=30).json()["items"][0]["id"]
    assert requests.put(f"{url}/api/v1/tags/{nightly}", headers=headers, timeout=30, json={"exclusive": True}).json()["body"]["exclusive"] is True
    team = requests.get(f"{url}/api/v1/tags", params={"name": "team-ml"}, headers=headers, timeout=30).json()["items"][0]["id"]
    shared = requests.put(f"{url}/api/v1/tags/{team}", headers=headers, timeout=30, json={"exclusive": True})
    assert shared.status_code == 400 and "multiple" in shared.json()["detail"][1]

    # The `zenml tag` commands.
    run_client(["zenml", "tag", "register", "-n", "reviewed", "-c", "teal"], bot["env"])
    assert "reviewed" in run_client(["zenml", "tag", "list"], bot["env"])
    run_client(["zenml", "tag", "update", "reviewed", "-c", "orange", "-n", "signed-off"], bot["env"])
    renamed = requests.get(f"{url}/api/v1/tags", params={"name": "signed-off"}, headers=headers, timeout=30).json()["items"]
    assert [t["body"]["color"] for t in renamed] == ["orange"]
    run_client(["zenml", "tag", "delete", "signed-off", "-y"], bot["env"])
    assert requests.get(f"{url}/api/v1/tags", params={"name": "signed-off"}, headers=headers, timeout=30).json()["total"] == 0
    again = run_client(["zenml", "tag", "register", "-n", "champion"], bot["env"], check=False)
    assert "already exists" in again
    # Deleting a tag takes it off everything it was on.
    requests.delete(f"{url}/api/v1/tags/{champion}", headers=headers, timeout=30).raise_for_status()
    assert requests.get(f"{url}/api/v1/runs", params={"tags": "champion"}, headers=headers, timeout=30).json()["total"] == 0

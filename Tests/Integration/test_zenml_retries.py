"""Step retries as the real server keeps them (recording:
Tests/Fixtures/zenml-0.98/flow_h_retries_hooks.jsonl): a step under
`StepRetryConfig(max_retries=2)` that fails once and then succeeds leaves its first attempt
`retried`, its second `completed`, and the run `completed`; a step without retries that
fails leaves the run `failed`, and its `on_failure` hook's invocation is recorded with the
logs the hook wrote."""
import json
import re

import requests

from conftest import ADMIN_PASSWORD, run_client
from openapi_document import DOCUMENT


def recorded_step_answers():
    """(request status, answered status, attempt) of each step write in the recording."""
    answers = []
    for line in (DOCUMENT.parent / "flow_h_retries_hooks.jsonl").read_text().splitlines():
        entry = json.loads(line)
        if entry["path"].startswith("/api/v1/steps") and entry["method"] in ("POST", "PUT") and entry["req_body"]:
            body = entry["resp_body"]["body"]
            answers.append((entry["req_body"].get("status"), body["status"], body["version"], body["is_retriable"]))
    return answers


def test_a_retried_step_that_succeeds_completes_the_run(bot, tmp_path):
    env = dict(bot["env"], RETRY_MARK=str(tmp_path / "mark"))
    output = run_client(["python", "retry_pipeline.py"], env)
    assert "HOOK_RAN ValueError" in output
    report = json.loads(re.search(r"REPORT=(.*)", output).group(1))
    assert report == {"retried_run": "completed", "attempts": [["flaky", "completed"], ["flaky", "retried"]],
                      "hooked_error": "RuntimeError", "hooked_run": "failed"}

    # Each step write answered as the real server answered it: a failed attempt with
    # retries left is `retrying`, the next attempt is version 2.
    assert recorded_step_answers()[:4] == [("running", "running", 1, True), ("failed", "retrying", 1, True),
                                           ("running", "running", 2, True), ("completed", "completed", 2, True)]
    url = bot["server"].url
    token = requests.post(f"{url}/api/v1/login", data={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    steps = requests.get(f"{url}/api/v1/steps", params={"name": "flaky", "sort_by": "version", "hydrate": "false"},
                         headers=headers, timeout=30).json()["items"]
    assert [(s["body"]["status"], s["body"]["version"], s["body"]["is_retriable"]) for s in steps] == [("retried", 1, True), ("completed", 2, True)]
    broken = requests.get(f"{url}/api/v1/steps", params={"name": "broken"}, headers=headers, timeout=30).json()["items"]
    assert [(s["body"]["status"], s["body"]["is_retriable"]) for s in broken] == [("failed", False)]
    # `exclude_retried` hides the superseded attempt, as the client's run views expect.
    shown = requests.get(f"{url}/api/v1/steps", params={"name": "flaky", "exclude_retried": "true"}, headers=headers, timeout=30).json()
    assert [s["body"]["status"] for s in shown["items"]] == ["completed"]

    # The hook the client ran is recorded, as the real server records it.
    hooked = requests.get(f"{url}/api/v1/runs", params={"pipeline_name": "hooked"}, headers=headers, timeout=30).json()["items"][0]["id"]
    listed = requests.get(f"{url}/api/v1/hook_invocations", params={"pipeline_run_id": hooked, "hydrate": "true"},
                          headers=headers, timeout=30).json()["items"]
    assert len(listed) == 1, listed
    invocation = listed[0]
    assert (invocation["body"]["hook_type"], invocation["body"]["status"], invocation["body"]["step_run_id"]) == ("step_failure", "completed", broken[0]["id"])
    assert invocation["metadata"]["source"] == "retry_pipeline.on_failure"
    assert [log["body"]["source"] for log in invocation["resources"]["log_collection"]] == ["hook:step_failure"]
    real = next(json.loads(line) for line in (DOCUMENT.parent / "flow_h_retries_hooks.jsonl").read_text().splitlines()
                if json.loads(line)["path"] == "/api/v1/hook_invocations")["resp_body"]
    assert set(invocation) == set(real) and set(invocation["body"]) == set(real["body"])
    assert set(invocation["resources"]) == set(real["resources"]) and set(invocation["metadata"]) == set(real["metadata"])
    again = requests.post(f"{url}/api/v1/hook_invocations", headers=headers, timeout=30, json={
        "project": invocation["body"]["project_id"], "id": invocation["id"], "hook_type": "step_failure", "status": "completed",
        "start_time": invocation["body"]["start_time"], "pipeline_run_id": hooked})
    assert again.status_code == 409 and again.json()["detail"][0] == "EntityExistsError"
    for bad in ({"hook_type": "moon"}, {"pipeline_run_id": "00000000-0000-0000-0000-000000000000"}, {"status": "nope"}):
        body = {"project": invocation["body"]["project_id"], "hook_type": "custom", "status": "completed",
                "start_time": invocation["body"]["start_time"], "pipeline_run_id": hooked, **bad}
        answer = requests.post(f"{url}/api/v1/hook_invocations", headers=headers, timeout=30, json=body)
        assert answer.status_code in (404, 422) and "detail" in answer.json(), (bad, answer.text)

"""No silent filters: every query parameter ZenML 0.98.0's OpenAPI document declares for a
list Enclave serves is applied or refused with a 422 naming it — never ignored, so a user
selecting runs by a filter Enclave lacks gets an error, not every run.

The lists come from the binary (`enclave routes`) and the parameters from the document, so a
list or parameter added on either side is walked without editing this test."""
import json
import uuid

import requests

from conftest import ADMIN_PASSWORD, run_client
from openapi_document import DOCUMENT as DOCUMENT_PATH, served_operations
from test_zenml_client import run_pipeline

DOCUMENT = json.loads(DOCUMENT_PATH.read_text())
PAGING = {"page", "size", "sort_by", "logical_operator", "hydrate"}


def kinds(schema):
    """The JSON types (and formats) a parameter's schema allows."""
    found = set()
    for option in schema.get("anyOf", [schema]):
        if option.get("type") and option.get("type") != "null":
            found.add(option.get("format") or option["type"])
    return found


def matching_nothing(schema):
    """A value of the parameter's type that no stored row can match, or None for booleans
    (whose two values may both be right for every row)."""
    allowed = kinds(schema)
    if allowed == {"boolean"}:
        return None
    if "uuid" in allowed:
        return str(uuid.uuid4())
    if "date-time" in allowed:
        return "1901-02-03 04:05:06"
    if allowed <= {"integer", "number"}:
        return "-987654321"
    return f"no-such-{uuid.uuid4().hex}"


def test_every_documented_list_parameter_is_applied_or_refused(bot):
    env, url = bot["env"], bot["server"].url
    run_pipeline(env)  # runs, steps, artifacts, snapshots, pipelines to filter
    run_client(["zenml", "secret", "create", "filtered", "--k=v"], env)
    token = requests.post(f"{url}/api/v1/login", data={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    served = {path for method, path in served_operations() if method == "GET"}
    walked, refused, applied = 0, [], []
    for path, item in sorted(DOCUMENT["paths"].items()):
        operation = item.get("get")
        if not operation or path not in served:
            continue
        parameters = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
        if "page" not in {p["name"] for p in parameters} or "{" in path:
            continue
        everything = requests.get(f"{url}{path}", headers=headers, timeout=30)
        assert everything.status_code == 200, (path, everything.text[:300])
        total = everything.json()["total"]
        for parameter in parameters:
            name = parameter["name"]
            if name in PAGING or name == "project":
                continue
            value = matching_nothing(parameter.get("schema", {}))
            answer = requests.get(f"{url}{path}", params={name: value if value is not None else "true"}, headers=headers, timeout=30)
            walked += 1
            if answer.status_code == 422:
                assert name in answer.text and answer.json()["detail"][0] == "ValidationError", (path, name, answer.text)
                refused.append(f"{path}?{name}")
                continue
            assert answer.status_code == 200, (path, name, answer.status_code, answer.text[:300])
            if value is not None and total > 0:
                assert answer.json()["total"] == 0, f"{path}?{name}={value} was ignored: {answer.json()['total']} of {total} rows"
            applied.append(f"{path}?{name}")
    assert walked > 150 and applied and refused
    # The filter that used to be ignored is applied now: no run carries the tag.
    tags = requests.get(f"{url}/api/v1/runs", params={"tags": "nightly"}, headers=headers, timeout=30)
    assert tags.status_code == 200 and tags.json()["total"] == 0 and "/api/v1/runs?tags" in applied
    # One that Enclave still does not apply is refused, naming it.
    metadata = requests.get(f"{url}/api/v1/runs", params={"run_metadata": "x"}, headers=headers, timeout=30)
    assert metadata.status_code == 422 and "run_metadata" in metadata.json()["detail"][1]

"""Hostile input against every served ZenML operation: no request may end the process.

The operations come from the binary itself (`enclave routes`), matched against the real
ZenML 0.98.0 server's OpenAPI document (Tests/Fixtures), so nothing here is a hand-kept
list that can drift from the router. Two passes:

- boundary integers (0, -1, 2^31, 2^63-1, 2^63) in every integer query and path
  parameter and every top-level integer body member, with a liveness check after each
  operation;
- schemathesis (pinned) over the restricted document, one run per operation group
  (OpenAPI tag) with the `not_a_server_error` check, and a liveness check after each.
  One worker: CPython 3.11's compiler is not thread-safe under hypothesis
  ("AST constructor recursion depth mismatch"), and two cores are shared with the server.

`FUZZ_EXAMPLES` and `FUZZ_SEED` make the run deeper or different (`make fuzz`).
"""
import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import requests

from conftest import alive
from openapi_document import SELF_REVOKING, integer_schema, resolve, restricted_document, served_operations

BOUNDARY_INTEGERS = [0, -1, 2**31, 2**63 - 1, 2**63]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
SEED = os.environ.get("FUZZ_SEED", "20261127")


def test_every_served_operation_is_in_zenml_document():
    document, kept = restricted_document()
    served = {op for op in served_operations() if op[1].startswith("/api/v1/")} - {(m, p) for m, p in SELF_REVOKING}
    assert len(kept) >= 60
    assert served - kept == set(), "routes ZenML's document does not declare"


def test_boundary_integers_never_end_the_process(fuzz_target):
    server, auth = fuzz_target
    document, _ = restricted_document()
    components = document["components"]["schemas"]
    sent = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "delete", "patch"):
                continue
            parameters = operation.get("parameters", [])
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            body_schema = resolve(body, components) if body else {}
            targets = [("query", p["name"]) for p in parameters if p["in"] == "query" and integer_schema(p["schema"], components)]
            targets += [("path", p["name"]) for p in parameters if p["in"] == "path" and integer_schema(p["schema"], components)]
            targets += [("body", name) for name, s in body_schema.get("properties", {}).items() if integer_schema(s, components)]
            for where, name in targets:
                for value in BOUNDARY_INTEGERS:
                    url = server.url + path
                    for p in parameters:
                        if p["in"] == "path":
                            url = url.replace("{" + p["name"] + "}", str(value) if (where, name) == ("path", p["name"]) else str(uuid.uuid4()))
                    query = {name: str(value)} if where == "query" else {}
                    json_body = {name: value} if where == "body" else ({} if body else None)
                    response = requests.request(method.upper(), url, params=query, json=json_body, headers=auth, timeout=30)
                    sent += 1
                    assert response.status_code < 500, f"{method.upper()} {path} {where} {name}={value}: {response.status_code} {response.text[:300]}"
            assert alive(server), f"the server died after {method.upper()} {path}"
    assert sent > 100


def test_list_paging_past_the_end_is_zenml_error(fuzz_target):
    server, auth = fuzz_target
    for page in ("9223372036854775807", "9223372036854775808", "99999999999999999999999"):
        response = requests.get(f"{server.url}/api/v1/stacks", params={"page": page}, headers=auth, timeout=30)
        assert response.status_code == 400, response.text
        assert response.json()["detail"][0] == "ValueError" and "Invalid page" in response.json()["detail"][1]
    assert requests.get(f"{server.url}/api/v1/stacks", params={"page": "1", "size": "5"}, headers=auth, timeout=30).status_code == 200
    assert requests.get(f"{server.url}/api/v1/stacks", params={"sort_by": "nonsense"}, headers=auth, timeout=30).status_code == 422
    assert alive(server)


def test_schemathesis_finds_no_server_error(fuzz_target, tmp_path):
    server, auth = fuzz_target
    document, _ = restricted_document()
    document["servers"] = [{"url": server.url}]
    spec = tmp_path / "enclave-served-openapi.json"
    spec.write_text(json.dumps(document))
    groups = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                groups.setdefault((operation.get("tags") or ["untagged"])[0], set()).add(path)
    failures, generated = [], 0
    st = Path(sys.executable).parent / "st"
    for tag, paths in sorted(groups.items()):
        only = "^(" + "|".join(re.escape(path) for path in sorted(paths)) + ")$"
        done = subprocess.run(
            [str(st), "run", str(spec), "--url", server.url, "--checks", "not_a_server_error",
             "--include-path-regex", only, "--max-examples", str(EXAMPLES), "--seed", SEED, "--workers", "1",
             "--phases", "examples,coverage,fuzzing", "--request-timeout", "20", "--no-shrink",
             "--suppress-health-check", "all", "-H", f"Authorization: {auth['Authorization']}"],
            capture_output=True, text=True, timeout=600,
            env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false", "DO_NOT_TRACK": "true", "NO_COLOR": "1"},
        )
        generated += sum(int(n) for n in re.findall(r"(\d+) generated", done.stdout))
        assert alive(server), f"the server died while fuzzing the '{tag}' group:\n{done.stdout[-3000:]}"
        if done.returncode != 0:
            failures.append(f"--- {tag} ({len(paths)} paths) exited {done.returncode}:\n{done.stdout[-4000:]}{done.stderr[-1000:]}")
    assert not failures, "\n".join(failures)
    assert generated >= 100 * len(groups), f"only {generated} requests generated for {len(groups)} groups"

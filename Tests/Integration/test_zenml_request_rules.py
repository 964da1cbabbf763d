"""ZenML's declared request rules, walked from its own OpenAPI document.

For every operation Enclave serves that takes a JSON body, a minimal body that the
document allows is built from the schema, then each top-level member is broken in
each way its schema forbids (missing when required, wrong type, too long, too short,
off-pattern, outside the enum, below the minimum, a dictionary value of the wrong
type). The real server answers each with 422; so must Enclave, naming the member.
"""
import uuid

import pytest
import requests

from openapi_document import resolve, restricted_document

METHODS = ("post", "put", "patch")
# Rules beyond the schema: ZenML's own model validator (artifact_name or artifact_id), and
# two where Enclave is stricter, listed in docs/zenml-api.md (activation always creates an
# admin; logs always belong to a project).
RULES_BEYOND_SCHEMA = {
    ("POST", "/api/v1/artifact_versions"): "('body', 'artifact_name') Field required (or artifact_id)",
    ("PUT", "/api/v1/activate"): "('body', 'admin_username') Field required",
    ("POST", "/api/v1/logs"): "('body', 'project') Field required",
}


def example(schema: dict, components: dict, depth: int = 0):
    """A value `schema` accepts (required members only)."""
    schema = resolve(schema, components)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [b for b in schema[key] if resolve(b, components).get("type") != "null"]
            return example(branches[0], components, depth + 1) if branches else None
    kind = schema.get("type") or ("object" if "properties" in schema else None)
    if kind == "string":
        if schema.get("format") == "uuid":
            return str(uuid.uuid4())
        if schema.get("format") == "date-time":
            return "2026-11-27T12:00:00"
        return "valid-name"[: schema.get("maxLength", 10)] or "v"
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return max(1.0, float(schema.get("minimum", 1)))
    if kind == "boolean":
        return True
    if kind == "array":
        return [example(schema["items"], components, depth + 1)] * schema.get("minItems", 0) if "items" in schema else []
    if kind == "object" and depth < 8:
        return {name: example(schema["properties"][name], components, depth + 1) for name in schema.get("required", [])}
    return {} if kind == "object" else None


def violations(name: str, schema: dict, components: dict, required: bool):
    """(what, bad value) pairs for one member; `...` stands for "left out"."""
    out = [("missing", ...)] if required else []
    schema = resolve(schema, components)
    branches = [resolve(b, components) for b in schema.get("anyOf", [schema])]
    typed = [b for b in branches if b.get("type") not in (None, "null")]
    if len(typed) != 1:
        return out
    rule = typed[0]
    kind = rule.get("type")
    if kind == "string" and "enum" not in rule:
        out.append(("type", ["not", "a", "string"]))
        if rule.get("format") == "date-time":
            out.append(("datetime", "not-a-date"))
        if "maxLength" in rule:
            out.append(("maxLength", "a" * (rule["maxLength"] + 1)))
        if rule.get("minLength", 0) > 0:
            out.append(("minLength", "a" * (rule["minLength"] - 1)))
        if "pattern" in rule:
            out.append(("pattern", "Bad Name!"))
        if rule.get("format") == "uuid":
            out.append(("uuid", "not-a-uuid"))
    if "enum" in rule:
        out.append(("enum", "not-one-of-them"))
    if kind == "integer":
        out.append(("type", "not-a-number"))
        if "minimum" in rule:
            out.append(("minimum", rule["minimum"] - 1))
    if kind == "boolean":
        out.append(("type", "maybe"))
    if kind == "array":
        out.append(("type", "not-a-list"))
    if kind == "object":
        out.append(("type", "not-a-dictionary"))
        extra = rule.get("additionalProperties")
        if isinstance(extra, dict) and resolve(extra, components).get("type") == "string":
            out.append(("value type", {"key": 12345}))
    return out


def operations():
    document, _ = restricted_document()
    components = document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema") if method in METHODS else None
            if body:
                yield method, path, operation, resolve(body, components), components


def url_for(server, path, operation):
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", str(uuid.uuid4()))
    return server.url + path


def test_every_declared_body_rule_is_a_422(fuzz_target):
    server, auth = fuzz_target
    checked, operations_seen = 0, 0
    for method, path, operation, schema, components in operations():
        if schema.get("type") != "object" and "properties" not in schema:
            continue
        operations_seen += 1
        base = example(schema, components)
        url = url_for(server, path, operation)
        allowed = requests.request(method.upper(), url, json=base, headers=auth, timeout=30)
        beyond = RULES_BEYOND_SCHEMA.get((method.upper(), path))
        assert allowed.status_code != 422 or (beyond and beyond in allowed.text), \
            f"{method.upper()} {path}: a body the schema allows was refused: {allowed.text[:400]}"
        required = set(schema.get("required", []))
        for name, member in schema.get("properties", {}).items():
            for what, bad in violations(name, member, components, name in required):
                body = {k: v for k, v in base.items() if k != name}
                if bad is not ...:
                    body[name] = bad
                answer = requests.request(method.upper(), url, json=body, headers=auth, timeout=30)
                checked += 1
                assert answer.status_code == 422, f"{method.upper()} {path}: {name} {what} answered {answer.status_code} {answer.text[:300]}"
                assert f"'body', '{name}'" in answer.text and answer.text != allowed.text, \
                    f"{method.upper()} {path}: {name} {what}: {answer.text[:300]}"
    assert operations_seen >= 25 and checked >= 300, (operations_seen, checked)


@pytest.mark.parametrize("body", [
    {"name": "Bad Name"}, {"name": "x" * 51}, {"description": "d" * 256}, {"display_name": "d" * 256},
])
def test_the_default_project_keeps_zenml_constraints(fuzz_target, body):
    server, auth = fuzz_target
    answer = requests.put(f"{server.url}/api/v1/projects/default", json=body, headers=auth, timeout=30)
    assert answer.status_code == 422, answer.text
    assert requests.get(f"{server.url}/api/v1/projects/default", headers=auth, timeout=30).json()["name"] == "default"


def test_nested_rules_are_zenml_rules_too(fuzz_target):
    """Constraints below the top level, from the fuzzing report: a component's
    environment holds strings only; a step's exception_info needs a traceback."""
    server, auth = fuzz_target
    component = {"name": "env-check", "type": "orchestrator", "flavor": "local", "configuration": {}, "environment": {"A": 1}}
    answer = requests.post(f"{server.url}/api/v1/components", json=component, headers=auth, timeout=30)
    assert answer.status_code == 422 and "'body', 'environment', 'A'" in answer.text, answer.text
    component["environment"] = {"A": "1"}
    assert requests.post(f"{server.url}/api/v1/components", json=component, headers=auth, timeout=30).status_code == 200
    answer = requests.put(f"{server.url}/api/v1/steps/{uuid.uuid4()}", json={"exception_info": {"message": "boom"}}, headers=auth, timeout=30)
    assert answer.status_code == 422 and "'body', 'exception_info', 'traceback'" in answer.text, answer.text

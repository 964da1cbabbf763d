"""ZenML 0.98.0's OpenAPI document, cut down to what the `enclave` binary serves.

The served routes come from the binary (`enclave routes`), so the tests that walk the
document never work from a hand-kept list that can drift from the router.
"""
import json
import re
import subprocess
from pathlib import Path

from conftest import enclave_binary

DOCUMENT = Path(__file__).resolve().parents[1] / "Fixtures" / "zenml-0.98" / "openapi.json"
# Revokes the fuzzer's own token and takes no input; checked in the client tests instead.
SELF_REVOKING = {("GET", "/api/v1/logout"), ("POST", "/api/v1/logout")}


def template(path: str) -> str:
    return re.sub(r"\{[^}]*\}|:[^/]+", "{}", path)


def served_operations() -> set:
    done = subprocess.run([enclave_binary(), "routes"], capture_output=True, text=True, timeout=60, check=True)
    served = set()
    for line in done.stdout.splitlines():
        method, path = line.split(" ", 1)
        served.add((method.upper(), template(path)))
    return served


def restricted_document() -> tuple:
    """ZenML's document cut down to the operations Enclave serves; and the ones it lacks."""
    document = json.loads(DOCUMENT.read_text())
    # The operations ZenML serves only with a workload manager (running snapshots, replaying runs),
    # recorded from the real server so configured (record_execution_openapi.py).
    execution = json.loads((Path(__file__).resolve().parent / "zenml_execution_openapi.json").read_text())
    document["paths"].update(execution["paths"])
    document["components"]["schemas"].update(execution["schemas"])
    served = served_operations()
    kept, paths = set(), {}
    for path, item in document["paths"].items():
        operations = {m: op for m, op in item.items()
                      if (m.upper(), template(path)) in served and (m.upper(), path) not in SELF_REVOKING}
        if operations:
            paths[path] = {**{k: v for k, v in item.items() if k not in ("get", "put", "post", "delete", "patch")}, **operations}
            kept |= {(m.upper(), template(path)) for m in operations}
    document["paths"] = paths
    return document, kept


def resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def integer_schema(schema: dict, components: dict) -> bool:
    schema = resolve(schema, components)
    return schema.get("type") == "integer" or any(resolve(s, components).get("type") == "integer" for s in schema.get("anyOf", []))

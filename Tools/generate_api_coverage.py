#!/usr/bin/env python3
"""Writes the coverage table of docs/zenml-api.md: every operation of ZenML 0.98.0's OpenAPI
document, marked served (from the binary's own route table, `enclave routes`), refused on
purpose (with the reason, kept below) or not yet served.

usage: Tools/generate_api_coverage.py ENCLAVE_BINARY
`test_zenml_api_coverage.py` fails when the table and the binary disagree."""
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "Tests" / "Fixtures" / "zenml-0.98" / "openapi.json"
DOC = ROOT / "docs" / "zenml-api.md"
BEGIN, END = "<!-- coverage:begin -->", "<!-- coverage:end -->"

# Path prefixes Enclave leaves out on purpose, and why.
REFUSED = {
    "/api/v1/workspaces": "0.98's deprecated aliases of `/projects`; the 0.98 client calls `/projects`",
    "/api/v1/stack-deployment": "deploys stacks on public clouds, which a closed site cannot reach",
    "/api/v1/secrets_operations": "moves values between ZenML secret stores; Enclave has one encrypted store",
    "/api/v1/onboarding_state": "ZenML's hosted onboarding checklist",
    "/api/v1/load-info": "ZenML's internal load diagnostics",
}


def template(path):
    return re.sub(r"\{[^}]*\}|:[^/]+", "{}", path)


def served(binary):
    out = subprocess.run([binary, "routes"], capture_output=True, text=True, check=True).stdout
    return {(line.split(" ", 1)[0].upper(), template(line.split(" ", 1)[1])) for line in out.splitlines()}


def table(binary):
    routes = served(binary)
    document = json.loads(DOCUMENT.read_text())
    rows, counts = [], {"served": 0, "refused": 0, "not yet": 0}
    for path, item in sorted(document["paths"].items()):
        for method in ("get", "post", "put", "patch", "delete"):
            if method not in item:
                continue
            if (method.upper(), template(path)) in routes:
                state = "served"
            else:
                reason = next((why for prefix, why in REFUSED.items() if path.startswith(prefix)), None)
                state = f"refused: {reason}" if reason else "not yet"
            counts[state.split(":")[0]] += 1
            rows.append(f"| `{method.upper()}` | `{path}` | {state} |")
    head = [f"{counts['served']} of {len(rows)} operations served, {counts['refused']} refused on purpose, "
            f"{counts['not yet']} not yet served.", "", "| method | path | state |", "|---|---|---|"]
    return "\n".join(head + rows)


def main():
    text = DOC.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    DOC.write_text(text[:start] + "\n" + table(sys.argv[1]) + "\n" + text[end:])


if __name__ == "__main__":
    main()

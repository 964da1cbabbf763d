"""Writes zenml_execution_openapi.json: the two operations ZenML 0.98's server declares only
when a workload manager is configured (running a snapshot, replaying a run), with every schema
they reach that the recorded document (Tests/Fixtures/zenml-0.98/openapi.json) lacks.
Run with the real server's package: .venv-bench/bin/python Tests/Integration/record_execution_openapi.py
"""
import json
import os
import tempfile
from pathlib import Path

os.environ.setdefault("ZENML_CONFIG_PATH", tempfile.mkdtemp())
os.environ["ZENML_ANALYTICS_OPT_IN"] = "false"
os.environ["ZENML_SERVER_WORKLOAD_MANAGER_IMPLEMENTATION_SOURCE"] = (
    "zenml.zen_server.pipeline_execution.in_memory_workload_manager.InMemoryWorkloadManager")

from zenml.zen_server.zen_server_api import app  # noqa: E402

HERE = Path(__file__).resolve().parent
OPERATIONS = ("/api/v1/pipeline_snapshots/{snapshot_id}/runs", "/api/v1/runs/{run_id}/replay")

document = app.openapi()
recorded = json.loads((HERE.parent / "Fixtures" / "zenml-0.98" / "openapi.json").read_text())
paths = {path: document["paths"][path] for path in OPERATIONS}
schemas, pending = {}, [json.dumps(paths)]
while pending:
    for name in set(part.split('"')[0] for part in pending.pop().split("#/components/schemas/")[1:]):
        if name not in schemas and name not in recorded["components"]["schemas"]:
            schemas[name] = document["components"]["schemas"][name]
            pending.append(json.dumps(schemas[name]))
(HERE / "zenml_execution_openapi.json").write_text(json.dumps({"paths": paths, "schemas": schemas}, indent=1, sort_keys=True) + "\n")
print(f"{len(paths)} operations, {len(schemas)} schemas the recorded document lacks")

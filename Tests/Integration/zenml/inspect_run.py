"""Prints, as JSON, what the ZenML client sees of one pipeline run: status, index,
steps with their inputs and outputs (artifact name, version, producer step) and the
values loaded back from the artifact store. Usage: inspect_run.py RUN_ID
"""
import json
import sys

from zenml.client import Client


def as_list(value):
    return value if isinstance(value, list) else [value]


def describe(version):
    return {
        "id": str(version.id),
        "artifact": version.artifact.name,
        "version": str(version.version),
        "producer_step_run_id": str(version.producer_step_run_id) if version.producer_step_run_id else None,
        "value": version.load(),
    }


run = Client().get_pipeline_run(sys.argv[1])
report = {"status": run.status.value, "index": run.index, "pipeline": run.pipeline.name, "steps": {}}
for name, step in run.steps.items():
    report["steps"][name] = {
        "id": str(step.id),
        "status": step.status.value,
        "original_step_run_id": str(step.original_step_run_id) if step.original_step_run_id else None,
        "inputs": {key: [describe(v) for v in as_list(value)] for key, value in step.inputs.items()},
        "outputs": {key: [describe(v) for v in as_list(value)] for key, value in step.outputs.items()},
    }
print("REPORT=" + json.dumps(report))

"""Runs snapshot NAME of `triggered_pipeline` from the server, as a user of the unchanged
client does: `python trigger_snapshot.py NAME [--count N] [--pause S] [--run-name T] [--wait]`.
Prints RUN_ID and, with --wait, the finished run's status, steps and total; a refusal is
printed as ERROR=<exception>: <message> with exit code 2.
"""
import argparse
import sys

from zenml.client import Client

parser = argparse.ArgumentParser()
parser.add_argument("snapshot")
parser.add_argument("--count", type=int)
parser.add_argument("--pause", type=float)
parser.add_argument("--bogus", type=int)
parser.add_argument("--run-name")
parser.add_argument("--wait", action="store_true")
args = parser.parse_args()

parameters = {name: value for name, value in (("count", args.count), ("pause", args.pause), ("bogus", args.bogus)) if value is not None}
configuration = {}
if parameters:
    configuration["steps"] = {"load": {"parameters": parameters}}
if args.run_name:
    configuration["run_name"] = args.run_name
try:
    run = Client().trigger_pipeline(snapshot_name_or_id=args.snapshot, pipeline_name_or_id="triggered_pipeline",
                                    run_configuration=configuration or None, synchronous=args.wait)
except Exception as error:  # the client's own exception and words are what the test checks
    print(f"ERROR={type(error).__name__}: {error}")
    sys.exit(2)
print(f"RUN_ID={run.id}")
print(f"RUN_NAME={run.name}")
if args.wait:
    print(f"RUN_STATUS={run.status.value}")
    print("STEPS=" + ",".join(f"{name}:{step.status.value}" for name, step in sorted(run.steps.items())))
    print(f"TOTAL={run.steps['total'].outputs['output'][0].load()}")

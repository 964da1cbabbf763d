"""A small pipeline to be run from the server by an Enclave agent. `python triggered_pipeline.py
NAME [--replace]` creates a named snapshot of it on the active stack (taking the name from an
older one with --replace) and runs nothing; `--run` runs it here, as a client calls a pipeline. Its `load` step takes
parameters a run configuration may override: how many rows, and how long to pause (for runs
that must still be running when a test acts on them).
"""
import sys
import time

from zenml import pipeline, step


@step
def load(count: int, pause: float) -> list:
    print(f"loading {count} rows")
    time.sleep(pause)
    return list(range(count))


@step
def total(rows: list) -> int:
    print(f"total of {len(rows)} rows")
    return sum(rows)


@pipeline(enable_cache=False)
def triggered_pipeline():
    total(load(count=3, pause=0.0))


if __name__ == "__main__":
    if sys.argv[1] == "--run":
        print(f"RUN_ID={triggered_pipeline().id}")
    else:
        snapshot = triggered_pipeline.create_snapshot(name=sys.argv[1], replace=True if "--replace" in sys.argv else None)
        print(f"SNAPSHOT_ID={snapshot.id}")

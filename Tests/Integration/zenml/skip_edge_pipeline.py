"""A four-step ZenML pipeline whose graph has skip edges: `load` feeds `preprocess`, `train`
and `evaluate`, so two edges pass a column. Run: python skip_edge_pipeline.py [--snapshot-only NAME]
(`--snapshot-only` creates a named snapshot of a pipeline of its own and runs nothing, which
leaves a pipeline that has no runs).
"""
import sys

from zenml import pipeline, step


@step
def load() -> list:
    return [3.0, 1.0, 2.0, 5.0]


@step
def preprocess(rows: list) -> list:
    return sorted(rows)


@step
def train(rows: list, raw: list) -> float:
    return sum(rows) / len(raw)


@step
def evaluate(weight: float, raw: list) -> dict:
    return {"weight": weight, "rows": len(raw)}


@pipeline(enable_cache=False)
def skip_edge_pipeline():
    raw = load()
    evaluate(train(preprocess(raw), raw), raw)


@pipeline(enable_cache=False)
def never_run_pipeline():
    raw = load()
    evaluate(train(preprocess(raw), raw), raw)


if __name__ == "__main__":
    if "--snapshot-only" in sys.argv:
        snapshot = never_run_pipeline.create_snapshot(name=sys.argv[sys.argv.index("--snapshot-only") + 1])
        print(f"SNAPSHOT_ID={snapshot.id}")
    else:
        run = skip_edge_pipeline()
        print(f"RUN_ID={run.id}")
        print(f"RUN_STATUS={run.status.value}")

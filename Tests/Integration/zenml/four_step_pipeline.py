"""A four-step ZenML pipeline used by the integration tests.

`load_data` has two outputs, `combine` consumes two inputs, and the values are
checked when loaded back. Run: python four_step_pipeline.py [--cache] [--model]
(`--model` runs it with a `Model` and tags, as the model-control-plane benchmark does).
"""
import sys
import time
from typing import Annotated, Tuple

from zenml import Model, pipeline, step


@step
def load_data() -> Tuple[Annotated[list, "features"], Annotated[list, "labels"]]:
    return [1.0, 2.0, 3.0, 4.0], [0, 1, 0, 1]


@step
def scale(features: list) -> list:
    return [value * 10 for value in features]


@step
def count_positive(labels: list) -> int:
    return sum(1 for label in labels if label == 1)


@step
def combine(scaled: list, positives: int) -> dict:
    return {"total": sum(scaled), "positives": positives}


@pipeline(enable_cache=False)
def four_step_pipeline():
    features, labels = load_data()
    combine(scale(features), count_positive(labels))


if __name__ == "__main__":
    cached = "--cache" in sys.argv
    started = time.perf_counter()
    options = {"enable_cache": cached}
    if "--model" in sys.argv:
        options.update(model=Model(name="bench-model", description="four steps", tags=["bench"]), tags=["nightly", "bench"])
    run = four_step_pipeline.with_options(**options)()
    print(f"PIPELINE_SECONDS={time.perf_counter() - started:.3f}")
    print(f"RUN_ID={run.id}")
    print(f"RUN_STATUS={run.status.value}")

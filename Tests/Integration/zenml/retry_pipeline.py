"""A step that fails once and then succeeds under StepRetryConfig, and a failing step with
an on_failure hook. Prints REPORT=… Recorded against the real zenml[server]==0.98.0 in
Tests/Fixtures/zenml-0.98/flow_h_retries_hooks.jsonl."""
import json
import os
from pathlib import Path

from zenml import pipeline, step
from zenml.client import Client
from zenml.config.retry_config import StepRetryConfig

MARK = Path(os.environ.get("RETRY_MARK", "/tmp/retry-mark"))


@step(retry=StepRetryConfig(max_retries=2, delay=0))
def flaky() -> int:
    if not MARK.exists():
        MARK.write_text("failed once")
        raise RuntimeError("first attempt fails")
    return 1


def on_failure(exception: BaseException) -> None:
    print("HOOK_RAN", type(exception).__name__)


@step(on_failure=on_failure)
def broken() -> int:
    raise ValueError("always fails")


@pipeline(enable_cache=False)
def retried():
    flaky()


@pipeline(enable_cache=False)
def hooked():
    broken()


if __name__ == "__main__":
    MARK.unlink(missing_ok=True)
    client = Client()
    run = retried()
    fresh = client.get_pipeline_run(run.id)
    steps = client.list_run_steps(pipeline_run_id=run.id, exclude_retried=False, size=50).items
    report = {"retried_run": str(fresh.status.value),
              "attempts": sorted((s.name, str(s.status.value)) for s in steps)}
    try:
        hooked()
    except Exception as error:  # the run fails; the hook ran in the step
        report["hooked_error"] = type(error).__name__
    last = client.list_pipeline_runs(pipeline_name="hooked", size=1, sort_by="desc:created").items[0]
    report["hooked_run"] = str(last.status.value)
    print("REPORT=" + json.dumps(report))

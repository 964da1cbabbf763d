"""`log_metadata` on a step (from inside it, with every typed value ZenML has), on the run
afterwards and on an artifact version; prints REPORT= with what the client reads back.
Recorded against the real zenml[server]==0.98.0 in Tests/Fixtures/zenml-0.98/flow_f_run_metadata.jsonl.
"""
import json

from zenml import pipeline, step, log_metadata
from zenml.client import Client
from zenml.metadata.metadata_types import DType, Path, StorageSize, Uri


@step
def train() -> int:
    log_metadata(metadata={"accuracy": 0.91, "layers": [3, 4], "config": {"lr": 0.01, "opt": "adam"},
                           "uri": Uri("gs://bucket/model"), "path": Path("/tmp/model"), "dtype": DType("int64"),
                           "size": StorageSize(2048), "flag": True, "count": 7, "name": "resnet"})
    return 3


@pipeline(enable_cache=False)
def metadata_pipeline():
    train()


if __name__ == "__main__":
    run = metadata_pipeline()
    log_metadata(metadata={"run_note": "after", "score": 1.5}, run_id_name_or_prefix=str(run.id))
    client = Client()
    version = client.get_pipeline_run(run.id).steps["train"].outputs["output"][0]
    log_metadata(metadata={"rows": 100, "uri": Uri("s3://x")}, artifact_version_id=version.id)
    fresh = client.get_pipeline_run(run.id)
    step_md = fresh.steps["train"].run_metadata
    out = {"run": {k: repr(v) for k, v in fresh.run_metadata.items()},
           "step": {k: repr(v) for k, v in step_md.items()},
           "artifact": {k: repr(v) for k, v in client.get_artifact_version(version.id).run_metadata.items()}}
    print("REPORT=" + json.dumps(out))

"""The model control plane as ZenML's docs teach it: a pipeline that declares a `Model`,
steps that read it from their context, artifacts linked as data and as the model, metadata
and tags on the model version, stages promoted with and without `force`, lookups by
`latest` and by stage. Prints REPORT=… for the test to compare. Recorded against the real
zenml[server]==0.98.0 in Tests/Fixtures/zenml-0.98/flow_i_models.jsonl."""
import json
import sys
from typing import Annotated

from zenml import ArtifactConfig, Model, get_step_context, log_metadata, pipeline, step
from zenml.client import Client
from zenml.enums import ArtifactType, ModelStages

MODEL = sys.argv[1] if len(sys.argv) > 1 else "churn"


@step
def load_data() -> Annotated[list, ArtifactConfig(name="dataset", artifact_type=ArtifactType.DATA)]:
    return [1, 2, 3, 4]


@step
def train(data: list) -> Annotated[dict, ArtifactConfig(name="classifier", artifact_type=ArtifactType.MODEL)]:
    model = get_step_context().model
    log_metadata(metadata={"accuracy": 0.5 + len(data) / 100}, infer_model=True)
    return {"weights": sum(data), "model": model.name, "version": str(model.version)}


@step
def evaluate(classifier: dict) -> float:
    return float(classifier["weights"]) / 10


@pipeline(enable_cache=False, model=Model(name=MODEL, description="Predicts churn", license="MIT", tags=["tabular"]))
def training():
    evaluate(train(load_data()))


if __name__ == "__main__":
    client = Client()
    training()
    training()
    first = client.get_model_version(MODEL, 1)
    second = client.get_model_version(MODEL, ModelStages.LATEST)
    first.set_stage(ModelStages.PRODUCTION)
    try:
        second.set_stage(ModelStages.PRODUCTION)
        taken = "no error"
    except Exception as e:  # the stage is held by version 1
        taken = type(e).__name__
    second.set_stage(ModelStages.PRODUCTION, force=True)
    client.update_model_version(MODEL, second.id, add_tags=["approved", "candidate"])
    client.update_model_version(MODEL, second.id, remove_tags=["candidate"])
    client.update_model(MODEL, add_tags=["churn-team"], description="Predicts churn monthly")
    log_metadata(metadata={"reviewed_by": "qa"}, model_name=MODEL, model_version=str(second.number))
    production = client.get_model_version(MODEL, ModelStages.PRODUCTION)
    second = client.get_model_version(MODEL, second.number)
    classifier = second.get_artifact("classifier")
    try:
        client.get_model_version(MODEL, 99)
        missing = "no error"
    except KeyError as e:
        missing = "KeyError"
    report = {
        "models": [m.name for m in client.list_models(name=MODEL).items],
        "model_tags": sorted(t.name for t in client.get_model(MODEL).tags),
        "versions": sorted((v.number, v.name, str(getattr(v.stage, "value", v.stage))) for v in client.list_model_versions(MODEL).items),
        "production": production.number,
        "taken": taken,
        "missing": missing,
        "first_stage": str(getattr(client.get_model_version(MODEL, 1).stage, "value", client.get_model_version(MODEL, 1).stage)),
        "second_tags": sorted(t.name for t in second.tags),
        "second_metadata": {k: v for k, v in second.run_metadata.items() if k in ("accuracy", "reviewed_by")},
        "model_artifacts": sorted(second.model_artifact_ids),
        "data_artifacts": sorted(second.data_artifact_ids),
        "classifier": classifier.load(),
        "runs": sorted(second.pipeline_run_ids),
    }
    print("REPORT=" + json.dumps(report, default=str))

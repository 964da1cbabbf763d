"""Run by the pinned mlflow client against Enclave: artifacts through the proxy and MLflow 3
logged models. Prints one JSON object with what the client saw."""
import hashlib
import json
import os
import sys
from pathlib import Path

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

flow = sys.argv[1]
client = MlflowClient()
out = {}
work = Path.cwd()


def error_of(call):
    try:
        call()
    except MlflowException as error:
        return {"code": error.error_code, "message": str(error)}
    except Exception as error:  # the client raises requests' HTTPError for proxy errors
        return {"code": type(error).__name__, "message": str(error)}
    return None


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(root: Path) -> dict:
    return {str(p.relative_to(root)): digest(p) for p in sorted(root.rglob("*")) if p.is_file()}


if flow == "artifacts":
    source = work / "source"
    (source / "sub" / "deeper").mkdir(parents=True)
    (source / "weird name +&.txt").write_text("spaces")
    (source / "sub" / "a.csv").write_text("x,y\n1,2\n")
    (source / "sub" / "deeper" / "blob.bin").write_bytes(os.urandom(300_000))
    hello = work / "hello.txt"
    hello.write_text("hello world\n")
    big = work / "big.bin"
    big.write_bytes(os.urandom(int(sys.argv[2])))
    mlflow.set_experiment("enclave-artifacts")
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(hello))
        mlflow.log_artifacts(str(source), "tree")
        mlflow.log_text("# notes\n", "notes/readme.md")
        mlflow.log_dict({"alpha": 1, "beta": [1, 2]}, "cfg/config.json")
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
        figure, axes = plt.subplots()
        axes.plot([0, 1, 2], [1, 0, 1])
        mlflow.log_figure(figure, "plots/line.png")
        mlflow.log_image(np.zeros((8, 8, 3), dtype=np.uint8), "plots/black.png")
        mlflow.log_artifact(str(big), "large")
    run_id = run.info.run_id
    out["root"] = [(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(run_id)]
    out["tree"] = [(f.path, f.is_dir) for f in client.list_artifacts(run_id, "tree")]
    out["plots"] = sorted(f.path for f in client.list_artifacts(run_id, "plots"))
    out["file_lists_empty"] = client.list_artifacts(run_id, "hello.txt") == []
    out["missing_lists_empty"] = client.list_artifacts(run_id, "nothing-here") == []
    fetched = Path(client.download_artifacts(run_id, "tree", str(work / "down-tree")))
    out["tree_round_trip"] = tree(fetched) == tree(source)
    out["hello"] = Path(client.download_artifacts(run_id, "hello.txt", str(work / "down-hello"))).read_text()
    out["config"] = mlflow.artifacts.load_dict(f"runs:/{run_id}/cfg/config.json")
    out["text"] = mlflow.artifacts.load_text(f"runs:/{run_id}/notes/readme.md")
    out["big_round_trip"] = digest(Path(client.download_artifacts(run_id, "large/big.bin", str(work / "down-big")))) == digest(big)
    out["missing_file"] = error_of(lambda: client.download_artifacts(run_id, "tree/nope.txt", str(work / "down-missing")))
    out["run_id"] = run_id
    out["artifact_uri"] = run.info.artifact_uri

elif flow == "models":
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    class Doubler(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input, params=None):
            return [int(2 * x) for x in np.asarray(model_input).ravel()]

    experiment = mlflow.set_experiment("enclave-models")
    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [0, 0, 1, 1]})
    dataset = mlflow.data.from_pandas(frame, source="toy.csv", name="toy", targets="y")
    with mlflow.start_run(run_name="trainer") as run:
        mlflow.log_input(dataset, context="training", tags={"split": "train"})
        info = mlflow.pyfunc.log_model(name="model", python_model=Doubler(), input_example=[1, 2])
        classifier = LogisticRegression().fit(frame[["x"]], frame["y"])
        sk_info = mlflow.sklearn.log_model(classifier, name="classifier")
        mlflow.log_metric("accuracy", 0.75, model_id=sk_info.model_id, dataset=dataset)
    run_id = run.info.run_id
    got = client.get_run(run_id)
    out["inputs"] = [(d.dataset.name, d.dataset.digest == dataset.digest, {t.key: t.value for t in d.tags}) for d in got.inputs.dataset_inputs]
    out["outputs"] = sorted(o.model_id for o in got.outputs.model_outputs) == sorted([info.model_id, sk_info.model_id])
    with mlflow.start_run(run_name="other"):
        mlflow.log_input(mlflow.data.from_pandas(frame.head(2), source="small.csv", name="small"), context="eval")
    by_dataset = lambda f: sorted(r.info.run_name for r in client.search_runs([experiment.experiment_id], f))
    out["dataset_filters"] = {
        "name": by_dataset("datasets.name = 'toy'"),
        "context": by_dataset("datasets.context = 'eval'"),
        "digest_in": by_dataset(f"datasets.digest IN ('{dataset.digest}', 'nope')"),
        "like_and": by_dataset("datasets.name LIKE 'sm%' AND datasets.context = 'eval'"),
        "none": by_dataset("datasets.name = 'absent'"),
    }
    out["bad_dataset_filter"] = error_of(lambda: client.search_runs([experiment.experiment_id], "datasets.rows > 3"))
    out["model_id_format"] = info.model_id.startswith("m-") and len(info.model_id) == 34
    logged = client.get_logged_model(sk_info.model_id)
    out["logged"] = {"name": logged.name, "status": str(logged.status), "run": logged.source_run_id == run_id,
                     "metrics": [(m.key, m.value, m.model_id == sk_info.model_id) for m in logged.metrics or []]}
    found = mlflow.search_logged_models(experiment_ids=[experiment.experiment_id], filter_string="name = 'classifier'", output_format="list")
    out["search_logged"] = [m.name for m in found]
    out["search_logged_all"] = sorted(m.name for m in mlflow.search_logged_models(experiment_ids=[experiment.experiment_id], output_format="list"))
    out["predict_runs_uri"] = list(mlflow.pyfunc.load_model(f"runs:/{run_id}/model").predict([1, 5]))
    out["predict_model_uri"] = list(mlflow.pyfunc.load_model(f"models:/{info.model_id}").predict([3]))
    registered = mlflow.register_model(f"models:/{info.model_id}", "doubler")
    out["registered"] = {"name": registered.name, "version": registered.version, "status": registered.status}
    second = mlflow.register_model(f"runs:/{run_id}/model", "doubler")
    out["second_version"] = second.version
    sk_registered = mlflow.register_model(f"models:/{sk_info.model_id}", "classifier-prod")
    client.set_registered_model_alias("doubler", "champion", "1")
    client.set_registered_model_tag("doubler", "team", "risk")
    client.set_model_version_tag("doubler", "1", "validated", "true")
    client.update_model_version("doubler", "1", description="first version")
    client.update_registered_model("doubler", description="doubles numbers")
    by_alias = client.get_model_version_by_alias("doubler", "champion")
    out["by_alias"] = {"version": by_alias.version, "aliases": list(by_alias.aliases), "tags": by_alias.tags, "description": by_alias.description}
    out["predict_alias"] = list(mlflow.pyfunc.load_model("models:/doubler@champion").predict([10]))
    out["predict_version"] = list(mlflow.pyfunc.load_model("models:/doubler/2").predict([4]))
    out["sklearn_predict"] = [int(v) for v in mlflow.sklearn.load_model("models:/classifier-prod/1").predict(pd.DataFrame({"x": [0.0, 3.0]}))]
    model = client.get_registered_model("doubler")
    out["model"] = {"tags": model.tags, "description": model.description, "aliases": dict(model.aliases),
                    "latest": sorted(v.version for v in model.latest_versions)}
    out["search_models"] = [m.name for m in client.search_registered_models(filter_string="name LIKE 'doub%'")]
    out["search_models_tag"] = [m.name for m in client.search_registered_models(filter_string="tags.team = 'risk'")]
    out["search_versions"] = sorted(v.version for v in client.search_model_versions("name = 'doubler'"))
    out["search_versions_run"] = sorted(v.name for v in client.search_model_versions(f"run_id = '{run_id}'"))
    out["duplicate"] = error_of(lambda: client.create_registered_model("doubler"))
    out["bad_source"] = error_of(lambda: client.create_model_version("doubler", "file:///etc/passwd", run_id=run_id))
    out["foreign_source"] = error_of(lambda: client.create_model_version("doubler", f"models:/{sk_info.model_id}"))
    out["traversal_source"] = error_of(lambda: client.create_model_version("doubler", f"runs:/{run_id}/../../x", run_id=run_id))
    out["stage"] = client.transition_model_version_stage("doubler", "2", "Production").current_stage
    client.transition_model_version_stage("doubler", "1", "Production", archive_existing_versions=True)
    out["archived"] = client.get_model_version("doubler", "2").current_stage
    out["latest"] = [(v.version, v.current_stage) for v in client.get_latest_versions("doubler", stages=["Production"])]
    client.delete_registered_model_alias("doubler", "champion")
    out["alias_gone"] = error_of(lambda: client.get_model_version_by_alias("doubler", "champion")) is not None
    client.delete_model_version("doubler", "2")
    third = client.create_model_version("doubler", f"models:/{info.model_id}", model_id=info.model_id)
    out["third_version"] = third.version
    client.rename_registered_model("doubler", "doubler-renamed")
    out["renamed_versions"] = sorted(v.version for v in client.search_model_versions("name = 'doubler-renamed'"))
    client.delete_registered_model("doubler-renamed")
    out["deleted"] = error_of(lambda: client.get_registered_model("doubler-renamed"))["code"]
    out["sk_registered"] = sk_registered.version

elif flow == "traces":
    import time

    experiment = mlflow.set_experiment("enclave-traces")

    @mlflow.trace(name="inner", span_type="TOOL")
    def inner(a):
        with mlflow.start_span(name="leaf") as span:
            span.set_attribute("depth", 2)
        return {"r": a + 1}

    @mlflow.trace
    def outer(a, b):
        return inner(a)["r"] + b

    with mlflow.start_run() as run:
        out["result"] = outer(3, 4)
    for value in range(3):
        outer(value, 1)
    mlflow.flush_trace_async_logging()
    deadline = time.time() + 30
    found = []
    while time.time() < deadline:
        found = mlflow.search_traces(locations=[experiment.experiment_id], return_type="list")
        if len(found) == 4 and all(len(t.data.spans) == 3 for t in found):
            break
        time.sleep(0.5)
    out["count"] = len(found)
    out["span_names"] = sorted({tuple(sorted(s.name for s in t.data.spans)) for t in found})
    first = [t for t in found if t.info.trace_metadata.get("mlflow.sourceRun") == run.info.run_id]
    out["in_run"] = len(first)
    trace = mlflow.get_trace(first[0].info.trace_id)
    spans = {s.name: s for s in trace.data.spans}
    out["tree"] = {"inner_parent": spans["inner"].parent_id == spans["outer"].span_id,
                   "leaf_parent": spans["leaf"].parent_id == spans["inner"].span_id,
                   "inputs": spans["outer"].inputs, "outputs": spans["outer"].outputs, "attribute": spans["leaf"].get_attribute("depth")}
    out["previews"] = {"request": trace.info.request_preview, "response": trace.info.response_preview, "state": str(trace.info.state)}
    client.set_trace_tag(trace.info.trace_id, "reviewed", "yes")
    out["tag"] = mlflow.get_trace(trace.info.trace_id).info.tags.get("reviewed")
    out["by_tag"] = len(mlflow.search_traces(locations=[experiment.experiment_id], filter_string="tags.reviewed = 'yes'", return_type="list"))
    frame = mlflow.search_traces(locations=[experiment.experiment_id])
    out["frame_rows"] = len(frame)
    client.delete_trace_tag(trace.info.trace_id, "reviewed")
    out["tag_gone"] = "reviewed" not in mlflow.get_trace(trace.info.trace_id).info.tags
    out["deleted"] = client.delete_traces(experiment.experiment_id, trace_ids=[trace.info.trace_id])
    out["left"] = len(mlflow.search_traces(locations=[experiment.experiment_id], return_type="list"))

print(json.dumps(out))

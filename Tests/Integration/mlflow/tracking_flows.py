"""Run by the pinned mlflow client (its own venv) against Enclave; prints one JSON object
with what the client saw. Credentials and the tracking URI come from the environment,
as a user's would (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_USERNAME/PASSWORD or _TOKEN)."""
import json
import sys

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag
from mlflow.exceptions import MlflowException

flow = sys.argv[1]
client = MlflowClient()
out = {}


def error_of(call):
    try:
        call()
    except MlflowException as error:
        return {"code": error.error_code, "message": str(error)}
    return None


if flow == "experiments":
    out["missing"] = client.get_experiment_by_name("does-not-exist") is None
    experiment = mlflow.set_experiment("enclave-experiments")  # get-by-name 404 → create → get
    out["set_experiment"] = {"id": experiment.experiment_id, "name": experiment.name, "location": experiment.artifact_location}
    tagged = client.create_experiment("tagged", tags={"team": "risk", "stage": "dev"}, artifact_location="mlflow-artifacts:/shared/tagged")
    got = client.get_experiment(tagged)
    out["tagged"] = {"tags": got.tags, "location": got.artifact_location, "stage": got.lifecycle_stage}
    out["duplicate"] = error_of(lambda: client.create_experiment("tagged"))
    client.set_experiment_tag(tagged, "stage", "prod")
    client.rename_experiment(tagged, "tagged-renamed")
    renamed = client.get_experiment(tagged)
    out["renamed"] = {"name": renamed.name, "tags": renamed.tags}
    client.delete_experiment(tagged)
    out["active_names"] = sorted(e.name for e in client.search_experiments())
    out["deleted_names"] = sorted(e.name for e in client.search_experiments(view_type=mlflow.entities.ViewType.DELETED_ONLY))
    client.restore_experiment(tagged)
    out["restored_stage"] = client.get_experiment(tagged).lifecycle_stage
    page = client.search_experiments(max_results=1)
    out["paged"] = {"first": len(page), "token": bool(page.token), "second": len(client.search_experiments(max_results=1, page_token=page.token))}
    out["bad_filter"] = error_of(lambda: client.search_experiments(filter_string="name = 'x' OR name = 'y'"))
    out["like"] = sorted(e.name for e in client.search_experiments(filter_string="name LIKE 'enclave-%'"))
    out["by_tag"] = [e.name for e in client.search_experiments(filter_string="tags.team = 'risk'")]
    out["ordered"] = [e.name for e in client.search_experiments(order_by=["name ASC"])]

elif flow == "runs":
    mlflow.set_experiment("enclave-runs")
    with mlflow.start_run(run_name="parent", tags={"team": "risk"}, description="the parent") as parent:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"layers": 3, "optimizer": "adam"})
        for step in range(5):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metrics({"acc": 0.9, "f1": 0.8})
        mlflow.log_metrics({"diverged": float("nan"), "overflow": float("inf")})
        mlflow.set_tag("owner", "ml-team")
        mlflow.set_tags({"a": "1", "b": "2"})
        with mlflow.start_run(run_name="child", nested=True) as child:
            mlflow.log_metric("child_metric", 7)
        out["relog_same"] = error_of(lambda: mlflow.log_param("lr", 0.01))
        out["relog_other"] = error_of(lambda: mlflow.log_param("lr", 0.02))
    run = client.get_run(parent.info.run_id)
    out["non_finite"] = [repr(run.data.metrics.pop("diverged")), repr(run.data.metrics.pop("overflow"))]
    out["parent"] = {"status": run.info.status, "name": run.info.run_name, "params": run.data.params, "metrics": run.data.metrics,
                     "tags": {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.source")},
                     "artifact_uri": run.info.artifact_uri, "experiment_id": run.info.experiment_id, "end": run.info.end_time is not None}
    out["child_parent_tag"] = client.get_run(child.info.run_id).data.tags.get("mlflow.parentRunId")
    out["history"] = [(m.step, m.value) for m in client.get_metric_history(parent.info.run_id, "loss")]

    batch_run = client.create_run(run.info.experiment_id, run_name="batch")
    metrics = [Metric("m", float(i), 1700000000000 + i, i) for i in range(1500)]
    client.log_batch(batch_run.info.run_id, metrics=metrics, params=[Param("p", "v")], tags=[RunTag("t", "x")])
    out["batch_history"] = len(client.get_metric_history(batch_run.info.run_id, "m"))
    out["batch_latest"] = client.get_run(batch_run.info.run_id).data.metrics["m"]
    client.delete_tag(batch_run.info.run_id, "t")
    out["tag_deleted"] = "t" not in client.get_run(batch_run.info.run_id).data.tags
    client.update_run(batch_run.info.run_id, name="batch-renamed")
    client.set_terminated(batch_run.info.run_id, status="FAILED")
    updated = client.get_run(batch_run.info.run_id)
    out["updated"] = {"name": updated.info.run_name, "status": updated.info.status, "name_tag": updated.data.tags.get("mlflow.runName")}
    client.delete_run(batch_run.info.run_id)
    out["deleted_stage"] = client.get_run(batch_run.info.run_id).info.lifecycle_stage
    out["active_runs"] = len(client.search_runs([run.info.experiment_id]))
    client.restore_run(batch_run.info.run_id)
    out["all_runs"] = len(client.search_runs([run.info.experiment_id]))
    page = client.search_runs([run.info.experiment_id], max_results=2)
    out["run_pages"] = [len(page), len(client.search_runs([run.info.experiment_id], max_results=2, page_token=page.token))]
    exp = [run.info.experiment_id]

    def names(filter_string="", order_by=None):
        return [r.info.run_name for r in client.search_runs(exp, filter_string=filter_string, order_by=order_by)]

    out["filters"] = {
        "metric_and_param": names("metrics.loss < 0.5 and params.optimizer = 'adam'"),
        "tag": names("tags.team = 'risk'"),
        "backticked": names("tags.`mlflow.runName` = 'child'"),
        "ilike": names("attributes.run_name ILIKE 'PAR%'"),
        "like_is_case_sensitive": names("attributes.run_name LIKE 'PAR%'"),
        "in": names(f"attributes.run_id IN ('{parent.info.run_id}', '{child.info.run_id}')", ["attributes.run_name ASC"]),
        "param_missing": names("params.lr IS NULL", ["attributes.run_name ASC"]),
        "status": names("attributes.status = 'FAILED'"),
        "start_time": len(names("attributes.start_time > 0")),
        "by_metric_desc": names("", ["metrics.child_metric DESC", "attributes.run_name ASC"]),
        "nan_before_missing": names("", ["metrics.diverged ASC", "attributes.run_name DESC"]),
        "nan_not_equal": names("metrics.diverged != 1"),
    }
    out["bad_filters"] = [error_of(lambda f=f: client.search_runs(exp, filter_string=f)) for f in
                          ["metrics.loss < 'x'", "params.lr > 1", "nonsense", "metrics.loss < 0.5 OR params.lr = '1'", "tags.x = 'unterminated"]]
    out["bad_order"] = error_of(lambda: client.search_runs(exp, order_by=["metrics.loss SIDEWAYS"]))
    frame = mlflow.search_runs(experiment_names=["enclave-runs"])
    out["pandas"] = {"rows": len(frame), "has_loss": "metrics.loss" in frame.columns}
    out["unknown_run"] = error_of(lambda: client.get_run("0123456789abcdef0123456789abcdef"))

elif flow == "async_and_charts":
    import os
    import requests
    mlflow.set_experiment("enclave-async")
    with mlflow.start_run() as first:
        for step in range(1000):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step, synchronous=False)
        mlflow.log_params({"mode": "async"}, synchronous=False)
    with mlflow.start_run() as second:
        mlflow.config.enable_async_logging(True)
        for step in range(0, 50):
            mlflow.log_metric("loss", float(step), step=step * 3)
        mlflow.config.enable_async_logging(False)
    out["history"] = len(client.get_metric_history(first.info.run_id, "loss"))
    out["params"] = client.get_run(first.info.run_id).data.params
    out["second"] = len(client.get_metric_history(second.info.run_id, "loss"))
    url = os.environ["MLFLOW_TRACKING_URI"] + "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"
    auth = (os.environ["MLFLOW_TRACKING_USERNAME"], os.environ["MLFLOW_TRACKING_PASSWORD"])
    sampled = requests.get(url, params={"run_ids": [first.info.run_id, second.info.run_id], "metric_key": "loss", "max_results": 10}, auth=auth).json()["metrics"]
    by_run = {}
    for metric in sampled:
        by_run.setdefault(metric["run_id"], []).append(metric["step"])
    out["sampled"] = {"first": by_run[first.info.run_id], "second": by_run[second.info.run_id]}
    window = requests.get(url, params={"run_ids": first.info.run_id, "metric_key": "loss", "start_step": 100, "end_step": 104}, auth=auth).json()["metrics"]
    out["window"] = [m["step"] for m in window]
    out["bad"] = requests.get(url, params={"run_ids": first.info.run_id, "metric_key": "loss", "start_step": 5}, auth=auth).json()["error_code"]

elif flow == "write":
    experiment = mlflow.set_experiment(sys.argv[2])
    run = client.create_run(experiment.experiment_id, run_name="writer")
    client.log_metric(run.info.run_id, "durable", 42.0, step=1)
    out["run_id"] = run.info.run_id

elif flow == "read":
    out["metrics"] = client.get_run(sys.argv[2]).data.metrics

elif flow == "dashboard":
    # Runs for the dashboard test: three models, an accuracy curve each, a hostile tag value.
    experiment = mlflow.set_experiment(sys.argv[2])
    out["experiment_id"], out["runs"] = experiment.experiment_id, {}
    for model, rate in (("cnn", 0.04), ("rnn", 0.02), ("cnn", 0.01)):
        with mlflow.start_run(run_name=f"{model}-{rate}") as run:
            mlflow.log_params({"model": model, "rate": rate})
            for step in range(20):
                mlflow.log_metric("acc", min(0.99, 0.3 + rate * step), step=step)
            mlflow.set_tag("note", sys.argv[3])
            if rate == 0.04:
                mlflow.log_text("hello from the run", "notes.txt")
                mlflow.log_text("<script>window.__xss=6</script>", "reports/summary.html")
            out["runs"][run.info.run_name] = run.info.run_id

elif flow == "steady":
    # Runs logged one after another (params, a metric history, a text artifact) for as long as
    # a replica behind the balancer is being killed and restarted: every call must come back.
    experiment = mlflow.set_experiment(sys.argv[2])
    out["runs"] = {}
    for index in range(int(sys.argv[3])):
        with mlflow.start_run(run_name=f"steady-{index}") as run:
            mlflow.log_param("index", index)
            for step in range(5):
                mlflow.log_metric("loss", 1.0 / (index + step + 1), step=step)
            mlflow.log_text(f"run {index}", "notes/run.txt")
            out["runs"][run.info.run_id] = index

elif flow == "verify":
    # What each acknowledged run of `steady` kept: its param, last loss and artifact text.
    out["runs"] = {}
    for run_id in json.loads(sys.argv[2]):
        run = client.get_run(run_id)
        text = mlflow.artifacts.load_text(f"runs:/{run_id}/notes/run.txt")
        history = [m.step for m in client.get_metric_history(run_id, "loss")]
        out["runs"][run_id] = {"index": run.data.params.get("index"), "loss": run.data.metrics.get("loss"), "text": text,
                               "steps": sorted(set(history)), "status": run.info.status}

elif flow == "whoami":
    out["error"] = error_of(lambda: client.search_experiments())
    out["write_error"] = error_of(lambda: client.create_experiment("viewer-made"))

print(json.dumps(out))

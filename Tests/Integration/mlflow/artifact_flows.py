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

print(json.dumps(out))

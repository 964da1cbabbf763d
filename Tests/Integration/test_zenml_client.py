"""The real zenml 0.98.0 CLI and SDK against a running Enclave, unchanged."""
import json
import re

from conftest import client_env, run_client


def run_pipeline(env, *flags):
    output = run_client(["python", "four_step_pipeline.py", *flags], env)
    run_id = re.search(r"RUN_ID=(\S+)", output).group(1)
    status = re.search(r"RUN_STATUS=(\S+)", output).group(1)
    return run_id, status, output


def inspect(env, run_id):
    output = run_client(["python", "inspect_run.py", run_id], env)
    return json.loads(re.search(r"REPORT=(.*)", output).group(1))


def test_login_with_api_key_then_status(bot):
    output = run_client(["zenml", "status"], bot["env"])
    assert f"Connected to a remote ZenML server: `{bot['server'].url}`" in output
    assert "The active user is: 'ci-bot'" in output
    assert "The active stack is: 'default'" in output
    assert "does not match the server version" not in output


def test_api_key_in_environment_without_login(server, tmp_path, bot):
    env = client_env(tmp_path / "env-only", ZENML_STORE_URL=server.url, ZENML_STORE_API_KEY=bot["key"])
    output = run_client(["zenml", "status"], env)
    assert "The active user is: 'ci-bot'" in output


def test_pipeline_runs_caches_and_keeps_lineage(bot):
    env = bot["env"]
    first_id, status, _ = run_pipeline(env)
    assert status == "completed"
    first = inspect(env, first_id)
    assert first["status"] == "completed" and first["pipeline"] == "four_step_pipeline"
    steps = first["steps"]
    assert set(steps) == {"load_data", "scale", "count_positive", "combine"}
    assert all(step["status"] == "completed" for step in steps.values())

    outputs = steps["load_data"]["outputs"]
    assert set(outputs) == {"features", "labels"}
    assert outputs["features"][0]["value"] == [1.0, 2.0, 3.0, 4.0]
    assert outputs["labels"][0]["value"] == [0, 1, 0, 1]
    assert outputs["features"][0]["version"] == "1"
    assert outputs["features"][0]["producer_step_run_id"] == steps["load_data"]["id"]

    combine = steps["combine"]
    assert set(combine["inputs"]) == {"scaled", "positives"}
    assert combine["inputs"]["scaled"][0]["producer_step_run_id"] == steps["scale"]["id"]
    assert combine["inputs"]["positives"][0]["producer_step_run_id"] == steps["count_positive"]["id"]
    assert combine["inputs"]["scaled"][0]["value"] == [10.0, 20.0, 30.0, 40.0]
    assert combine["inputs"]["positives"][0]["value"] == 2
    assert combine["outputs"]["output"][0]["value"] == {"total": 100.0, "positives": 2}

    cached_id, status, output = run_pipeline(env, "--cache")
    assert status == "completed"
    assert "All steps of the pipeline run were cached" in output
    cached = inspect(env, cached_id)
    assert cached["index"] == first["index"] + 1
    assert all(step["status"] == "cached" for step in cached["steps"].values())
    assert cached["steps"]["combine"]["original_step_run_id"] == combine["id"]
    assert cached["steps"]["combine"]["outputs"]["output"][0]["id"] == combine["outputs"]["output"][0]["id"]

    third_id, status, _ = run_pipeline(env)
    third = inspect(env, third_id)
    assert third["index"] == first["index"] + 2
    assert third["steps"]["load_data"]["outputs"]["features"][0]["version"] == "2"
    assert third["steps"]["combine"]["outputs"]["output"][0]["value"] == {"total": 100.0, "positives": 2}


def test_cli_lists_what_ran(bot):
    env = bot["env"]
    run_id, _, _ = run_pipeline(env)
    assert "four_step_pipeline" in run_client(["zenml", "pipeline", "list"], env)
    assert run_id in run_client(["zenml", "pipeline", "runs", "list"], env)
    artifacts = run_client(["zenml", "artifact", "list"], env)
    for name in ("features", "labels", "four_step_pipeline::combine::output"):
        assert name in artifacts


def test_stack_registration_and_a_run_on_it(bot):
    env = bot["env"]
    store_path = bot["tmp"] / "my-artifacts"
    run_client(["zenml", "artifact-store", "register", "my_store", "--flavor=local", f"--path={store_path}"], env)
    run_client(["zenml", "orchestrator", "register", "my_orch", "--flavor=local"], env)
    run_client(["zenml", "stack", "register", "my_stack", "-a", "my_store", "-o", "my_orch"], env)
    assert "my_stack" in run_client(["zenml", "stack", "list"], env)
    run_client(["zenml", "stack", "set", "my_stack"], env)
    assert "The active stack is: 'my_stack'" in run_client(["zenml", "status"], env)
    run_id, status, _ = run_pipeline(env)
    assert status == "completed"
    report = inspect(env, run_id)
    assert report["steps"]["combine"]["outputs"]["output"][0]["value"] == {"total": 100.0, "positives": 2}
    assert any(store_path.rglob("*")), "artifacts should be written to the registered store"


def test_duplicate_stack_name_is_refused_cleanly(bot):
    env = bot["env"]
    run_client(["zenml", "orchestrator", "register", "orch_a", "--flavor=local"], env)
    output = run_client(["zenml", "orchestrator", "register", "orch_a", "--flavor=local"], env, check=False)
    assert "already exists" in output
    assert "Traceback" not in output or "EntityExistsError" in output

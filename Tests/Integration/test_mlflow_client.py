"""The pinned, unchanged `mlflow` client (its own venv, MLFLOW_PYTHON) against the built
binary: experiments, runs, params, metrics, tags, batch logging with the client's own
chunking, searches and paging, metric history, credentials of every kind Enclave has,
and a metric that survives `kill -9`."""
import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
import requests

from conftest import ADMIN_PASSWORD, EnclaveServer, activate, create_service_account

HERE = Path(__file__).resolve().parent


def mlflow_python() -> str:
    python = os.environ.get("MLFLOW_PYTHON") or str(HERE.parents[1] / ".venv-mlflow" / "bin" / "python")
    if not os.access(python, os.X_OK):
        pytest.fail(f"the mlflow client's python is not at {python}; run `make test`")
    return python


def run_flow(url: str, flow: str, *args: str, username: str | None = "admin", password: str | None = ADMIN_PASSWORD,
             token: str | None = None, tmp: Path, script: str = "tracking_flows.py", extra_env: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "ZENML_"))}
    env.update(MLFLOW_TRACKING_URI=url, MLFLOW_DISABLE_TELEMETRY="true", DO_NOT_TRACK="true", ZENML_ANALYTICS_OPT_IN="false",
               MLFLOW_HTTP_REQUEST_MAX_RETRIES="0", HOME=str(tmp), PYTHONUNBUFFERED="1")
    if username:
        env.update(MLFLOW_TRACKING_USERNAME=username, MLFLOW_TRACKING_PASSWORD=password or "")
    if token:
        env["MLFLOW_TRACKING_TOKEN"] = token
    env.update(extra_env or {})
    done = subprocess.run([mlflow_python(), str(HERE / "mlflow" / script), flow, *args], env=env, cwd=tmp,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def tracking(tmp_path):
    server = EnclaveServer(tmp_path / "data").start()
    activate(server.url)
    yield server
    server.stop()


def test_experiments_through_the_real_client(tracking, tmp_path):
    seen = run_flow(tracking.url, "experiments", tmp=tmp_path)
    assert seen["missing"] is True
    assert seen["set_experiment"]["name"] == "enclave-experiments"
    assert seen["set_experiment"]["location"] == f"mlflow-artifacts:/{seen['set_experiment']['id']}"
    assert seen["tagged"] == {"tags": {"team": "risk", "stage": "dev"}, "location": "mlflow-artifacts:/shared/tagged", "stage": "active"}
    assert seen["duplicate"]["code"] == "RESOURCE_ALREADY_EXISTS"
    assert seen["renamed"] == {"name": "tagged-renamed", "tags": {"team": "risk", "stage": "prod"}}
    assert "tagged-renamed" not in seen["active_names"] and {"Default", "enclave-experiments"} <= set(seen["active_names"])
    assert seen["deleted_names"] == ["tagged-renamed"]
    assert seen["restored_stage"] == "active"
    assert seen["paged"] == {"first": 1, "token": True, "second": 1}
    assert seen["bad_filter"]["code"] == "INVALID_PARAMETER_VALUE"
    assert seen["like"] == ["enclave-experiments"]
    assert seen["by_tag"] == ["tagged-renamed"]
    assert seen["ordered"] == sorted(seen["ordered"]) and len(seen["ordered"]) == 3


def test_runs_params_metrics_and_tags_through_the_real_client(tracking, tmp_path):
    seen = run_flow(tracking.url, "runs", tmp=tmp_path)
    parent = seen["parent"]
    assert parent["status"] == "FINISHED" and parent["end"] and parent["name"] == "parent"
    assert parent["params"] == {"lr": "0.01", "layers": "3", "optimizer": "adam"}
    assert parent["metrics"] == {"loss": 0.2, "acc": 0.9, "f1": 0.8}
    assert seen["non_finite"] == ["nan", "inf"]  # sent as bare NaN/Infinity tokens, as Python's json writes them
    assert parent["tags"]["team"] == "risk" and parent["tags"]["owner"] == "ml-team" and parent["tags"]["a"] == "1"
    assert parent["tags"]["mlflow.note.content"] == "the parent" and parent["tags"]["mlflow.user"]
    assert parent["artifact_uri"].startswith(f"mlflow-artifacts:/{parent['experiment_id']}/")
    assert seen["child_parent_tag"]
    assert seen["relog_same"] is None
    assert seen["relog_other"]["code"] == "INVALID_PARAMETER_VALUE" and "Changing param values is not allowed" in seen["relog_other"]["message"]
    assert seen["history"] == [[step, 1.0 / (step + 1)] for step in range(5)]
    assert seen["batch_history"] == 1500 and seen["batch_latest"] == 1499.0  # 1000 + 500: the client's own chunking
    assert seen["tag_deleted"]
    assert seen["updated"] == {"name": "batch-renamed", "status": "FAILED", "name_tag": "batch-renamed"}
    assert seen["deleted_stage"] == "deleted"
    assert seen["active_runs"] == 2 and seen["all_runs"] == 3 and seen["run_pages"] == [2, 1]
    assert seen["pandas"] == {"rows": 3, "has_loss": True}
    filters = seen["filters"]
    assert filters["metric_and_param"] == ["parent"]
    assert filters["tag"] == ["parent"]
    assert filters["backticked"] == ["child"]
    assert filters["ilike"] == ["parent"] and filters["like_is_case_sensitive"] == []
    assert filters["in"] == ["child", "parent"]
    assert filters["param_missing"] == ["batch-renamed", "child"]
    assert filters["status"] == ["batch-renamed"]
    assert filters["start_time"] == 3
    assert filters["by_metric_desc"] == ["child", "batch-renamed", "parent"]  # runs without the metric come last
    assert filters["nan_before_missing"] == ["parent", "child", "batch-renamed"]  # as the real server: a NaN, then the runs without it
    assert filters["nan_not_equal"] == ["parent"]  # as the real server: a NaN differs from every number
    assert all(error and error["code"] == "INVALID_PARAMETER_VALUE" for error in seen["bad_filters"]), seen["bad_filters"]
    assert seen["bad_order"]["code"] == "INVALID_PARAMETER_VALUE"
    assert seen["unknown_run"]["code"] == "RESOURCE_DOES_NOT_EXIST"


def test_every_kind_of_credential_and_none(tracking, tmp_path):
    anonymous = run_flow(tracking.url, "whoami", username=None, tmp=tmp_path)
    assert anonymous["error"] is not None and anonymous["error"]["code"] == "UNAUTHENTICATED", anonymous
    wrong = run_flow(tracking.url, "whoami", password="wrong", tmp=tmp_path)
    assert wrong["error"] is not None and wrong["error"]["code"] == "UNAUTHENTICATED", wrong

    key = create_service_account(tracking.url, tmp_path / "zenml-admin")
    with_key = run_flow(tracking.url, "whoami", username=None, token=key, tmp=tmp_path)
    assert with_key["error"] is None and with_key["write_error"] is None

    token = requests.post(f"{tracking.url}/api/v1/login", data={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["access_token"]
    created = requests.post(f"{tracking.url}/api/v1/users", headers={"Authorization": f"Bearer {token}"}, timeout=30,
                            json={"name": "val", "password": "Viewer-Pass1", "role": "viewer", "is_admin": False})
    assert created.status_code == 200, created.text
    viewer = run_flow(tracking.url, "whoami", username="val", password="Viewer-Pass1", tmp=tmp_path)
    assert viewer["error"] is None
    assert viewer["write_error"]["code"] == "PERMISSION_DENIED"


def test_an_acknowledged_metric_survives_kill_9(tmp_path):
    server = EnclaveServer(tmp_path / "data").start()
    activate(server.url)
    written = run_flow(server.url, "write", "durability", tmp=tmp_path)
    assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    again = EnclaveServer(tmp_path / "data").start()
    try:
        assert run_flow(again.url, "read", written["run_id"], tmp=tmp_path)["metrics"] == {"durable": 42.0}
    finally:
        again.stop()


HOSTILE_VALUES = [None, "", "../../etc/passwd", "%2e%2e%2f", "x" * 9000, -1, 0, 2**31, 2**63 - 1, 2**63, 1.5e308, True, [], {}, ["a"] * 3,
                  "NaN", "\u0000", "' OR 1=1 --"]
FIELDS = ["experiment_id", "experiment_ids", "name", "new_name", "run_id", "run_uuid", "key", "value", "timestamp", "step", "max_results",
          "page_token", "filter", "order_by", "view_type", "run_view_type", "metrics", "params", "tags", "status", "end_time",
          "start_time", "metric_key", "experiment_name", "artifact_location", "run_name", "user_id",
          "model_id", "source", "version", "alias", "stage", "trace", "trace_id", "trace_ids", "locations", "datasets", "models",
          "run_ids", "start_step", "end_step", "request_ids", "max_timestamp_millis"]


def test_hostile_input_on_every_mlflow_route_is_a_client_error(tracking, tmp_path):
    """Every MLflow route the binary serves, each field set to each hostile value, as JSON
    and as a query, and malformed bodies: never a 5xx, always MLflow's error body, and the
    server stays up."""
    from openapi_document import served_operations
    from conftest import alive
    auth = ("admin", ADMIN_PASSWORD)
    routes = sorted(op for op in served_operations() if op[1].startswith(("/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/", "/api/3.0/mlflow/")))
    assert len(routes) >= 40
    import concurrent.futures

    def walk(route) -> int:
        method, path = route
        session = requests.Session()
        sent = 0
        # The ajax-api mirror runs the same handlers: its routes get the raw bodies only.
        for field in (FIELDS if path.startswith("/api/") else []):
            for value in HOSTILE_VALUES:
                if method == "GET":
                    response = session.get(tracking.url + path, params={field: json.dumps(value) if not isinstance(value, str) else value}, auth=auth, timeout=30)
                else:
                    response = session.request(method, tracking.url + path, data=json.dumps({field: value}), auth=auth, timeout=30,
                                               headers={"Content-Type": "application/json"})
                sent += 1
                assert response.status_code < 500, f"{method} {path} {field}={str(value)[:40]}: {response.status_code} {response.text[:300]}"
                if response.status_code != 200:
                    assert "error_code" in response.json(), f"{method} {path}: {response.text[:300]}"
        for raw in (b"{", b"\xff\xfe", b"[1,2]", b"null", b"{\"a\":" * 2000):
            if method != "GET":
                response = session.request(method, tracking.url + path, data=raw, auth=auth, headers={"Content-Type": "application/json"}, timeout=30)
                assert response.status_code < 500 and "error_code" in response.json(), f"{method} {path} {raw[:20]!r}: {response.text[:200]}"
        assert alive(tracking), f"the server died after {method} {path}"
        return sent

    # Four clients at once: the walk is bound by the Python side, and concurrency is hostile too.
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        sent = sum(pool.map(walk, routes))
    assert sent > 5000


def test_artifacts_through_the_proxy(tracking, tmp_path):
    big = 5 * 1024 * 1024 + 123
    seen = run_flow(tracking.url, "artifacts", str(big), tmp=tmp_path, script="artifact_flows.py",
                    extra_env={"MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE": str(1024 * 1024),
                               "MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE": str(1024 * 1024)})
    assert [tuple(entry[:2]) for entry in seen["root"]] == [
        ("cfg", True), ("hello.txt", False), ("large", True), ("notes", True), ("plots", True), ("tree", True)]
    assert dict((p, s) for p, _, s in seen["root"])["hello.txt"] == 12
    assert seen["tree"] == [["tree/sub", True], ["tree/weird name +&.txt", False]]
    assert seen["plots"] == ["plots/black.png", "plots/line.png"]
    assert seen["file_lists_empty"] and seen["missing_lists_empty"]
    assert seen["tree_round_trip"] and seen["big_round_trip"]
    assert seen["hello"] == "hello world\n" and seen["text"] == "# notes\n"
    assert seen["config"] == {"alpha": 1, "beta": [1, 2]}
    assert seen["missing_file"]["code"] == "RESOURCE_DOES_NOT_EXIST"
    stored = tmp_path / "data" / "artifacts" / seen["artifact_uri"].removeprefix("mlflow-artifacts:/")
    assert (stored / "tree" / "weird name +&.txt").read_text() == "spaces"
    assert (stored / "large" / "big.bin").stat().st_size == big
    # The 5 MiB file went up in six signed parts, not one PUT, and nothing was left staged.
    metrics = requests.get(f"{tracking.url}/metrics", timeout=10).text
    assert 'mpu/part' in metrics, metrics[-2000:]
    assert not [p for p in (tmp_path / "data" / "artifacts.incoming").iterdir()]


HOSTILE_ARTIFACT_PATHS = [
    "../../../../etc/passwd", "a/../../b", "%2e%2e/%2e%2e/etc/passwd", "%252e%252e/x", "%25252e%25252e/x",
    "%2Fetc%2Fpasswd", "C:%5Cwindows%5Cwin.ini", "c:/x", "%5C%5Cserver%5Cshare", "..%5C..%5Cx", "a%00b", "a%0Ab",
    "x%3Fy", "x%23y", "x%3By", "%E2%88%95etc%E2%88%95passwd", "%EF%BC%8E%EF%BC%8E/x", "%C0%AE%C0%AE/x", "a//b", "dot./x", "x" * 300,
]


def raw_request(url: str, method: str, path: str, body: bytes = b"", auth=("admin", ADMIN_PASSWORD)):
    """Sends `path` byte for byte (no client-side normalization) and returns (status, json)."""
    import base64
    import http.client
    from urllib.parse import urlsplit
    target = urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    headers = {"Content-Length": str(len(body))}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    try:
        return response.status, json.loads(data or b"{}")
    except ValueError:
        return response.status, {"raw": data[:200].decode(errors="replace")}


def test_hostile_artifact_paths_are_refused_and_touch_nothing(tracking, tmp_path):
    """Checklist B's paths on every artifact operation: each is a 4xx in MLflow's format,
    nothing is written outside a run's root, links inside the root are never followed."""
    session = requests.Session()
    session.auth = ("admin", ADMIN_PASSWORD)
    api = tracking.url + "/api/2.0/mlflow"
    run = session.post(api + "/runs/create", json={"experiment_id": "0"}).json()["run"]["info"]
    root = run["artifact_uri"].removeprefix("mlflow-artifacts:/")
    base = "/api/2.0/mlflow-artifacts/artifacts/" + root + "/"
    before = sorted(p for p in (tmp_path / "data").rglob("*"))
    for hostile in HOSTILE_ARTIFACT_PATHS:
        for method, prefix in (("PUT", base), ("GET", base), ("DELETE", base), ("PUT", "/api/2.0/mlflow-artifacts/artifacts/"),
                               ("POST", "/api/2.0/mlflow-artifacts/mpu/create/" + root + "/")):
            body = json.dumps({"path": "f.bin", "num_parts": 1}).encode() if method == "POST" else b"payload"
            status, answer = raw_request(tracking.url, method, prefix + hostile, body)
            assert 400 <= status < 500, f"{method} {hostile}: {status} {answer}"
            assert "error_code" in answer, f"{method} {hostile}: {answer}"
        status, answer = raw_request(tracking.url, "GET", "/api/2.0/mlflow-artifacts/artifacts?path=" + root + "/" + hostile)
        assert status == 400 and answer["error_code"] == "INVALID_PARAMETER_VALUE", f"list {hostile}: {status} {answer}"
    assert sorted(p for p in (tmp_path / "data").rglob("*") if "-wal" not in p.name and "-shm" not in p.name) == \
        [p for p in before if "-wal" not in p.name and "-shm" not in p.name]
    # Writes outside any run's root, or into a deleted run's, are refused.
    assert raw_request(tracking.url, "PUT", "/api/2.0/mlflow-artifacts/artifacts/0/loose.txt", b"x")[0] == 403
    assert raw_request(tracking.url, "PUT", "/api/2.0/mlflow-artifacts/artifacts/0/" + "f" * 32 + "/artifacts/x", b"x")[0] == 403
    # A link planted inside the root is not followed, for reading, listing or writing.
    folder = tmp_path / "data" / "artifacts" / root
    folder.mkdir(parents=True)
    (folder / "escape").symlink_to("/etc")
    status, answer = raw_request(tracking.url, "GET", base + "escape/passwd")
    assert status == 400 and answer["error_code"] == "INVALID_PARAMETER_VALUE" and "symbolic link" in answer["message"], answer
    assert raw_request(tracking.url, "GET", base + "escape")[0] == 400
    assert raw_request(tracking.url, "DELETE", base + "escape/passwd")[0] == 400 and Path("/etc/passwd").exists()
    assert raw_request(tracking.url, "GET", "/api/2.0/mlflow-artifacts/artifacts?path=" + root + "/escape")[1] == {}
    status, _ = raw_request(tracking.url, "PUT", base + "escape/planted", b"x")
    assert status == 400 and not Path("/etc/planted").exists()
    listing = raw_request(tracking.url, "GET", "/api/2.0/mlflow-artifacts/artifacts?path=" + root)[1]
    assert listing == {}, listing  # the link itself is not an artifact
    # Ranges: a part of a file, a suffix, and one outside it.
    assert raw_request(tracking.url, "PUT", base + "data.txt", b"0123456789")[0] == 200
    part = session.get(tracking.url + base + "data.txt", headers={"Range": "bytes=2-4"})
    assert part.status_code == 206 and part.content == b"234" and part.headers["Content-Range"] == "bytes 2-4/10"
    assert session.get(tracking.url + base + "data.txt", headers={"Range": "bytes=-3"}).content == b"789"
    assert session.get(tracking.url + base + "data.txt", headers={"Range": "bytes=20-30"}).status_code == 416
    served = session.get(tracking.url + base + "data.txt")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert raw_request(tracking.url, "PUT", base + "page.html", b"<script>alert(1)</script>")[0] == 200
    assert session.get(tracking.url + base + "page.html").headers["Content-Type"].startswith("text/plain")
    # A part URL needs its signature.
    status, answer = raw_request(tracking.url, "PUT", "/api/2.0/mlflow-artifacts/mpu/part/" + "a" * 32 + "/1?signature=00", b"x", auth=None)
    assert status == 401 and answer["error_code"] == "UNAUTHENTICATED"
    assert alive_after(tracking)


def alive_after(server) -> bool:
    from conftest import alive
    return alive(server)


def test_logged_models_datasets_and_the_registry(tracking, tmp_path):
    seen = run_flow(tracking.url, "models", tmp=tmp_path, script="artifact_flows.py")
    assert seen["inputs"] == [["toy", True, {"mlflow.data.context": "training", "split": "train"}]]
    assert seen["outputs"] and seen["model_id_format"]
    assert seen["dataset_filters"] == {"name": ["trainer"], "context": ["other"], "digest_in": ["trainer"], "like_and": ["other"], "none": []}
    assert seen["bad_dataset_filter"]["code"] == "INVALID_PARAMETER_VALUE"
    assert seen["logged"] == {"name": "classifier", "status": "READY", "run": True, "metrics": [["accuracy", 0.75, True]]}
    assert seen["search_logged"] == ["classifier"] and seen["search_logged_all"] == ["classifier", "model"]
    assert seen["predict_runs_uri"] == [2, 10] and seen["predict_model_uri"] == [6]
    assert seen["registered"] == {"name": "doubler", "version": "1", "status": "READY"}
    assert seen["second_version"] == "2" and seen["sk_registered"] == "1"
    assert seen["by_alias"] == {"version": "1", "aliases": ["champion"], "tags": {"validated": "true"}, "description": "first version"}
    assert seen["predict_alias"] == [20] and seen["predict_version"] == [8] and seen["sklearn_predict"] == [0, 1]
    assert seen["model"] == {"tags": {"team": "risk"}, "description": "doubles numbers", "aliases": {"champion": "1"}, "latest": ["2"]}
    assert seen["search_models"] == ["doubler"] and seen["search_models_tag"] == ["doubler"]
    assert seen["search_versions"] == ["1", "2"] and seen["search_versions_run"] == ["classifier-prod", "doubler", "doubler"]
    assert seen["duplicate"]["code"] == "RESOURCE_ALREADY_EXISTS"
    for refused in ("bad_source", "foreign_source", "traversal_source"):
        assert seen[refused]["code"] == "INVALID_PARAMETER_VALUE", (refused, seen[refused])
    assert seen["stage"] == "Production" and seen["archived"] == "Archived" and seen["latest"] == [["1", "Production"]]
    assert seen["alias_gone"] and seen["third_version"] == "3" and seen["renamed_versions"] == ["1", "3"]
    assert seen["deleted"] == "RESOURCE_DOES_NOT_EXIST"


def test_traces_with_nested_spans(tracking, tmp_path):
    """`@mlflow.trace` with nested spans: the client's asynchronous exporter sends the
    record and the OTLP spans in either order; search, get, tags and delete see them merged."""
    seen = run_flow(tracking.url, "traces", tmp=tmp_path, script="artifact_flows.py")
    assert seen["result"] == 8 and seen["count"] == 4 and seen["in_run"] == 1
    assert seen["span_names"] == [["inner", "leaf", "outer"]]
    assert seen["tree"] == {"inner_parent": True, "leaf_parent": True, "inputs": {"a": 3, "b": 4}, "outputs": 8, "attribute": 2}
    assert seen["previews"]["request"] == '{"a": 3, "b": 4}' and seen["previews"]["response"] == "8"
    assert seen["tag"] == "yes" and seen["by_tag"] == 1 and seen["frame_rows"] == 4 and seen["tag_gone"]
    assert seen["deleted"] == 1 and seen["left"] == 3


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _fixed64(number: int, value: int) -> bytes:
    return _varint(number << 3 | 1) + value.to_bytes(8, "little")


def otlp_body(trace_hex: str, spans: list[tuple[str, str | None, str, int, int]]) -> bytes:
    """An ExportTraceServiceRequest with `spans` as (span_hex, parent_hex, name, start_ns, end_ns)."""
    encoded = b""
    for span_hex, parent_hex, name, start, end in spans:
        attribute = _field(1, b"mlflow.spanInputs") + _field(2, _field(1, b'{"q": 1}'))
        span = (_field(1, bytes.fromhex(trace_hex)) + _field(2, bytes.fromhex(span_hex)) + (_field(4, bytes.fromhex(parent_hex)) if parent_hex else b"")
                + _field(5, name.encode()) + _fixed64(7, start) + _fixed64(8, end) + _field(9, attribute) + _field(15, _varint(3 << 3) + _varint(1)))
        encoded += _field(2, span)
    return _field(1, _field(2, encoded))


def test_trace_record_and_spans_merge_in_either_order_and_bad_otlp_is_refused(tracking):
    session = requests.Session()
    session.auth = ("admin", ADMIN_PASSWORD)
    v3 = tracking.url + "/api/3.0/mlflow"
    base_ns = 1_800_000_000_000_000_000

    def record(trace_hex):
        info = {"trace_id": "tr-" + trace_hex, "trace_location": {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "0"}},
                "request_time": "2027-01-15T08:00:00.250Z", "execution_duration": "0s", "state": "OK",
                "trace_metadata": {"mlflow.user": "x"}, "tags": {"mlflow.traceName": "root"}, "request_preview": "{}", "response_preview": "1"}
        answer = session.post(v3 + "/traces", json={"trace": {"trace_info": info}})
        assert answer.status_code == 200, answer.text
        return answer.json()["trace"]["trace_info"]

    def spans(trace_hex):
        body = otlp_body(trace_hex, [("00000000000000a1", None, "root", base_ns, base_ns + 31_000_000),
                                     ("00000000000000a2", "00000000000000a1", "child", base_ns + 1_000_000, base_ns + 2_000_000)])
        answer = session.post(tracking.url + "/v1/traces", data=body,
                              headers={"Content-Type": "application/x-protobuf", "X-Mlflow-Experiment-Id": "0"})
        assert answer.status_code == 200, answer.text

    spans_first, record_first = "11" * 16, "22" * 16
    spans(spans_first)
    assert record(spans_first)["tags"]["mlflow.trace.spansLocation"] == "TRACKING_STORE"
    early = record(record_first)
    assert "mlflow.trace.spansLocation" not in early["tags"]  # the client would upload traces.json now
    assert early["tags"]["mlflow.artifactLocation"] == f"mlflow-artifacts:/0/traces/tr-{record_first}/artifacts"
    spans(record_first)
    for trace_hex in (spans_first, record_first):
        got = session.get(v3 + "/traces/get", params={"trace_id": "tr-" + trace_hex}).json()["trace"]
        assert got["trace_info"]["tags"]["mlflow.trace.spansLocation"] == "TRACKING_STORE"
        assert got["trace_info"]["execution_duration"] == "0.031s" and got["trace_info"]["request_time"] == "2027-01-15T08:00:00.250Z"
        assert [s["name"] for s in got["spans"]] == ["root", "child"]
        child = got["spans"][1]
        assert child["parent_span_id"] == "AAAAAAAAAKE=" and child["status"] == {"code": "STATUS_CODE_OK"}
        assert child["attributes"] == [{"key": "mlflow.spanInputs", "value": {"string_value": '{"q": 1}'}}]
    # The client may upload traces.json into a recorded trace's folder, and nowhere else.
    assert session.put(f"{tracking.url}/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-{record_first}/artifacts/traces.json", data=b"{}").status_code == 200
    assert session.put(f"{tracking.url}/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-{'33' * 16}/artifacts/traces.json", data=b"{}").status_code == 403
    # Hostile OTLP bodies: truncated, wrong types, lengths past the end, ids of the wrong size, deep nesting.
    nested = b"\x01"
    for _ in range(40):
        nested = _field(6, _field(1, _field(1, b"k") + _field(2, nested)))
    deep = _field(1, _field(2, _field(2, _field(1, b"\x11" * 16) + _field(2, b"\x22" * 8) + _field(9, _field(1, b"k") + _field(2, nested)))))
    good = otlp_body("44" * 16, [("00000000000000b1", None, "x", 1, 2)])
    for body in (good[:-3], b"\x0a\xff\xff\xff\xff\x0f", b"\x0b", b"\xff" * 20, otlp_body("55" * 8, [("01", None, "x", 1, 2)]), deep,
                 _field(1, _field(2, _field(2, _field(5, b"\xff\xfe")))), os.urandom(4096)):
        answer = session.post(tracking.url + "/v1/traces", data=body, headers={"Content-Type": "application/x-protobuf"})
        assert 400 <= answer.status_code < 500 or answer.status_code == 200, answer.text
        assert answer.status_code == 200 or answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert session.post(tracking.url + "/v1/traces", data=b"{}", headers={"Content-Type": "application/json"}).status_code == 400
    assert requests.post(tracking.url + "/v1/traces", data=good, headers={"Content-Type": "application/x-protobuf"}, timeout=10).status_code == 401
    from conftest import alive
    assert alive(tracking)


def test_async_logging_and_the_ui_chart_endpoint(tracking, tmp_path):
    seen = run_flow(tracking.url, "async_and_charts", tmp=tmp_path)
    assert seen["history"] == 1000 and seen["params"] == {"mode": "async"} and seen["second"] == 50
    assert len(seen["sampled"]["first"]) == 10 and seen["sampled"]["first"][0] == 0 and seen["sampled"]["first"][-1] == 999
    assert seen["sampled"]["second"][0] == 0 and seen["sampled"]["second"][-1] == 147 and len(seen["sampled"]["second"]) == 10
    assert seen["window"] == [100, 101, 102, 103, 104]
    assert seen["bad"] == "INVALID_PARAMETER_VALUE"


MLFLOW_FAMILIES = ("/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/", "/api/3.0/mlflow/", "/ajax-api/3.0/mlflow/", "/api/2.0/mlflow-artifacts/",
                   "/ajax-api/2.0/mlflow-artifacts/", "/v1/", "/version")


def test_every_mlflow_route_refuses_the_unauthenticated(tracking):
    """The whole MLflow route table, read from the binary: no credentials, a wrong password,
    an unknown token and a malformed header each get 401 UNAUTHENTICATED with
    WWW-Authenticate, in MLflow's format; unknown MLflow paths too."""
    from openapi_document import served_operations
    routes = sorted(op for op in served_operations() if op[1].startswith(MLFLOW_FAMILIES))
    assert len(routes) >= 120, len(routes)
    families = {next(f for f in MLFLOW_FAMILIES if path.startswith(f)) for _, path in routes}
    assert families == set(MLFLOW_FAMILIES), families
    import re as regex
    wrong_password = "Basic " + __import__("base64").b64encode(b"admin:wrong").decode()
    bad = [None, "Bearer not-a-key", "Basic !!!", "Digest x"]
    checked_password = set()
    for method, path in routes + [("GET", "/api/2.0/mlflow/no/such/endpoint"), ("POST", "/api/3.0/mlflow/nothing")]:
        concrete = regex.sub(r"\{[^}]+\}", "x", path).replace("**", "a/b.txt")
        family = next((f for f in MLFLOW_FAMILIES if path.startswith(f)), path)
        # A wrong password costs a deliberate bcrypt check: once per route family is enough.
        extra = [wrong_password] if family not in checked_password else []
        checked_password.add(family)
        for header in bad + extra:
            headers = {"Authorization": header} if header else {}
            answer = requests.request(method, tracking.url + concrete, headers=headers, data=b"{}", timeout=30)
            assert answer.status_code == 401, f"{method} {concrete} with {header!r}: {answer.status_code} {answer.text[:200]}"
            assert answer.headers["WWW-Authenticate"].startswith("Basic"), concrete
            assert method == "HEAD" or answer.json()["error_code"] == "UNAUTHENTICATED", concrete
    missing = requests.get(tracking.url + "/api/2.0/mlflow/no/such/endpoint", auth=("admin", ADMIN_PASSWORD), timeout=10)
    assert missing.status_code == 404 and missing.json()["error_code"] == "ENDPOINT_NOT_FOUND"


def test_a_1_gib_artifact_streams_through_in_bounded_memory(tracking, tmp_path):
    """1 GiB up through the proxy (chunked, never whole in memory on either side) and back
    down: same SHA-256, and the server's peak RSS (VmHWM) stays under 100 MiB."""
    import hashlib
    session = requests.Session()
    session.auth = ("admin", ADMIN_PASSWORD)
    run = session.post(tracking.url + "/api/2.0/mlflow/runs/create", json={"experiment_id": "0"}).json()["run"]["info"]
    url = tracking.url + "/api/2.0/mlflow-artifacts/artifacts/" + run["artifact_uri"].removeprefix("mlflow-artifacts:/") + "/big/blob.bin"
    chunk = os.urandom(1 << 20)
    sent = hashlib.sha256()

    def body():
        for index in range(1024):
            piece = chunk[index % 7:] + chunk[:index % 7]
            sent.update(piece)
            yield piece

    assert session.put(url, data=body(), timeout=600).status_code == 200
    received = hashlib.sha256()
    size = 0
    with session.get(url, stream=True, timeout=600) as answer:
        assert answer.status_code == 200 and int(answer.headers["Content-Length"]) == 1 << 30
        for piece in answer.iter_content(1 << 20):
            received.update(piece)
            size += len(piece)
    assert size == 1 << 30 and received.hexdigest() == sent.hexdigest()
    status = Path(f"/proc/{tracking.process.pid}/status").read_text()
    peak_kib = int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])
    assert peak_kib < 100 * 1024, f"peak RSS {peak_kib} KiB"
    print(f"peak RSS after 1 GiB up and down: {peak_kib // 1024} MiB")


def test_counters_and_latest_values_hold_with_concurrent_writers(tracking):
    """Eight writers at once: every metric value kept and the latest one right, model
    version numbers 1…N with none shared or skipped, one dataset row however many runs log
    it, a param's first value kept and a different one refused."""
    import concurrent.futures
    api = tracking.url + "/api/2.0/mlflow"

    def session():
        s = requests.Session()
        s.auth = ("admin", ADMIN_PASSWORD)
        return s

    main = session()
    run = main.post(api + "/runs/create", json={"experiment_id": "0"}).json()["run"]["info"]["run_id"]

    def write_metrics(writer):
        s = session()
        for batch in range(25):
            steps = [writer + 8 * (batch * 20 + i) for i in range(20)]
            answer = s.post(api + "/runs/log-batch", json={"run_id": run, "metrics": [
                {"key": "m", "value": float(step), "timestamp": 1000 + step, "step": step} for step in steps]})
            assert answer.status_code == 200, answer.text
        return True

    main.post(api + "/registered-models/create", json={"name": "contended"}).raise_for_status()

    def register(writer):
        s = session()
        numbers = []
        for _ in range(10):
            answer = s.post(api + "/model-versions/create", json={"name": "contended", "source": f"runs:/{run}/model{writer}", "run_id": run})
            assert answer.status_code == 200, answer.text
            numbers.append(int(answer.json()["model_version"]["version"]))
        return numbers

    def log_param(writer):
        answer = session().post(api + "/runs/log-parameter", json={"run_id": run, "key": "shared", "value": "same"})
        return answer.status_code

    dataset = {"name": "shared-data", "digest": "d1", "source_type": "local", "source": "{}"}

    def log_dataset(writer):
        s = session()
        own = s.post(api + "/runs/create", json={"experiment_id": "0"}).json()["run"]["info"]["run_id"]
        s.post(api + "/runs/log-inputs", json={"run_id": own, "datasets": [{"dataset": dataset, "tags": [{"key": "mlflow.data.context", "value": f"w{writer}"}]}]}).raise_for_status()
        return own

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert all(pool.map(write_metrics, range(8)))
        versions = sorted(n for numbers in pool.map(register, range(8)) for n in numbers)
        assert set(pool.map(log_param, range(8))) == {200}
        dataset_runs = list(pool.map(log_dataset, range(8)))
    history = main.get(api + "/metrics/get-history", params={"run_id": run, "metric_key": "m", "max_results": 25000}).json()["metrics"]
    assert len(history) == 8 * 25 * 20 and len({m["step"] for m in history}) == 4000
    latest = main.get(api + "/runs/get", params={"run_id": run}).json()["run"]["data"]["metrics"]
    assert latest == [{"key": "m", "value": 3999.0, "timestamp": 4999, "step": 3999}]
    assert versions == list(range(1, 81))
    refused = main.post(api + "/runs/log-parameter", json={"run_id": run, "key": "shared", "value": "other"})
    assert refused.status_code == 400 and refused.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    found = main.post(api + "/runs/search", json={"experiment_ids": ["0"], "filter": "datasets.name = 'shared-data' AND datasets.digest = 'd1'"}).json()["runs"]
    assert sorted(r["info"]["run_id"] for r in found) == sorted(dataset_runs)
    contexts = {r["inputs"]["dataset_inputs"][0]["tags"][0]["value"] for r in found}
    assert contexts == {f"w{i}" for i in range(8)}

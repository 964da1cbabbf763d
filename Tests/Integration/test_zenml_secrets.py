"""The secret store through the real zenml client and the `enclave` binary: the CLI's
secret commands, scopes and roles, `{{secret.key}}` references in a pipeline run, the
keyring gate at start, online key rotation with concurrent writers, tamper detection in
values and in the audit trail."""
import hashlib
import json
import re
import shutil
import subprocess
import threading

import pytest
import requests

from conftest import (ADMIN_PASSWORD, HERE, ON_POSTGRES, EnclaveServer, activate, client_env, database_rows, enclave_binary, offline_args,
                      run_client, sqlite_only)


def token(url, username="admin", password=ADMIN_PASSWORD):
    answer = requests.post(f"{url}/api/v1/login", data={"username": username, "password": password}, timeout=30)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def create_user(url, name, password, role):
    answer = requests.post(f"{url}/api/v1/users", headers=token(url), timeout=30,
                           json={"name": name, "password": password, "role": role, "is_admin": role == "admin"})
    assert answer.status_code == 200, answer.text
    return token(url, name, password)


def enclave(*args, check=True, stdin=None):
    done = subprocess.run([enclave_binary(), *args], capture_output=True, text=True, timeout=600, input=stdin)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def secret_named(url, headers, name):
    listed = requests.get(f"{url}/api/v1/secrets", params={"name": name}, headers=headers, timeout=30).json()["items"]
    assert len(listed) == 1, listed
    return requests.get(f"{url}/api/v1/secrets/{listed[0]['id']}", headers=headers, timeout=30).json()


@pytest.fixture
def active(tmp_path):
    """A running, activated server on its own data folder, and the admin's auth header."""
    server = EnclaveServer(tmp_path / "data").start()
    activate(server.url)
    yield server, tmp_path / "data", token(server.url)
    server.stop()


def test_secret_commands_of_the_real_cli(bot):
    env, tmp = bot["env"], bot["tmp"]
    assert "created" in run_client(["zenml", "secret", "create", "db_creds", "--username=alice", "--api_token=s3cr3t-value"], env)
    (tmp / "values.json").write_text(json.dumps({"host": "db.internal", "port": "5432"}))
    run_client(["zenml", "secret", "create", "from_json", f"--values=@{tmp / 'values.json'}"], env)
    (tmp / "values.yaml").write_text("user: bob\npassword: 'p@ss: word'\n")
    run_client(["zenml", "secret", "create", "from_yaml", f"--values=@{tmp / 'values.yaml'}"], env)
    # Interactive: key, value (getpass reads stdin without a terminal), another?, key, value, another?
    interactive = subprocess.run([str(HERE.parents[1] / ".venv" / "bin" / "zenml"), "secret", "create", "typed", "-i"],
                                 input="token\nt0k3n-typed\ny\nregion\neu-1\nn\n", env=env, capture_output=True, text=True,
                                 timeout=300, start_new_session=True, cwd=HERE / "zenml")
    assert interactive.returncode == 0, interactive.stdout + interactive.stderr

    got = run_client(["zenml", "secret", "get", "db_creds"], env)
    assert "alice" in got and "s3cr3t-value" in got
    assert "p@ss: word" in run_client(["zenml", "secret", "get", "from_yaml"], env)
    typed = run_client(["zenml", "secret", "get", "typed"], env)
    assert "t0k3n-typed" in typed and "eu-1" in typed

    listed = run_client(["zenml", "secret", "list"], env)
    assert all(name in listed for name in ["db_creds", "from_json", "from_yaml", "typed"])
    assert "s3cr3t-value" not in listed and "alice" not in listed
    filtered = run_client(["zenml", "secret", "list", "--name", "startswith:from_"], env)
    assert "from_json" in filtered and "from_yaml" in filtered and "db_creds" not in filtered
    assert "Page (2/4)" in run_client(["zenml", "secret", "list", "--size", "1", "--page", "2"], env)

    run_client(["zenml", "secret", "update", "db_creds", "--api_token=rotated", '--values={"port": "6543"}', "--remove-keys=username"], env)
    updated = run_client(["zenml", "secret", "get", "db_creds"], env)
    assert "rotated" in updated and "6543" in updated and "alice" not in updated

    duplicate = run_client(["zenml", "secret", "create", "db_creds", "--x=1"], env, check=False)
    assert "already exists" in duplicate
    run_client(["zenml", "secret", "rename", "db_creds", "-n", "db_main"], env)
    assert "db_main" in run_client(["zenml", "secret", "list"], env)
    # The client does not catch this one itself: it ends on ZenML's EntityExistsError (as against ZenML's server).
    clash = run_client(["zenml", "secret", "rename", "db_main", "-n", "from_json"], env, check=False)
    assert "EntityExistsError: Found an existing public secret with the same 'from_json' name" in clash

    run_client(["zenml", "secret", "export", "db_main", "-f", str(tmp / "exported.yaml")], env)
    exported = (tmp / "exported.yaml").read_text()
    assert "api_token: rotated" in exported and "6543" in exported

    run_client(["zenml", "secret", "delete", "from_json", "-y"], env)
    assert "from_json" not in run_client(["zenml", "secret", "list"], env)
    gone = run_client(["zenml", "secret", "get", "from_json"], env, check=False)
    assert "Could not find" in gone or "No secret" in gone


def test_private_secrets_are_their_owners_and_viewers_get_no_values(server, tmp_path):
    activate(server.url)
    url, admin = server.url, token(server.url)
    editor = create_user(url, "eddie", "Editor-Pass1", "editor")
    viewer = create_user(url, "vera", "Viewer-Pass1", "viewer")
    mine = requests.post(f"{url}/api/v1/secrets", headers=editor, timeout=30,
                         json={"name": "shared_name", "private": True, "values": {"k": "editor-private-value"}})
    assert mine.status_code == 200 and mine.json()["body"]["values"] == {"k": "editor-private-value"}
    public = requests.post(f"{url}/api/v1/secrets", headers=admin, timeout=30,
                           json={"name": "shared_name", "private": False, "values": {"k": "public-value"}})
    assert public.status_code == 200, public.text  # a private and a public secret may share a name
    again = requests.post(f"{url}/api/v1/secrets", headers=editor, timeout=30, json={"name": "shared_name", "private": True, "values": {}})
    assert again.status_code == 409 and again.json()["detail"][0] == "EntityExistsError"

    private_id, public_id = mine.json()["id"], public.json()["id"]
    # Only the owner sees the private one, admins included.
    for who in (admin, viewer):
        listed = requests.get(f"{url}/api/v1/secrets", headers=who, timeout=30).json()
        assert [item["id"] for item in listed["items"]] == [public_id]
        assert requests.get(f"{url}/api/v1/secrets/{private_id}", headers=who, timeout=30).status_code == 404
        assert requests.delete(f"{url}/api/v1/secrets/{private_id}", headers=who, timeout=30).status_code in (403, 404)
    owner_list = requests.get(f"{url}/api/v1/secrets", headers=editor, timeout=30).json()
    assert {item["id"] for item in owner_list["items"]} == {private_id, public_id}
    assert all(item["body"]["values"] == {} for item in owner_list["items"])  # lists never carry values

    # A viewer reads names, not values, and writes nothing.
    seen = requests.get(f"{url}/api/v1/secrets/{public_id}", headers=viewer, timeout=30)
    assert seen.status_code == 200 and seen.json()["body"]["values"] == {}
    refused = requests.post(f"{url}/api/v1/secrets", headers=viewer, timeout=30, json={"name": "v", "values": {"a": "b"}})
    assert refused.status_code == 403 and isinstance(refused.json()["detail"], list)
    assert requests.put(f"{url}/api/v1/secrets/{public_id}", headers=viewer, timeout=30, json={"name": "x"}).status_code == 403
    assert requests.get(f"{url}/api/v1/secrets/{public_id}", headers=editor, timeout=30).json()["body"]["values"] == {"k": "public-value"}

    # Replacing values without patch_values drops the keys left out (ZenML's rule).
    replaced = requests.put(f"{url}/api/v1/secrets/{public_id}", headers=admin, timeout=30, json={"values": {"other": "v2"}})
    assert replaced.status_code == 200 and replaced.json()["body"]["values"] == {"other": "v2"}

    # Bad input: ZenML's error format, never a 500.
    for body in ({"values": {"a": "b"}}, {"name": "", "values": {}}, {"name": "x" * 256}, {"name": "n", "values": {"a": 5}},
                 {"name": "n", "values": ["a"]}, {"name": "n", "private": "maybe"}, {"name": "n", "values": {"": "v"}}):
        answer = requests.post(f"{url}/api/v1/secrets", headers=admin, timeout=30, json=body)
        assert 400 <= answer.status_code < 500 and "detail" in answer.json(), (body, answer.status_code, answer.text)
    for bad_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000000", "%00", "../../etc"):
        assert 400 <= requests.get(f"{url}/api/v1/secrets/{bad_id}", headers=admin, timeout=30).status_code < 500

    # The audit trail: admins only; reads, writes and refusals recorded, never a value.
    assert requests.get(f"{url}/api/enclave/audit", headers=editor, timeout=30).status_code == 403
    trail = requests.get(f"{url}/api/enclave/audit", headers=admin, params={"limit": 1000}, timeout=30).json()["items"]
    actions = [(item["action"], item["outcome"], item["secret_id"]) for item in trail]
    assert ("create", "ok", private_id) in actions and ("read", "ok", public_id) in actions
    assert ("read", "denied", private_id) in actions
    assert all(item["address"] == "127.0.0.1" for item in trail)
    assert "value" not in json.dumps(trail).replace("values", "")
    assert requests.get(f"{url}/api/enclave/audit/verify", headers=admin, timeout=30).json() == {"intact": True, "records": len(trail)}
    assert requests.get(f"{url}/api/enclave/audit", timeout=30).status_code == 401
    for params in ({"after": "-1"}, {"limit": "0"}, {"limit": "99999999999999999999999"}, {"after": "x"}, {"after": "9223372036854775807"}):
        answer = requests.get(f"{url}/api/enclave/audit", headers=admin, params=params, timeout=30)
        assert answer.status_code in (200, 422) and "detail" in answer.json() or answer.json()["items"] == [], (params, answer.text)


def test_a_component_references_a_secret_and_the_run_resolves_it(bot):
    env = bot["env"]
    run_client(["zenml", "secret", "create", "registry_auth", "--namespace=team-ml-private"], env)
    run_client(["zenml", "container-registry", "register", "reg", "--flavor=default", "--uri=localhost:5000",
                "--default_repository={{registry_auth.namespace}}"], env)
    shown = run_client(["zenml", "container-registry", "describe", "reg"], env)
    assert "{{registry_auth.namespace}}" in shown and "team-ml-private" not in shown
    run_client(["zenml", "stack", "register", "with_secret", "-a", "default", "-o", "default", "-c", "reg"], env)
    run_client(["zenml", "stack", "set", "with_secret"], env)
    output = run_client(["python", "secret_reference_pipeline.py"], env)
    assert "RUN_STATUS=completed" in output
    assert re.search(r"RESOLVED_SHA256=(\w+)", output).group(1) == hashlib.sha256(b"team-ml-private").hexdigest()


def data_files(folder):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir()) if path.is_file()}


def state_of(data):
    """What a refused start must leave as it was: the data folder's files and, in the
    PostgreSQL pass, the secret store's rows."""
    rows = database_rows(data, "SELECT secret_id, key, key_id, sealed FROM secrets_values ORDER BY secret_id, key") if ON_POSTGRES else []
    return data_files(data), rows


def serve_once(data):
    return subprocess.run([enclave_binary(), "serve", "--port", "0", "--data-dir", str(data), *offline_args(data)],
                          capture_output=True, text=True, timeout=60)


def test_the_server_refuses_to_start_without_its_keyring_and_changes_nothing(active, tmp_path):
    server, data, headers = active
    created = requests.post(f"{server.url}/api/v1/secrets", headers=headers, timeout=30,
                            json={"name": "kept", "values": {"password": "survives-restarts"}})
    assert created.status_code == 200
    assert server.stop() == 0
    keyring = data / "keyring.json"
    assert oct(keyring.stat().st_mode & 0o777) == "0o600"
    shutil.move(keyring, tmp_path / "kept-keyring.json")
    files, rows = state_of(data)

    missing = serve_once(data)
    assert missing.returncode != 0 and "keyring" in missing.stderr and "missing" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1, missing.stderr
    assert state_of(data) == (files, rows) and not keyring.exists()

    # Another ring (even one whose key has the same id) is refused as well.
    stranger = json.loads((tmp_path / "kept-keyring.json").read_text())
    stranger["keys"][0]["key"] = "A" * 43 + "="
    keyring.write_text(json.dumps(stranger))
    keyring.chmod(0o600)
    wrong = serve_once(data)
    assert wrong.returncode != 0 and "not the keyring of this database" in wrong.stderr
    assert state_of(data) == ({**files, "keyring.json": data_files(data)["keyring.json"]}, rows)

    keyring.chmod(0o644)
    too_open = serve_once(data)
    assert too_open.returncode != 0 and "0600" in too_open.stderr

    shutil.move(tmp_path / "kept-keyring.json", keyring)
    again = EnclaveServer(data).start()  # its own keyring back: the same secret opens
    try:
        assert secret_named(again.url, token(again.url), "kept")["body"]["values"] == {"password": "survives-restarts"}
    finally:
        again.stop()


@sqlite_only
def test_a_backup_and_its_keyring_make_a_working_server_elsewhere(active, tmp_path, monkeypatch):
    server, data, headers = active
    created = requests.post(f"{server.url}/api/v1/secrets", headers=headers, timeout=30,
                            json={"name": "kept", "values": {"password": "survives-restarts"}})
    assert created.status_code == 200
    backup = enclave("backup", "--data-dir", str(data), "--out", str(tmp_path / "copy.sqlite")).stdout
    assert "its keyring to" in backup and oct((tmp_path / "copy.sqlite.keyring").stat().st_mode & 0o777) == "0o600"
    assert server.stop() == 0

    # The keyring passed the way systemd passes a credential (LoadCredential=enclave-keyring:…).
    restored = tmp_path / "restored"
    restored.mkdir(mode=0o700)
    shutil.copy(tmp_path / "copy.sqlite", restored / "enclave.sqlite")
    credentials = tmp_path / "credentials"
    credentials.mkdir(mode=0o700)
    shutil.copy(tmp_path / "copy.sqlite.keyring", credentials / "enclave-keyring")
    (credentials / "enclave-keyring").chmod(0o400)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    server = EnclaveServer(restored).start()
    assert not (restored / "keyring.json").exists()
    try:
        assert secret_named(server.url, token(server.url), "kept")["body"]["values"] == {"password": "survives-restarts"}
    finally:
        server.stop()


def test_rotation_runs_online_and_loses_no_concurrent_write(active):
    server, data, headers = active
    session = requests.Session()
    session.headers.update(headers)
    ids = [session.post(f"{server.url}/api/v1/secrets", json={"name": f"s{i}", "values": {"v": f"initial-{i}", "w": "x" * 40}},
                        timeout=30).json()["id"] for i in range(400)]
    old_key = json.loads((data / "keyring.json").read_text())["primary"]
    latest, stop, failures = {}, threading.Event(), []

    def writer(offset):
        own = requests.Session()
        own.headers.update(headers)
        round_ = 0
        while not stop.is_set():
            for index in range(offset, len(ids), 4):
                value = f"w{offset}-r{round_}-{index}"
                answer = own.put(f"{server.url}/api/v1/secrets/{ids[index]}", params={"patch_values": "true"},
                                 json={"values": {"v": value}}, timeout=30)
                if answer.status_code != 200:
                    failures.append(answer.text)
                latest[index] = value
                if stop.is_set():
                    break
            round_ += 1

    threads = [threading.Thread(target=writer, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    rotation = enclave("secrets", "rotate-key", "--data-dir", str(data), *offline_args(data))
    stop.set()
    for thread in threads:
        thread.join()
    assert not failures, failures[:3]
    assert "re-wrapped" in rotation.stderr and "100%" in rotation.stderr
    new_key = json.loads((data / "keyring.json").read_text())["primary"]
    assert new_key != old_key and new_key in rotation.stdout

    for index, secret_id in enumerate(ids):
        values = session.get(f"{server.url}/api/v1/secrets/{secret_id}", timeout=30).json()["body"]["values"]
        assert values["v"] == latest.get(index, f"initial-{index}") and values["w"] == "x" * 40
    keys = dict(database_rows(data, "SELECT key_id, COUNT(*) FROM secrets_values GROUP BY key_id"))
    assert keys == {new_key: "800"}, keys
    assert "all 800 values of 400 secrets open" in enclave("secrets", "verify", "--data-dir", str(data), *offline_args(data)).stdout
    trail = enclave("audit", "list", "--data-dir", str(data), *offline_args(data)).stdout
    assert trail.count("\trotate-key\t") == 2 and "ok: " in trail


def test_a_moved_value_or_an_edited_audit_record_is_detected(active):
    server, data, headers = active
    first = requests.post(f"{server.url}/api/v1/secrets", headers=headers, timeout=30,
                          json={"name": "a", "values": {"user": "alice", "password": "pw-a"}}).json()["id"]
    second = requests.post(f"{server.url}/api/v1/secrets", headers=headers, timeout=30,
                           json={"name": "b", "values": {"password": "pw-b"}}).json()["id"]

    def move(from_secret, from_key):  # a sealed value put where another one belongs, by someone with the database
        database_rows(data, f"UPDATE secrets_values SET sealed = (SELECT sealed FROM secrets_values WHERE secret_id = '{from_secret}' "
                            f"AND key = '{from_key}') WHERE secret_id = '{first}' AND key = 'password'")

    move(second, "password")  # another secret's value, then another field's value of the same secret
    answer = requests.get(f"{server.url}/api/v1/secrets/{first}", headers=headers, timeout=30)
    assert answer.status_code == 500 and "pw-b" not in answer.text and "pw-a" not in answer.text
    assert answer.json()["detail"][0] == "RuntimeError"
    move(first, "user")
    assert requests.get(f"{server.url}/api/v1/secrets/{first}", headers=headers, timeout=30).status_code == 500
    verify = enclave("secrets", "verify", "--data-dir", str(data), *offline_args(data), check=False)
    assert verify.returncode != 0 and first in verify.stderr and second not in verify.stderr
    assert requests.get(f"{server.url}/api/v1/secrets/{second}", headers=headers, timeout=30).json()["body"]["values"] == {"password": "pw-b"}

    assert "intact" in enclave("audit", "verify", "--data-dir", str(data), *offline_args(data)).stdout
    database_rows(data, "UPDATE secrets_audit SET actor = 'someone else' WHERE sequence = 2")
    edited = enclave("audit", "verify", "--data-dir", str(data), *offline_args(data), check=False)
    assert edited.returncode != 0 and "record 2" in edited.stderr
    assert requests.get(f"{server.url}/api/enclave/audit/verify", headers=headers, timeout=30).json()["first_bad_record"] == 2
    database_rows(data, "DELETE FROM secrets_audit WHERE sequence = 2")
    deleted = enclave("audit", "verify", "--data-dir", str(data), *offline_args(data), check=False)
    assert deleted.returncode != 0 and "record 2 is missing" in deleted.stderr


def encodings(value: bytes):
    """The value as it could sit in a file: plain, hex, and base64 at each alignment
    (standard and URL-safe alphabets), so a value inside a longer encoded blob is found too."""
    import base64
    forms = {value, value.hex().encode(), value.hex().upper().encode()}
    for shift in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * shift + value)
            skip = (shift * 4 + 2) // 3  # characters that still hold the padding bytes
            forms.add(text[skip:len(text) - 4])  # drop the last group, which may mix in what follows
    return forms


def test_no_value_key_or_token_leaks_into_logs_answers_metrics_or_the_database(tmp_path):
    """The server at debug level through creates, reads, updates, lists, errors and the
    real client: no secret value, API key or bearer token in the log, in any answer that
    is not a read of that secret, in /metrics, or in the database, WAL and -shm files."""
    import secrets as random_source
    config = tmp_path / "config.json"
    keyring = tmp_path / "keys" / "ring.json"  # kept apart from the data folder, as a site may want
    config.write_text(json.dumps({"log_level": "debug", "secrets_keyring": str(keyring)}))
    data = tmp_path / "data"
    server = EnclaveServer(data, "--config", str(config)).start()
    values = [f"LEAK{random_source.token_hex(12)}" for _ in range(6)]
    answers = []
    try:
        activate(server.url)
        url, headers = server.url, token(server.url)
        bearer = headers["Authorization"].split()[1]
        created = requests.post(f"{url}/api/v1/secrets", headers=headers, timeout=30,
                                json={"name": "api", "values": {"password": values[0], "token": values[1]}})
        secret_id = created.json()["id"]
        updated = requests.put(f"{url}/api/v1/secrets/{secret_id}", headers=headers, params={"patch_values": "true"}, timeout=30,
                               json={"values": {"token": values[2]}})
        assert updated.status_code == 200
        for body in ({"name": "api", "values": {"password": values[3]}},           # taken name
                     {"name": "bad", "values": {"password": [values[3]]}},         # wrong type
                     {"name": "x" * 300, "values": {"password": values[3]}},       # too long a name
                     {"name": "bad", "values": {"password": values[3]}, "private": values[3]}):
            answers.append(requests.post(f"{url}/api/v1/secrets", headers=headers, timeout=30, json=body))
        answers.append(requests.post(f"{url}/api/v1/secrets", headers=headers, timeout=30, data=b'{"name": "raw", "values": {"p": "' + values[3].encode()))
        answers.append(requests.put(f"{url}/api/v1/secrets/{secret_id}", headers=headers, timeout=30, json={"name": "", "values": {"p": values[3]}}))
        answers.append(requests.get(f"{url}/api/v1/secrets", headers=headers, params={"hydrate": "true"}, timeout=30))
        answers.append(requests.get(f"{url}/api/v1/secrets", headers=headers, params={"name": f"contains:{values[0][:8]}"}, timeout=30))
        answers.append(requests.get(f"{url}/metrics", timeout=30))
        answers.append(requests.get(f"{url}/api/enclave/audit", headers=headers, timeout=30))
        assert all(answer.status_code < 500 for answer in answers), [(a.status_code, a.text[:200]) for a in answers]

        # The real client, logged in with a service account's API key, writes and reads too.
        from conftest import create_service_account
        key = create_service_account(url, tmp_path / "admin-config")
        env = client_env(tmp_path / "bot-config", ZENML_STORE_URL=url, ZENML_STORE_API_KEY=key)
        run_client(["zenml", "secret", "create", "from_cli", f"--value={values[4]}"], env)
        assert values[4] in run_client(["zenml", "secret", "get", "from_cli"], env)
        run_client(["zenml", "secret", "update", "from_cli", f"--value={values[5]}"], env)
        read_back = requests.get(f"{url}/api/v1/secrets/{secret_id}", headers=headers, timeout=30).json()["body"]["values"]
        assert read_back == {"password": values[0], "token": values[2]}

        assert keyring.stat().st_mode & 0o777 == 0o600 and not (data / "keyring.json").exists()
        # On disk while the server runs: the database, its WAL and shared memory.
        stored = b"".join(path.read_bytes() for path in data.iterdir() if path.is_file() and path.name != "keyring.json")
        for value in values:
            for form in encodings(value.encode()):
                assert form not in stored, f"a value sits in the data folder as {form!r}"
        for leaked in (key, bearer):
            assert leaked.encode() not in stored
    finally:
        server.stop()
    log = (tmp_path / "data-server.log").read_text() + "".join(server.output)
    assert '"level":"debug"' in log and '"msg":"request"' in log  # it did log, at debug level
    for text in [log] + [answer.text for answer in answers]:
        for value in values:
            assert value not in text
        assert key not in text and bearer not in text

"""The lists of records other modules own: users and service accounts (Identity's), secrets
(the secret store's), and the `user=` filter every owned list takes, through the real zenml
SDK and over plain HTTP. The control plane reads them only through those modules' APIs, so
these hold that filters, order and pages still mean what ZenML means by them."""
import json

import requests

from conftest import ADMIN_PASSWORD, activate, client_env, run_client


def token(url, username="admin", password=ADMIN_PASSWORD):
    answer = requests.post(f"{url}/api/v1/login", data={"username": username, "password": password}, timeout=30)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


SDK_LISTS = r"""
import json
from zenml.client import Client
c = Client()
out = {
    "a_users": sorted(u.name for u in c.list_users(name="startswith:a", size=50).items),
    "users_desc": [u.name for u in c.list_users(sort_by="desc:name", size=50).items],
    "one_of": sorted(u.name for u in c.list_users(name='oneof:["ada", "bob"]').items),
    # A list means one filter per value, joined like the others (ZenML's own reading).
    "both_names": sorted(u.name for u in c.list_users(name=["ada", "bob"]).items),
    "inactive_or_b": sorted(u.name for u in c.list_users(name="startswith:b", active=False, logical_operator="or").items),
    "second_page": [u.name for u in c.list_users(sort_by="name", size=2, page=2).items],
    "robots": [s.name for s in c.list_service_accounts(name="contains:robot", sort_by="name").items],
    "secrets_of_ada": sorted(s.name for s in c.list_secrets(user="ada").items),
    "private_mine": sorted(s.name for s in c.list_secrets(private=True).items),
    "shared": sorted(s.name for s in c.list_secrets(name="contains:shared").items),
    "owned_by_ada_id": sorted(s.name for s in c.list_secrets(user=str(c.get_user("ada").id)).items),
}
print("RESULT=" + json.dumps(out))
"""


def test_account_and_secret_lists_filter_order_and_page_as_zenml_does(server, tmp_path):
    url = server.url
    activate(url)
    admin = token(url)
    for name, active in [("ada", True), ("amos", True), ("bob", True), ("bea", False)]:
        answer = requests.post(f"{url}/api/v1/users", headers=admin, timeout=30,
                               json={"name": name, "password": "pw-" + name * 3, "is_admin": False, "active": active, "role": "editor"})
        assert answer.status_code == 200, answer.text
    for name in ["robot-two", "robot-one", "other-bot"]:
        assert requests.post(f"{url}/api/v1/service_accounts", headers=admin, timeout=30,
                             json={"name": name, "active": True}).status_code == 200
    ada = token(url, "ada", "pw-" + "ada" * 3)
    for headers, name, private in [(ada, "ada-shared", False), (ada, "ada-private", True), (admin, "admin-shared", False),
                                   (admin, "admin-private", True)]:
        answer = requests.post(f"{url}/api/v1/secrets", headers=headers, timeout=30,
                               json={"name": name, "private": private, "values": {"k": "v"}})
        assert answer.status_code == 200, answer.text

    env = client_env(tmp_path / "sdk", ZENML_STORE_URL=url, ZENML_STORE_USERNAME="admin", ZENML_STORE_PASSWORD=ADMIN_PASSWORD)
    output = run_client(["python", "-c", SDK_LISTS], env)
    result = json.loads(output.split("RESULT=", 1)[1].splitlines()[0])
    assert result["a_users"] == ["ada", "admin", "amos"]
    assert result["users_desc"] == ["bob", "bea", "amos", "admin", "ada"]
    assert result["one_of"] == ["ada", "bob"]
    assert result["both_names"] == []
    assert result["inactive_or_b"] == ["bea", "bob"]
    assert result["second_page"] == ["amos", "bea"]
    assert result["robots"] == ["robot-one", "robot-two"]
    # The admin sees public secrets and its own private ones, never ada's private one.
    assert result["secrets_of_ada"] == ["ada-shared"]
    assert result["owned_by_ada_id"] == ["ada-shared"]
    assert result["private_mine"] == ["admin-private"]
    assert result["shared"] == ["ada-shared", "admin-shared"]

    # The same rules over plain HTTP: totals, a page past the end, and bad filters.
    page = requests.get(f"{url}/api/v1/users", params={"name": "contains:a", "size": 2}, headers=admin, timeout=30).json()
    assert (page["total"], page["total_pages"], len(page["items"])) == (4, 2, 2)
    past = requests.get(f"{url}/api/v1/service_accounts", params={"page": 9}, headers=admin, timeout=30)
    assert past.status_code == 400 and "Invalid page 9" in json.dumps(past.json())
    for path, params in [("users", {"active": "perhaps"}), ("users", {"sort_by": "desc:password_hash"}),
                         ("secrets", {"private": "gt:1"}), ("service_accounts", {"name": "oneof:robot"})]:
        bad = requests.get(f"{url}/api/v1/{path}", params=params, headers=admin, timeout=30)
        assert bad.status_code == 422 and "detail" in bad.json(), (path, params, bad.text)
    nobody = requests.get(f"{url}/api/v1/secrets", params={"user": "nobody"}, headers=admin, timeout=30).json()
    assert nobody["total"] == 0 and nobody["items"] == []
    either = requests.get(f"{url}/api/v1/secrets", params={"user": "nobody", "name": "admin-shared", "logical_operator": "or"},
                          headers=admin, timeout=30).json()
    assert [s["name"] for s in either["items"]] == ["admin-shared"]
    huge = requests.get(f"{url}/api/v1/users", params={"page": str(2**62), "size": 10000}, headers=admin, timeout=30)
    assert huge.status_code == 400, huge.text

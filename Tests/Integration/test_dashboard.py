"""The dashboard in a real browser (Debian's headless Chromium through chromedriver) over a
server holding a pipeline run made by the real zenml client: log in through the form, open
the pipelines, runs and run pages, check what each shows, that stored XSS payloads are
shown as text and never run, that the console stays clean, and that logging out revokes the
session. Screenshots go to .build/dashboard-screenshots/."""
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException

from conftest import ADMIN_PASSWORD, HERE, EnclaveServer, activate, client_env, create_service_account, run_client
from test_mlflow_client import run_flow

SHOTS = Path(__file__).resolve().parents[2] / ".build" / "dashboard-screenshots"
PAYLOAD = '<img src=x onerror="window.__xss=1">'


class reloading:
    """A wait across a form's submit and the page it reloads: an element read just as the
    page goes is stale, which means "not yet", not a failure. Chromium reports some such reads
    as a bare inspector error ("Node with given id does not belong to the document") rather
    than a stale element; that is "not yet" too."""

    def __init__(self, browser):
        self.wait = WebDriverWait(browser, 20, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))

    def until(self, condition):
        def tolerant(driver):
            try:
                return condition(driver)
            except (NoSuchElementException, StaleElementReferenceException):
                raise
            except WebDriverException as error:
                if "does not belong to the document" in str(error):
                    return False
                raise
        return self.wait.until(tolerant)


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1300,1000",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def shot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def arrive(driver, path_end):
    """Waits until the browser shows a page whose URL ends with `path_end` (after a click)."""
    WebDriverWait(driver, 20).until(lambda d: d.current_url.split("?")[0].endswith(path_end) and
                                    d.execute_script("return document.readyState") == "complete")


def _attached(element):
    """Whether `element` is still on the page the browser shows (False once a new page replaced it)."""
    try:
        element.is_enabled()
        return True
    except StaleElementReferenceException:
        return False


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_the_dashboard_shows_a_real_run_and_runs_no_stored_script(bot, browser):
    env, url = bot["env"], bot["server"].url
    output = run_client(["python", "four_step_pipeline.py"], env)
    run_id = next(line.split("=", 1)[1] for line in output.splitlines() if line.startswith("RUN_ID="))
    token = requests.post(f"{url}/api/v1/login", data={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    # Hostile strings stored where the pages show them: a tag on the run and the run's metadata.
    tag = requests.post(f"{url}/api/v1/tags", headers=headers, timeout=30, json={"name": PAYLOAD, "color": "red"}).json()["id"]
    requests.post(f"{url}/api/v1/tag_resources", headers=headers, timeout=30,
                  json={"tag_id": tag, "resource_id": run_id, "resource_type": "pipeline_run"}).raise_for_status()
    project = requests.get(f"{url}/api/v1/projects", params={"name": "default"}, headers=headers, timeout=30).json()["items"][0]["id"]
    requests.post(f"{url}/api/v1/run-metadata", headers=headers, timeout=30, json={
        "project": project, "resources": [{"id": run_id, "type": "pipeline_run"}],
        "values": {"note": "</pre><script>window.__xss=2</script>"}, "types": {"note": "str"}}).raise_for_status()

    # Unauthenticated pages send the browser to the login form.
    browser.get(f"{url}/runs/{run_id}")
    assert "/login" in browser.current_url
    shot(browser, "01-login")
    browser.find_element(By.NAME, "username").send_keys("admin")
    browser.find_element(By.NAME, "password").send_keys(ADMIN_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    # Back where it was going, now signed in.
    arrive(browser, f"/runs/{run_id}")

    browser.get(f"{url}/pipelines")
    rows = browser.find_elements(By.CSS_SELECTOR, "#pipelines tbody tr")
    assert any("four_step_pipeline" in row.text and "completed" in row.text for row in rows), [r.text for r in rows]
    shot(browser, "02-pipelines")
    browser.find_element(By.LINK_TEXT, "four_step_pipeline").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "runs"))
    runs = browser.find_elements(By.CSS_SELECTOR, "#runs tbody tr")
    assert len(runs) == 1 and "completed" in runs[0].text and PAYLOAD in runs[0].text, [r.text for r in runs]
    shot(browser, "03-runs")
    runs[0].find_element(By.TAG_NAME, "a").click()
    arrive(browser, f"/runs/{run_id}")
    nodes = browser.find_elements(By.CSS_SELECTOR, "#dag g.node")
    assert sorted(n.find_element(By.TAG_NAME, "text").text for n in nodes) == ["combine", "count_positive", "load_data", "scale"]
    assert all("completed" in n.get_attribute("class") for n in nodes)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#dag path.edge")) == 4
    sections = {s.find_element(By.TAG_NAME, "h3").text.split()[0]: s.text for s in browser.find_elements(By.CSS_SELECTOR, "section.step")}
    assert set(sections) == {"load_data", "scale", "count_positive", "combine"}
    assert "features" in sections["load_data"] and "labels" in sections["load_data"]
    assert "window.__xss=2" in browser.find_element(By.ID, "run-metadata").text
    shot(browser, "04-run")
    # Nothing stored ran, and the page had nothing to complain about.
    assert browser.execute_script("return window.__xss === undefined")
    assert console_errors(browser) == []

    # A run still going reloads itself; a finished one does not.
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-refresh") is None
    going = requests.post(f"{url}/api/v1/runs", headers=headers, timeout=30, json={
        "project": project, "name": "still-going", "snapshot": requests.get(f"{url}/api/v1/runs/{run_id}", headers=headers, timeout=30)
        .json()["resources"]["snapshot"]["id"], "status": "running", "orchestrator_run_id": "going-1"}).json()[0]["id"]
    browser.get(f"{url}/runs/{going}")
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-refresh") == "5"
    browser.get(f"{url}/runs/{run_id}")

    # The session is an identity-store token: logging out revokes it server-side.
    session = next(c["value"] for c in browser.get_cookies() if c["name"] == "enclave_session")
    assert requests.get(f"{url}/pipelines", cookies={"enclave_session": session}, allow_redirects=False, timeout=30).status_code == 200
    browser.find_element(By.CSS_SELECTOR, "form.logout button").click()
    arrive(browser, "/login")
    again = requests.get(f"{url}/pipelines", cookies={"enclave_session": session}, allow_redirects=False, timeout=30)
    assert again.status_code == 303 and again.headers["Location"].startswith("/login")
    # ... and the same token no longer works on the ZenML API either.
    assert requests.get(f"{url}/api/v1/current-user", headers={"Authorization": f"Bearer {session}"}, timeout=30).status_code == 401


def test_traces_of_an_experiment(bot, browser, tmp_path):
    url = bot["server"].url
    run_flow(url, "traces", tmp=tmp_path, script="artifact_flows.py")
    login(browser, url)
    browser.get(f"{url}/experiments")
    browser.find_element(By.LINK_TEXT, "enclave-traces").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "tracking-runs"))
    browser.find_element(By.LINK_TEXT, "traces").click()
    rows = WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#traces tbody tr"))
    assert len(rows) == 3 and all("OK" in r.text for r in rows), [r.text for r in rows]  # the flow deletes one of its four
    shot(browser, "22-traces")
    rows[0].find_element(By.TAG_NAME, "a").click()
    spans = WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#spans tbody tr"))
    names = [s.find_element(By.TAG_NAME, "td").text for s in spans]
    assert names == ["outer", "inner", "leaf"], names
    depths = [s.find_element(By.CSS_SELECTOR, "span.indent").get_attribute("class") for s in spans]
    assert depths == ["indent i0", "indent i18", "indent i36"], depths
    shot(browser, "23-trace")
    assert console_errors(browser) == []


def login(browser, url):
    browser.get(f"{url}/login")
    browser.find_element(By.NAME, "username").send_keys("admin")
    browser.find_element(By.NAME, "password").send_keys(ADMIN_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    arrive(browser, "/pipelines")


def test_experiments_runs_and_metric_charts_from_the_real_mlflow_client(bot, browser, tmp_path):
    url = bot["server"].url
    made = run_flow(url, "dashboard", "churn <b>models</b>", "</td><script>window.__xss=3</script>", tmp=tmp_path)
    login(browser, url)
    browser.get(f"{url}/experiments")
    assert "churn <b>models</b>" in browser.find_element(By.ID, "experiments").text
    shot(browser, "05-experiments")
    browser.find_element(By.PARTIAL_LINK_TEXT, "churn <b>models</b>").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "tracking-runs"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#tracking-runs tbody tr")
    assert sorted(r.find_element(By.TAG_NAME, "a").text for r in rows) == sorted(made["runs"])
    headers = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#tracking-runs thead th")]
    assert "acc" in headers and "model" in headers and "rate" in headers, headers
    shot(browser, "06-experiment")
    # The same filter language as search_runs.
    box = browser.find_element(By.NAME, "filter")
    box.send_keys("metrics.acc > 0.5 and params.model = 'cnn'")
    box.submit()
    WebDriverWait(browser, 20).until(lambda d: "filter=" in d.current_url)
    shown = [r.find_element(By.TAG_NAME, "a").text for r in browser.find_elements(By.CSS_SELECTOR, "#tracking-runs tbody tr")]
    assert shown == ["cnn-0.04"], shown
    # Sorted by a metric, highest first.
    browser.get(f"{url}/experiments/{made['experiment_id']}?order=metrics.acc%20DESC")
    ordered = [r.find_element(By.TAG_NAME, "a").text for r in browser.find_elements(By.CSS_SELECTOR, "#tracking-runs tbody tr")]
    assert ordered == ["cnn-0.04", "rnn-0.02", "cnn-0.01"], ordered
    # A filter MLflow would refuse is explained, not a crash.
    browser.get(f"{url}/experiments/{made['experiment_id']}?filter=metrics.acc%20%3E%3E%3E%201")
    assert browser.find_elements(By.CSS_SELECTOR, ".error")
    # One run: its parameters, its tags shown as text, and a chart of the accuracy history.
    browser.get(f"{url}/experiments/{made['experiment_id']}/runs/{made['runs']['cnn-0.04']}")
    assert "rate" in browser.find_element(By.ID, "params").text
    assert "</td><script>window.__xss=3</script>" in browser.find_element(By.ID, "run-tags").text
    points = browser.find_element(By.CSS_SELECTOR, "figure.chart polyline").get_attribute("points").split()
    assert len(points) == 20
    shot(browser, "07-tracking-run")
    # Its artifacts, browsable and downloadable, always as attachments.
    listed = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#run-artifacts a")]
    assert listed == ["reports/", "notes.txt"], listed
    browser.find_element(By.LINK_TEXT, "reports/").click()
    reloading(browser).until(lambda d: "summary.html" in d.find_element(By.ID, "run-artifacts").text)
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    link = browser.find_element(By.LINK_TEXT, "summary.html").get_attribute("href")
    download = requests.get(link, cookies=cookies, timeout=30)
    assert download.status_code == 200 and download.text == "<script>window.__xss=6</script>"
    assert download.headers["Content-Disposition"].startswith("attachment") and download.headers["Content-Type"] == "application/octet-stream"
    base = f"{url}/experiments/{made['experiment_id']}/runs/{made['runs']['cnn-0.04']}/artifact"
    for hostile in ("../../../keyring.json", "/etc/passwd", "reports/../../x", ""):
        assert requests.get(base, params={"path": hostile}, cookies=cookies, timeout=30).status_code == 404, hostile
    assert requests.get(base, params={"path": "notes.txt"}, timeout=30, allow_redirects=False).status_code == 303  # signed-in only
    browser.get(f"{url}/experiments/{made['experiment_id']}/runs/{made['runs']['cnn-0.04']}")
    # Several runs side by side: ticked in the table, their params in one table, one chart with a line each.
    browser.get(f"{url}/experiments/{made['experiment_id']}")
    for box in browser.find_elements(By.CSS_SELECTOR, "#tracking-runs input[type=checkbox]"):
        box.click()
    browser.find_element(By.CSS_SELECTOR, "#compare-form button[type=submit]").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "compare-params"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#compare-acc polyline")) == 3
    assert "rnn" in browser.find_element(By.ID, "compare-params").text
    shot(browser, "20-compare")
    assert browser.execute_script("return window.__xss === undefined")
    assert console_errors(browser) == []


def test_zenml_login_without_a_key_is_approved_in_the_dashboard(server, browser, tmp_path):
    """`zenml login http://HOST`, what people type first: the client prints the dashboard's
    verification URL, the person approves the device there, the client is signed in; the
    device is listed and revoking it signs the client out."""
    url = server.url
    activate(url)
    env = client_env(tmp_path / "person", BROWSER="true")  # no browser to open here; the URL is printed
    client = subprocess.Popen([str(Path(sys.executable).parent / "zenml"), "login", url], env=env, cwd=HERE / "zenml",
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen, link = [], None
    deadline = time.time() + 120
    while link is None and time.time() < deadline:
        line = client.stdout.readline()
        if not line:
            break
        seen.append(line)
        found = re.search(r"(http://\S+/devices/verify\?\S+)", line)
        link = found.group(1) if found else None
    assert link, "".join(seen)
    login(browser, url)
    browser.get(link)
    assert "Approve a device" in browser.page_source
    assert browser.find_element(By.NAME, "user_code").get_attribute("value")
    shot(browser, "08-device")
    browser.find_element(By.CSS_SELECTOR, "form.approve button").click()
    WebDriverWait(browser, 20).until(lambda d: "Device approved" in d.page_source)
    output = "".join(seen) + client.communicate(timeout=120)[0]
    assert client.returncode == 0 and "Successfully logged in" in output, output
    who = run_client(["python", "-c", "from zenml.client import Client; print('USER=' + Client().active_user.name)"], env)
    assert "USER=admin" in who, who
    browser.get(f"{url}/devices")
    rows = browser.find_elements(By.CSS_SELECTOR, "#devices tbody tr")
    assert len(rows) == 1 and "active" in rows[0].text, [r.text for r in rows]
    shot(browser, "09-devices")
    rows[0].find_element(By.CSS_SELECTOR, "button").click()
    WebDriverWait(browser, 20).until(lambda d: "No devices" in d.page_source)
    after = run_client(["python", "-c", "from zenml.client import Client; print('USER=' + Client().active_user.name)"], env, check=False)
    assert "USER=admin" not in after
    assert console_errors(browser) == []


def test_artifact_versions_show_their_visualizations_safely(browser, tmp_path):
    """Artifacts → versions → one version, with the visualizations the server may read: CSV
    as a table, JSON indented, Markdown rendered (its raw HTML and script links left as text), a
    PNG, and HTML in a sandboxed frame whose script does not run."""
    shared = tmp_path / "shared"
    (shared / "store").mkdir(parents=True)
    server = EnclaveServer(tmp_path / "data", "--artifact-read-root", str(shared)).start()
    try:
        url = server.url
        activate(url)
        key = create_service_account(url, tmp_path / "admin-config")
        env = client_env(tmp_path / "bot-config", REPORT_HTML="<h1>Churn</h1><script>window.parent.__xss=4</script><p id=x>ok</p>",
                         REPORT_MARKDOWN="# Churn\n*up* and **down**\n\n- one\n- two\n\n[bad](javascript:window.__xss=5) "
                                         "<script>window.__xss=6</script><img src=x onerror=\"window.__xss=7\"> [ok](https://intra.example/)")
        run_client(["zenml", "login", url, "--api-key"], env, stdin=key + "\n")
        run_client(["zenml", "artifact-store", "register", "shared", "--flavor", "local", f"--path={shared / 'store'}"], env)
        run_client(["zenml", "stack", "register", "shared", "-o", "default", "-a", "shared", "--set"], env)
        run_id = re.search(r"RUN=(\S+)", run_client(["python", "visualization_pipeline.py"], env)).group(1)
        login(browser, url)
        browser.get(f"{url}/runs/{run_id}")
        browser.find_element(By.PARTIAL_LINK_TEXT, "table v").click()
        WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "version-facts"))
        assert [c.text for c in browser.find_elements(By.CSS_SELECTOR, "table.csv td")] == ["1", "2"]
        assert [c.text for c in browser.find_elements(By.CSS_SELECTOR, "table.csv th")] == ["a", "b"]
        assert "report" in browser.find_element(By.ID, "version-facts").text  # made by the report step
        shot(browser, "10-csv")
        browser.get(f"{url}/artifacts")
        names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#artifacts tbody a")]
        assert {"page", "notes", "table", "doc", "picture"} <= set(names), names
        shot(browser, "11-artifacts")
        browser.find_element(By.LINK_TEXT, "page").click()
        WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "artifact-versions"))
        browser.find_element(By.CSS_SELECTOR, "#artifact-versions tbody a").click()
        frame = WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "iframe.visual"))[0]
        assert frame.get_attribute("sandbox") == ""
        browser.switch_to.frame(frame)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Churn"
        browser.switch_to.default_content()
        shot(browser, "12-html")
        for name, check in (("doc", lambda: '"k"' in browser.find_element(By.CSS_SELECTOR, "pre.json").text),
                            ("notes", lambda: browser.find_element(By.CSS_SELECTOR, "div.markdown h3").text == "Churn"
                             and browser.find_element(By.CSS_SELECTOR, "div.markdown em").text == "up"
                             and [li.text for li in browser.find_elements(By.CSS_SELECTOR, "div.markdown li")] == ["one", "two"]
                             and [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "div.markdown a")] == ["https://intra.example/"]
                             and "<script>" in browser.find_element(By.CSS_SELECTOR, "div.markdown").text
                             and browser.execute_script("return window.__xss === undefined")),
                            ("picture", lambda: browser.execute_script(
                                "var i = document.querySelector('img.visual'); return i.complete && i.naturalWidth === 1"))):
            browser.get(f"{url}/artifacts")
            browser.find_element(By.LINK_TEXT, name).click()
            WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "artifact-versions"))
            browser.find_element(By.CSS_SELECTOR, "#artifact-versions tbody a").click()
            WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "version-facts"))
            assert check(), name
        shot(browser, "13-image")
        assert browser.execute_script("return window.__xss === undefined")
        assert [e for e in console_errors(browser) if "sandbox" not in e["message"]] == []
    finally:
        server.stop()


def test_models_of_both_control_planes(bot, browser):
    """ZenML's model versions with stages, runs and artifacts, and MLflow's registry, on one page."""
    url = bot["server"].url
    run_client(["python", "model_pipeline.py", "churn"], bot["env"])
    auth = ("admin", ADMIN_PASSWORD)
    requests.post(f"{url}/api/2.0/mlflow/registered-models/create", auth=auth, timeout=30,
                  json={"name": "fraud", "description": "boosting <script>window.__xss=5</script>"}).raise_for_status()
    login(browser, url)
    browser.get(f"{url}/models")
    row = browser.find_element(By.CSS_SELECTOR, "#models tbody tr").text
    assert "churn" in row and row.split()[-1] == "2", row  # version 2 is in production
    assert "boosting <script>window.__xss=5</script>" in browser.find_element(By.ID, "registered-models").text
    shot(browser, "14-models")
    browser.find_element(By.LINK_TEXT, "churn").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "model-versions"))
    versions = {r.find_element(By.TAG_NAME, "td").text: r.text for r in browser.find_elements(By.CSS_SELECTOR, "#model-versions tbody tr")}
    assert set(versions) == {"1", "2"} and "archived" in versions["1"] and "production" in versions["2"], versions
    assert "classifier" in versions["2"] and "approved" in versions["2"] and "training-" in versions["2"]
    shot(browser, "15-model")
    assert browser.execute_script("return window.__xss === undefined")
    assert console_errors(browser) == []


def signed_in(url, username, password):
    """A requests session logged in through the dashboard's form."""
    session = requests.Session()
    page = session.get(f"{url}/login", timeout=30).text
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    done = session.post(f"{url}/login", data={"username": username, "password": password, "csrf": csrf}, allow_redirects=False, timeout=30)
    assert done.status_code == 303, done.text
    return session


def test_administration_is_for_admins_and_viewers_only_look(bot, browser):
    url = bot["server"].url
    token = requests.post(f"{url}/api/v1/login", data={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    requests.post(f"{url}/api/v1/users", headers=headers, timeout=30,
                  json={"name": "vera", "password": "Vera-Passw0rd!", "role": "viewer", "is_admin": False}).raise_for_status()
    run_client(["zenml", "secret", "create", "dashboard-secret", "--k=v"], bot["env"])
    login(browser, url)
    browser.get(f"{url}/admin")
    facts = browser.find_element(By.ID, "system").text
    assert "0.1.0" in facts and "Free disk" in facts and "not installed by" in facts, facts
    shot(browser, "16-system")
    browser.get(f"{url}/admin/accounts")
    accounts = browser.find_element(By.ID, "accounts").text
    assert "vera" in accounts and "viewer" in accounts and "ci-bot" in accounts and "service account" in accounts
    # API keys made and revoked from the dashboard, and a role changed.
    browser.get(f"{url}/admin/accounts/ci-bot")
    browser.find_element(By.NAME, "key_name").send_keys("dash-key")
    browser.find_element(By.CSS_SELECTOR, "#key-form button").click()
    key = WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#new-key code"))[0].text
    assert key.startswith("ZENKEY_")
    assert requests.post(f"{url}/api/v1/login", data={"password": key}, timeout=30).status_code == 200
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#api-keys tbody tr") if "dash-key" in r.text)
    row.find_element(By.CSS_SELECTOR, "button").click()
    reloading(browser).until(lambda d: any("dash-key" in r.text and "revoked" in r.text for r in d.find_elements(By.CSS_SELECTOR, "#api-keys tbody tr")))
    assert requests.post(f"{url}/api/v1/login", data={"password": key}, timeout=30).status_code == 401
    shot(browser, "21-api-keys")
    browser.get(f"{url}/admin/accounts/vera")
    from selenium.webdriver.support.ui import Select
    Select(browser.find_element(By.NAME, "role")).select_by_value("editor")
    submitted = browser.find_element(By.ID, "role-form")
    browser.find_element(By.CSS_SELECTOR, "#role-form button").click()
    # The old page goes stale once the browser has the answer to the post; only then is the
    # change in the database, so the API put below cannot be overtaken by it.
    WebDriverWait(browser, 20).until(lambda d: not _attached(submitted))
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "role-form"))
    vera = requests.get(f"{url}/api/v1/users/vera", headers=headers, timeout=30).json()
    requests.put(f"{url}/api/v1/users/vera", headers=headers, timeout=30, json={"role": "viewer", "is_admin": False}).raise_for_status()
    assert vera["body"]["is_admin"] is False
    assert "editor" in browser.find_element(By.NAME, "role").get_attribute("value")
    # A person and a service account made from the dashboard; a person deactivated and back.
    browser.get(f"{url}/admin/accounts")
    browser.find_element(By.CSS_SELECTOR, "#account-form [name=name]").send_keys("nora")
    Select(browser.find_element(By.CSS_SELECTOR, "#account-form [name=role]")).select_by_value("editor")
    browser.find_element(By.CSS_SELECTOR, "#account-form [name=password]").send_keys("Nora-Passw0rd!")
    browser.find_element(By.CSS_SELECTOR, "#account-form button").click()
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/admin/accounts/nora"))
    nora = requests.get(f"{url}/api/v1/users/nora", headers=headers, timeout=30).json()
    assert nora["body"]["active"] is True and nora["body"]["is_service_account"] is False and nora["body"]["is_admin"] is False
    assert requests.post(f"{url}/api/v1/login", data={"username": "nora", "password": "Nora-Passw0rd!"}, timeout=30).status_code == 200
    nora_session = signed_in(url, "nora", "Nora-Passw0rd!")
    assert nora_session.get(f"{url}/pipelines", allow_redirects=False, timeout=30).status_code == 200
    browser.find_element(By.CSS_SELECTOR, "#active-form button").click()
    reloading(browser).until(lambda d: "Active: no" in d.find_element(By.CLASS_NAME, "active-state").text)
    assert requests.post(f"{url}/api/v1/login", data={"username": "nora", "password": "Nora-Passw0rd!"}, timeout=30).status_code == 401
    assert nora_session.get(f"{url}/pipelines", allow_redirects=False, timeout=30).status_code == 303  # her session ended too
    browser.find_element(By.CSS_SELECTOR, "#active-form button").click()
    reloading(browser).until(lambda d: "Active: yes" in d.find_element(By.CLASS_NAME, "active-state").text)
    assert requests.post(f"{url}/api/v1/login", data={"username": "nora", "password": "Nora-Passw0rd!"}, timeout=30).status_code == 200
    browser.get(f"{url}/admin/accounts")
    browser.find_element(By.CSS_SELECTOR, "#account-form [name=name]").send_keys("dash-sa")
    Select(browser.find_element(By.CSS_SELECTOR, "#account-form [name=kind]")).select_by_value("service")
    browser.find_element(By.CSS_SELECTOR, "#account-form button").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "key-form"))
    assert requests.get(f"{url}/api/v1/service_accounts/dash-sa", headers=headers, timeout=30).status_code == 200
    shot(browser, "22-accounts")
    browser.get(f"{url}/stacks")
    stacks = browser.find_element(By.ID, "stacks").text
    assert "default" in stacks and "orchestrator" in stacks and "artifact_store" in stacks, stacks
    shot(browser, "18-stacks")
    browser.get(f"{url}/secrets")
    assert "dashboard-secret" in browser.find_element(By.ID, "secrets").text
    assert "v" not in [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#secrets td")]  # no value before a reveal
    browser.find_element(By.CSS_SELECTOR, "#secrets form button").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "secret-values"))
    assert [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#secret-values td")] == ["k", "v"]
    shot(browser, "19-secret")
    browser.get(f"{url}/admin/audit")
    audit = browser.find_element(By.ID, "audit").text
    assert "create" in audit and "read" in audit and "admin" in audit, audit  # the reveal is audited
    shot(browser, "17-audit")
    assert console_errors(browser) == []
    # A taken name and a person without a password are refused on the form (a 400, which the
    # browser's console reports, so after its check); nothing is made.
    for name, password, problem in (("nora", "Other-Passw0rd!", "already exists"), ("nopass", "", "must not be empty")):
        browser.get(f"{url}/admin/accounts")
        browser.find_element(By.CSS_SELECTOR, "#account-form [name=name]").send_keys(name)
        browser.find_element(By.CSS_SELECTOR, "#account-form [name=password]").send_keys(password)
        browser.find_element(By.CSS_SELECTOR, "#account-form button").click()
        refusal = WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "p.error"))[0].text
        assert refusal and problem in refusal, refusal
    assert requests.get(f"{url}/api/v1/users/nopass", headers=headers, timeout=30).status_code == 404
    # A viewer sees the pages but no administration and no Admin link.
    viewer = signed_in(url, "vera", "Vera-Passw0rd!")
    assert viewer.get(f"{url}/admin", timeout=30).status_code == 403
    assert viewer.get(f"{url}/admin/audit", timeout=30).status_code == 403
    pipelines = viewer.get(f"{url}/pipelines", timeout=30)
    assert pipelines.status_code == 200 and 'href="/admin"' not in pipelines.text
    listing = viewer.get(f"{url}/secrets", timeout=30).text
    assert "dashboard-secret" in listing and "Reveal values" not in listing
    csrf = listing.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    secret_id = requests.get(f"{url}/api/v1/secrets", params={"name": "dashboard-secret"}, headers=headers, timeout=30).json()["items"][0]["id"]
    refused = viewer.post(f"{url}/secrets/{secret_id}/reveal", data={"csrf": csrf}, timeout=30)
    assert refused.status_code == 403 and ">v<" not in refused.text
    # Revealed values are never kept by the browser.
    admin = signed_in(url, "admin", ADMIN_PASSWORD)
    csrf = admin.get(f"{url}/secrets", timeout=30).text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    revealed = admin.post(f"{url}/secrets/{secret_id}/reveal", data={"csrf": csrf}, timeout=30)
    assert revealed.status_code == 200 and ">v<" in revealed.text and revealed.headers["Cache-Control"] == "no-store"


def test_hostile_ids_queries_and_forms_on_every_page(bot):
    """Every dashboard route from the binary's route table, with hostile ids, query values and
    form bodies, signed in and not: never a 5xx, and the server stays up."""
    from openapi_document import served_operations
    from conftest import alive
    url = bot["server"].url
    session = signed_in(url, "admin", ADMIN_PASSWORD)
    api_prefixes = ("/api/", "/ajax-api/", "/v1/", "/health", "/metrics", "/version")
    routes = sorted(op for op in served_operations() if not op[1].startswith(api_prefixes))
    assert len(routes) >= 25, routes
    values = ["x", "0", "-1", "99999999999999999999999", "../../etc/passwd", "%00", "<script>", "'; DROP TABLE runs; --", "a" * 5000, "\u202e"]
    for method, path in routes:
        for value in values:
            concrete = path.replace("{}", requests.utils.quote(value, safe=""))
            for client in (session, requests.Session()):
                answer = client.request(method, url + concrete, params={"page": value, "path": value, "filter": value, "order": value,
                                                                         "device_id": value, "runs": value, "status": value, "next": value},
                                        data={"csrf": value, "username": value, "password": value, "role": value, "action": value,
                                              "key": value, "key_name": value, "user_code": value, "device_id": value, "name": value,
                                              "kind": value},
                                        allow_redirects=False, timeout=30)
                assert answer.status_code < 500, (method, concrete, value, answer.status_code, answer.text[:300])
    assert alive(bot["server"])


def test_cookies_headers_and_forms_are_guarded(bot):
    url = bot["server"].url
    form = requests.get(f"{url}/login", timeout=30)
    policy = form.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy and "http" not in policy
    login_cookie = form.headers["Set-Cookie"]
    assert "HttpOnly" in login_cookie and "SameSite=Strict" in login_cookie
    # A login post without the form's token (another site's form) is refused.
    forged = requests.post(f"{url}/login", data={"username": "admin", "password": ADMIN_PASSWORD, "csrf": "x"}, allow_redirects=False, timeout=30)
    assert forged.status_code == 403 and "enclave_session" not in forged.headers.get("Set-Cookie", "")
    session = requests.Session()
    page = session.get(f"{url}/login", timeout=30).text
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    wrong = session.post(f"{url}/login", data={"username": "admin", "password": "nope", "csrf": csrf}, allow_redirects=False, timeout=30)
    assert wrong.status_code == 401 and "Wrong user name or password" in wrong.text
    page = session.get(f"{url}/login", timeout=30).text
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    done = session.post(f"{url}/login", data={"username": "admin", "password": ADMIN_PASSWORD, "csrf": csrf, "next": "//evil.example/x"},
                        allow_redirects=False, timeout=30)
    assert done.status_code == 303 and done.headers["Location"] == "/pipelines"
    cookie = done.headers["Set-Cookie"]
    assert "enclave_session=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    # Logging out needs the session's own form token.
    refused = session.post(f"{url}/logout", data={"csrf": "forged"}, allow_redirects=False, timeout=30)
    assert refused.status_code == 403
    assert session.get(f"{url}/pipelines", allow_redirects=False, timeout=30).status_code == 200
    # Service accounts have no dashboard: their API key is not a password.
    assert session.get(f"{url}/pipelines/not-a-pipeline", timeout=30).status_code == 404
    assert session.get(f"{url}/runs/nothing-here", timeout=30).status_code == 404
    for page_number in ("0", "-5", "99999999999999999999999", "abc"):
        assert session.get(f"{url}/pipelines", params={"page": page_number}, timeout=30).status_code == 200
    assert session.get(f"{url}/static/dashboard-nothing.css", timeout=30).status_code == 404
    # Pages and assets are compressed for browsers that accept it, and assets cached for good.
    page = session.get(f"{url}/pipelines", headers={"Accept-Encoding": "gzip"}, timeout=30)
    stylesheet = re.search(r'href="(/static/dashboard-[0-9a-f]+\.css)"', page.text).group(1)
    asset = session.get(f"{url}{stylesheet}", headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert asset.headers["Content-Encoding"] == "gzip" and "immutable" in asset.headers["Cache-Control"] and ":root" in asset.text
    # Pages are revalidated: an unchanged page answers 304 with no body to its own ETag.
    assert page.headers.get("Cache-Control") == "private, no-cache" and page.headers["ETag"].startswith('W/"')
    again = session.get(f"{url}/pipelines", headers={"If-None-Match": page.headers["ETag"], "Accept-Encoding": "gzip"}, timeout=30)
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == page.headers["ETag"]
    assert session.get(f"{url}/pipelines", headers={"If-None-Match": 'W/"0000"'}, timeout=30).status_code == 200
    api = requests.get(f"{url}/api/v1/info", headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert "Content-Encoding" not in api.headers


SWIFT_OPTIONAL = re.compile(r"(?<![\w-])nil(?![\w-])|Optional\(")


def crawl(session, url, limit=400):
    """Every dashboard page reachable by GET: the route table's pages without an id, then every
    same-origin link they and the pages after them hold (each address once, up to `limit`).
    Returns {address: html}; no page may answer 5xx."""
    from openapi_document import served_operations
    skipped = ("/api/", "/ajax-api/", "/v1/", "/health", "/metrics", "/version", "/static/", "/logout", "/simple")
    queue = sorted(path for method, path in served_operations() if method == "GET" and "{}" not in path and not path.startswith(skipped))
    seen, pages = set(queue), {}
    while queue and len(pages) < limit:
        path = queue.pop(0)
        answer = session.get(url + path, allow_redirects=False, timeout=30)
        assert answer.status_code < 500, (path, answer.status_code, answer.text[:300])
        if "text/html" not in answer.headers.get("Content-Type", ""):
            continue
        pages[path] = answer.text
        for link in re.findall(r'href="(/[^"#]*)"', answer.text):
            link = link.replace("&amp;", "&")
            if link not in seen and not link.startswith(skipped):
                seen.add(link)
                queue.append(link)
    return pages


def printed_optionals(pages):
    return {path: SWIFT_OPTIONAL.findall(html) for path, html in pages.items() if SWIFT_OPTIONAL.search(html)}


def test_no_page_prints_a_swift_optional_over_an_empty_and_a_full_database(bot, browser, tmp_path):
    """Every page the dashboard links to, over a new install and over one holding pipelines
    with and without runs, a skip-edge DAG, a model, MLflow experiments and a secret: none
    shows Swift's `nil` or `Optional(`. The skip-edge run's graph leaves every edge in view."""
    url, env = bot["server"].url, bot["env"]
    admin = signed_in(url, "admin", ADMIN_PASSWORD)
    empty = crawl(admin, url)
    assert {"/pipelines", "/experiments", "/models", "/artifacts", "/stacks", "/admin"} <= set(empty), sorted(empty)
    assert printed_optionals(empty) == {}

    run_client(["python", "skip_edge_pipeline.py", "--snapshot-only", "nightly"], env)
    output = run_client(["python", "skip_edge_pipeline.py"], env)
    run_id = next(line.split("=", 1)[1] for line in output.splitlines() if line.startswith("RUN_ID="))
    run_client(["python", "four_step_pipeline.py", "--model"], env)
    run_client(["python", "visualization_pipeline.py"], env)
    run_client(["zenml", "secret", "create", "warehouse", "--password=hunter2"], env)
    run_flow(url, "dashboard", "churn", "first", tmp=tmp_path)
    full = crawl(admin, url)
    assert len(full) > len(empty) + 10, sorted(full)
    assert any(path.startswith("/runs/") for path in full) and any(path.startswith("/experiments/") for path in full)
    assert printed_optionals(full) == {}
    # The pipeline that has only a snapshot is listed, with an empty status.
    listed = re.search(r'<tr><td><a href="/pipelines/[^"]+">never_run_pipeline</a></td><td>0</td>.*?</tr>', full["/pipelines"], re.S)
    assert listed and 'class="status' not in listed.group(0), full["/pipelines"][:2000]

    # In the browser, every edge of the skip-edge DAG stays clear of the boxes it does not join.
    login(browser, url)
    browser.get(f"{url}/runs/{run_id}")
    hidden = browser.execute_script("""
        const boxes = [...document.querySelectorAll('#dag g.node')].map(g => {
          const id = g.parentElement.getAttribute('href').slice('#step-'.length), r = g.querySelector('rect').getBBox();
          return {id, x: r.x, y: r.y, w: r.width, h: r.height};
        });
        const found = [];
        for (const path of document.querySelectorAll('#dag path.edge')) {
          const length = path.getTotalLength();
          for (let i = 0; i <= 100; i++) {
            const p = path.getPointAtLength(length * i / 100);
            for (const b of boxes) {
              if (b.id === path.dataset.from || b.id === path.dataset.to) continue;
              if (p.x > b.x && p.x < b.x + b.w && p.y > b.y && p.y < b.y + b.h) found.push(path.dataset.from + '>' + path.dataset.to + ' behind ' + b.id);
            }
          }
        }
        return {edges: document.querySelectorAll('#dag path.edge').length, boxes: boxes.length, hidden: [...new Set(found)]};
    """)
    assert hidden == {"edges": 5, "boxes": 4, "hidden": []}, hidden
    shot(browser, "16-skip-edge-dag")

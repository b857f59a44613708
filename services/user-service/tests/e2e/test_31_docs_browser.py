"""/docs (Swagger UI) and /redoc (ReDoc) in a real browser: headless
Chromium (Debian's chromium and chromium-driver, driven by python3-selenium;
all installed by scripts/bootstrap) loads the pages the service serves, with
the scripts it serves from the pinned npm packages, nothing from elsewhere.

* /docs lists every operation of /openapi.json (method and path), and
  "Try it out" on POST /auth/register with a valid body shows 201 and the
  new user in the page; the user is then really there (login works).
* /redoc renders a section for every operation.

Screenshots are kept as artifacts in the test's tmp dir (docs.png,
docs-register-201.png, redoc.png); docs/img/swagger-ui.png is one of them.
"""
import json
import os
import shutil

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import Database

CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
WAIT = 60  # seconds; the service runs under the sanitizers on a loaded machine


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    for binary in (CHROMIUM, CHROMEDRIVER):
        assert shutil.which(binary), f"{binary} missing: run scripts/bootstrap"
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1400", "--no-first-run", f"--user-data-dir={profile}",
                # nothing may come from the network: a page needing it fails here
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=DriverService(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()


@pytest.fixture
def docs_service(tmp_path, start_service):
    path = tmp_path / "smartcourse.db"
    db = Database("sqlite", f"sqlite:///{path}", path)
    db.retort("upgrade", "head")
    return start_service(db, DOCS_ENABLED="true")


def console(driver):
    try:
        return driver.get_log("browser")
    except Exception as e:  # the log is a help for the message, not the test
        return f"(no console log: {e})"


def wait_for(driver, condition, what):
    try:
        return WebDriverWait(driver, WAIT).until(condition)
    except TimeoutException:
        raise AssertionError(f"timed out waiting for {what}; console: {console(driver)}")


def documented(svc):
    status, _, doc = svc.request("GET", "/openapi.json")
    assert status == 200
    return doc, {(m.upper(), p) for p, item in doc["paths"].items() for m in item}


def test_swagger_ui_lists_every_operation_and_tries_register(browser, docs_service, tmp_path):
    doc, operations = documented(docs_service)
    base = f"http://127.0.0.1:{docs_service.port}"
    browser.get(base + "/docs")
    wait_for(browser, EC.presence_of_element_located((By.CSS_SELECTOR, ".opblock")),
             "Swagger UI's operations")
    shown = set()
    for block in browser.find_elements(By.CSS_SELECTOR, ".opblock"):
        method = block.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text
        path = block.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute(
            "data-path")
        shown.add((method, path))
    assert shown == operations
    assert len(shown) == 13
    title = browser.find_element(By.CSS_SELECTOR, ".info .title").text
    assert doc["info"]["title"] in title
    browser.save_screenshot(str(tmp_path / "docs.png"))

    # Try it out: POST /auth/register with a valid body
    block = browser.find_element(By.ID, "operations-auth-register")
    block.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait_for(browser, EC.element_to_be_clickable(
        (By.CSS_SELECTOR, "#operations-auth-register .try-out__btn")), "Try it out").click()
    body = wait_for(browser, EC.presence_of_element_located(
        (By.CSS_SELECTOR, "#operations-auth-register textarea.body-param__text")),
        "the request body editor")
    user = {"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace",
            "password": "correct horse", "role": "student"}
    body.send_keys(Keys.CONTROL, "a")
    body.send_keys(Keys.DELETE)
    body.send_keys(json.dumps(user))
    block.find_element(By.CSS_SELECTOR, ".execute").click()
    status = wait_for(browser, EC.presence_of_element_located(
        (By.CSS_SELECTOR, "#operations-auth-register .live-responses-table "
                          ".response .response-col_status")), "the live response")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", status)
    browser.save_screenshot(str(tmp_path / "docs-register-201.png"))
    assert status.text.strip() == "201"
    answer = block.find_element(By.CSS_SELECTOR, ".live-responses-table .response-col_description"
                                                 " pre").text
    created = json.loads(answer)
    assert created["email"] == "ada@example.com" and created["role"] == "student"
    # the page really registered the user
    status, _, tokens = docs_service.request(
        "POST", "/auth/login", body=json.dumps({"email": "ada@example.com",
                                                "password": "correct horse"}).encode(),
        headers={"Content-Type": "application/json"})
    assert status == 200 and tokens["token_type"] == "bearer"


def test_redoc_renders_every_operation(browser, docs_service, tmp_path):
    doc, _ = documented(docs_service)
    browser.get(f"http://127.0.0.1:{docs_service.port}/redoc")
    wait_for(browser, EC.presence_of_element_located(
        (By.CSS_SELECTOR, "[data-section-id^='operation/']")), "ReDoc's operations")
    sections = {el.get_attribute("data-section-id")
                for el in browser.find_elements(By.CSS_SELECTOR,
                                                "[data-section-id^='operation/']")}
    ids = {op["operationId"] for item in doc["paths"].values() for op in item.values()}
    assert sections == {f"operation/{i}" for i in ids}
    text = browser.find_element(By.TAG_NAME, "body").text
    for item in doc["paths"].values():
        for op in item.values():
            assert op["summary"] in text, op["summary"]
    browser.save_screenshot(str(tmp_path / "redoc.png"))

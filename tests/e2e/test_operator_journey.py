"""The operator journey in a real browser, against `sharehub run` (scheduler and site):
sign up, register a district file and see its dry run, submit it; a city officer signs in
to /staff and approves it; the running scheduler takes it in without a restart and its
first run's report appears on the operator's page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sample_platforms import SamplePlatforms
from sample_platforms.content import TOOLS_PATH
from tests.e2e.site_server import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("operator-journey")
    (folder / "schedules.yaml").write_text(
        "allow_private_networks: true\ndefaults:\n  interval: 1h\nsources: []\n",
        encoding="utf-8")
    port = free_port()
    env = {**os.environ, "SHAREHUB_DATA_DIR": str(folder / "data"),
           "SHAREHUB_CONFIG_FILE": str(folder / "schedules.yaml"),
           "SHAREHUB_SCHEDULER_RELOAD_POLL_S": "0.3", "SHAREHUB_CRAWL_HOST_MIN_DELAY_S": "0",
           "SHAREHUB_SITE_PORT": str(port)}
    staff = subprocess.run([sys.executable, "-m", "sharehub", "staff", "add", "박주무관",
                            "서울시", "p@seoul.go.kr"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120, check=True)
    staff_token = staff.stdout.splitlines()[0].strip()
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        proc = subprocess.Popen([sys.executable, "-m", "sharehub", "run"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if httpx.get(base + "/", trust_env=False, timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("sharehub run did not serve: "
                                f"{proc.stderr.read() if proc.stderr else ''}")
                time.sleep(0.3)
            yield {"base": base, "staff_token": staff_token,
                   "tools_url": platforms.url(TOOLS_PATH)}
        finally:
            proc.terminate()
            proc.communicate(timeout=30)  # reaps it and closes its stderr pipe


def test_an_operator_registers_staff_approve_and_the_first_run_report_appears(browser, hub):
    base = hub["base"]
    operator = browser.new_page()
    operator.goto(base + "/operators")
    operator.fill('input[name="name"]', "김담당")
    operator.fill('input[name="organisation"]', "마포구청")
    operator.fill('input[name="email"]', "kim@mapo.go.kr")
    operator.locator('form[action$="/operators/signup"] button[type="submit"]').click()
    operator.wait_for_load_state()
    assert operator.locator("code.token").inner_text().strip(), "the token is shown once"

    operator.goto(base + "/operators/sources/new")
    operator.fill('input[name="name"]', "마포구 공구대여소")
    operator.fill('input[name="url"]', hub["tools_url"])
    operator.select_option('select[name="district_codes"]', "11440")
    operator.locator('form[action$="/operators/sources/preview"] button[type="submit"]').click()
    operator.wait_for_load_state()
    body = operator.locator("main").inner_text()
    assert "마포구" in body, "the dry run shows the listings as citizens will see them"
    operator.locator("form.submit-review button[type=submit]").click()
    operator.wait_for_url(re.compile(r"/operators/sources/\d+"))
    source_page = operator.url.removeprefix(base)
    assert "마포구 공구대여소" in operator.locator("main").inner_text()
    operator.goto(base + "/operators")  # "my sources" lists it, waiting for review
    assert "마포구 공구대여소" in operator.locator("table.op-sources").inner_text()

    officer = browser.new_page()
    officer.goto(base + "/staff")
    officer.fill('input[name="token"]', hub["staff_token"])
    officer.locator('form[action$="/staff/login"] button[type="submit"]').click()
    officer.wait_for_load_state()
    officer.goto(base + "/staff/registrations")
    officer.locator('form[action$="/approve"] button[type="submit"]').first.click()
    officer.wait_for_load_state()
    officer.goto(base + "/staff/audit")
    assert "approved" in officer.locator("main").inner_text().lower() or \
        "승인" in officer.locator("main").inner_text()

    deadline = time.monotonic() + 60
    while True:  # the scheduler polls for approvals, then runs the new source
        operator.goto(base + source_page)
        runs = operator.locator("article.run-ok")
        if runs.count():
            break
        text = operator.locator("main").inner_text()
        assert time.monotonic() < deadline, f"no run report appeared:\n{text[-1500:]}"
        time.sleep(1)
    report = runs.first.inner_text()
    assert "정상" in report, report  # the run's status, in Korean
    assert "17" in report, report  # listings added by the first run
    assert operator.locator("table.fetches").count(), "each fetch's status, bytes, duration"
    operator.close()
    officer.close()

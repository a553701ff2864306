"""Content-Security-Policy on every response, and HSTS preload only when asked for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/incidents/?country=IRQ",
        "/incidents/SYR-2022-00001/",
        "/admin/login/",
        "/api/v1/incidents/",
        "/api/v1/docs/",
    ],
)
def test_every_kind_of_response_carries_a_strict_policy(client, seeded, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]


def test_an_admin_change_list_carries_the_policy(editor_client, seeded):
    response = editor_client.get("/admin/incidents/incident/")

    assert response.status_code == 200
    assert directives(response)["script-src"] == ["'self'"]


def test_the_api_docs_page_has_no_inline_script(client, db):
    page = client.get("/api/v1/docs/").content.decode()

    assert "<script>" not in page.replace(" ", "")
    assert 'src="/api/v1/docs/?script=' in page


def hsts_settings(**env: str) -> dict[str, object]:
    """The HSTS settings a fresh process computes from these environment variables."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SECURE")}
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    probe = (
        "import json; from django.conf import settings as s; print(json.dumps("
        "[s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=environment, capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    seconds, subdomains, preload = json.loads(out.strip().splitlines()[-1])
    return {"seconds": seconds, "subdomains": subdomains, "preload": preload}


def test_secure_turns_on_hsts_without_preload():
    assert hsts_settings(SECURE="1") == {"seconds": 31536000, "subdomains": True, "preload": False}


def test_preload_is_an_explicit_choice():
    assert hsts_settings(SECURE="1", SECURE_HSTS_PRELOAD="1")["preload"] is True
    assert hsts_settings(SECURE_HSTS_PRELOAD="1")["preload"] is False


@pytest.mark.parametrize("preload", [False, True])
def test_the_hsts_header_names_preload_only_when_set(client, db, settings, preload):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = preload

    header = client.get("/healthz/", secure=True)["Strict-Transport-Security"]

    assert header.startswith("max-age=31536000; includeSubDomains")
    assert ("preload" in header) is preload


# --- in a real browser -------------------------------------------------------------------------


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        try:
            yield launched
        finally:
            launched.close()


def violations_on(browser, url: str, cookies: list[dict] | None = None) -> list[str]:
    context = browser.new_context()
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    reported: list[str] = []
    page.on(
        "console",
        lambda message: reported.append(message.text)
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
        else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error('Content Security Policy violation: ' + e.violatedDirective"
        " + ' ' + e.blockedURI));"
    )
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, url
    page.wait_for_timeout(300)
    context.close()
    return [text[:200] for text in reported]


@pytest.fixture
def admin_session(live_server, transactional_db) -> dict:
    """The demo records and a signed-in superuser's session cookie for the live server.

    Made before the browser starts: inside Playwright's event loop Django would open another
    database connection that it never closes.
    """
    from django.contrib.auth import get_user_model
    from django.test import Client

    from incidents import demo

    demo.load()
    # A superuser: an earlier transactional test may have flushed the role groups.
    admin = get_user_model().objects.create_superuser("csp-admin", "", "pw-for-tests")
    signed_in = Client()
    signed_in.force_login(admin)
    session = signed_in.cookies["sessionid"].value
    return {"name": "sessionid", "value": session, "url": live_server.url}


@pytest.mark.django_db(transaction=True)
def test_pages_load_in_a_browser_without_a_policy_violation(admin_session, browser, live_server):
    cookie = admin_session
    assert violations_on(browser, f"{live_server.url}/") == []
    assert violations_on(browser, f"{live_server.url}/incidents/?country=IRQ") == []
    assert violations_on(browser, f"{live_server.url}/incidents/SYR-2022-00001/") == []
    assert violations_on(browser, f"{live_server.url}/incidents/SYR-2022-00001/v/1/") == []
    assert violations_on(browser, f"{live_server.url}/api/v1/docs/") == []
    for admin_page in ["/admin/", "/admin/incidents/incident/", "/admin/incidents/incident/add/"]:
        assert violations_on(browser, f"{live_server.url}{admin_page}", [cookie]) == []
    # DRF's own markup still has two style attributes (its filter and extra-action buttons): the
    # browser ignores them and css/api_browsable.css places the buttons. Nothing else is refused.
    browsable = violations_on(browser, f"{live_server.url}/api/v1/incidents/")
    assert all("style-src-attr" in text or "inline style" in text for text in browsable)
    assert not any("style-src-elem" in text or "script" in text for text in browsable)


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_their_operations_in_a_browser(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/api/v1/docs/", wait_until="networkidle")

    page.wait_for_selector(".opblock", timeout=10000)
    assert page.locator(".opblock").count() > 0
    context.close()

"""Every public page in a real browser (headless Chromium), on a phone and on a desktop:
axe-core finds no serious or critical violation, nothing overflows sideways, and a visitor
logs out with the header's button."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from tests import test_security_headers

# The browser, as the security headers' browser test starts it.
browser = test_security_headers.browser

AXE = Path(__file__).parent / "browser_assets" / "axe-core" / "axe.min.js"
WIDTHS = [390, 1280]
FAILING_IMPACTS = {"serious", "critical"}
READER, PASSWORD = "reader", "reader-password"

# The pages checked: (path, whether the reader is logged in). A path's {names} are the demo
# records' keys (demo_keys). Add a page here when you add one.
PAGES = [
    ("/", False),
    ("/incidents/", False),
    ("/incidents/?country=IRQ&q=drones", False),
    ("/incidents/?contry=IRQ", False),  # a refused parameter: the page with its error
    ("/incidents/IRQ-2022-00003/", False),
    ("/incidents/IRQ-2022-00003/v/1/", False),
    ("/actors/{actor}/", False),
    ("/places/{place}/", False),
    ("/sources/{source}/", False),
    ("/tags/{tag}/", False),
    ("/about/", False),
    ("/about/codebook/", False),
    ("/about/methodology/", False),
    ("/account/login/", False),
    ("/account/logout/", True),
    ("/account/token/", True),
    ("/incidents/", True),  # the header as a logged-in reader sees it
    ("/no/such/page/", False),  # the 404 page
    # The browsable API (DRF's pages, templates/api/browsable_base.html); the API docs have
    # their own test below.
    ("/api/v1/", False),
    ("/api/v1/incidents/", False),
    ("/api/v1/incidents/IRQ-2022-00003/", False),
    ("/api/v1/incidents/?contry=IRQ", False),  # a refused parameter: the error as JSON
    ("/api/v1/actors/", True),
]

# axe's violations, less those of `ignored` ({rule: CSS selector}) on the elements matching it.
AXE_RUN = """async (ignored) => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  const kept = (v) => v.nodes.filter(
    (n) => !(ignored[v.id] && document.querySelector(n.target[0]).matches(ignored[v.id]))
  );
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: kept(v).slice(0, 3).map(n => n.target.join(" ")),
  })).filter(v => v.nodes.length > 0);
}"""
# Swagger UI draws its "Try it out" parameters' <select> with no label, and offers no option
# to name them; the rest of its page passes (with css/swagger_ui.css and the settings' theme).
SWAGGER_UI_UNLABELLED = {"select-name": ".swagger-ui .parameters-col_description select"}


@pytest.fixture
def site(live_server, transactional_db) -> dict:
    """The demo records, a reader's session and the demo records' keys, made before the
    browser starts (see test_security_headers.admin_session)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from geo.models import Location
    from incidents import demo
    from incidents.models import Actor, Source, Tag

    demo.load()
    reader = get_user_model().objects.create_user(READER, password=PASSWORD)
    signed_in = Client()
    signed_in.force_login(reader)
    keys = {
        "actor": Actor.objects.get(name=demo.MILITIA).pk,
        "place": Location.objects.get(name=demo.BAGHDAD_AIRPORT).pk,
        "source": Source.objects.filter(republished_from__isnull=False).first().pk,
        "tag": quote(Tag.objects.get().name),
    }
    return {
        "url": live_server.url,
        "keys": keys,
        "cookie": {
            "name": "sessionid",
            "value": signed_in.cookies["sessionid"].value,
            "url": live_server.url,
        },
    }


def serious_violations(page, ignored: dict[str, str] | None = None) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN, ignored or {})
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_public_page_passes_axe_and_fits_the_screen(site, browser, width):
    found = {}
    for logged_in in (False, True):
        # The policy forbids inline scripts, as axe is injected; the policy has its own test.
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        if logged_in:
            context.add_cookies([site["cookie"]])
        page = context.new_page()
        for template, needs_login in PAGES:
            if needs_login != logged_in:
                continue
            path = template.format(**site["keys"])
            response = page.goto(f"{site['url']}{path}")
            assert response is not None and response.status in (200, 400, 404), path
            serious = serious_violations(page)
            if serious or overflow(page):
                found[path] = {"axe": serious, "overflow": overflow(page)}
        context.close()
    assert found == {}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_api_docs_pass_axe_closed_and_with_an_operation_tried(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{site['url']}/api/v1/docs/")
    operation = page.locator("#operations-incidents-incidents_list")
    operation.wait_for()
    assert serious_violations(page) == []
    assert overflow(page) == 0

    operation.locator("button.opblock-summary-control").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").wait_for()
    assert serious_violations(page, SWAGGER_UI_UNLABELLED) == []
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_reader_logs_out_with_the_headers_button(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{site['url']}/account/login/")
    page.fill("#id_username", READER)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.url.endswith("/account/token/")

    page.goto(f"{site['url']}/account/logout/")  # a link logs no one out: it asks
    assert page.get_by_role("heading", name="Log out").is_visible()
    page.locator("header.site").get_by_role("button", name="Log out").click()

    assert page.url == f"{site['url']}/"
    assert page.locator("header.site").get_by_role("link", name="Log in").is_visible()
    page.goto(f"{site['url']}/account/token/")
    assert "/account/login/" in page.url
    context.close()

"""In a real browser: the pages run under their Content-Security-Policy (issue 6 item 10) —
Swagger UI renders the API from our own files, the admin's scripts and styles work — with no
violation on the console (``browser_page`` fails the test on any)."""

import pytest

from applications.tests.factories import UserFactory
from cesi_cert.roles import Role
from tests.e2e.test_applicant_signup import ARTIFACTS, browser_page  # noqa: F401 — fixture


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_api_docs_render_under_their_policy(live_server, browser_page):  # noqa: F811
    page = browser_page
    response = page.goto(f"{live_server.url}/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI fetched the schema and drew an operation of it.
    page.wait_for_selector("#operations-applications-applications_list")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_pages_work_under_their_policy(live_server, browser_page):  # noqa: F811
    page, base = browser_page, live_server.url
    UserFactory(username="kefu-csp", role=Role.CUSTOMER_SERVICE)
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "kefu-csp")
    page.fill("#id_password", "pass-12345")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    page.goto(f"{base}/admin/applications/application/")
    page.wait_for_selector("#changelist-search")
    # The admin's own scripts run: the theme toggle (admin/js/theme.js) switches the theme.
    before = page.evaluate("document.documentElement.dataset.theme || 'auto'")
    page.locator("button.theme-toggle").first.click()
    after = page.evaluate("document.documentElement.dataset.theme || 'auto'")
    assert after != before

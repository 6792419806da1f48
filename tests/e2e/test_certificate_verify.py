"""On a phone (360 px), the public verification page shows a valid certificate; after its
suspension the same page says plainly that it is suspended (§4.1 h, §5.1.2)."""

import pytest

from certificates import services
from certificates.tests.factories import issued_certificate, staff
from tests.e2e.test_applicant_signup import ARTIFACTS, browser_page  # noqa: F401 — fixture

WIDTH = 360


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_public_verification_page_on_a_phone(live_server, browser_page, monkeypatch):  # noqa: F811
    from certificates.services import certificates as certificate_services

    monkeypatch.setattr(certificate_services, "queue_pdf_rendering", lambda version: None)
    page, base = browser_page, live_server.url
    kefu = staff()
    cert = issued_certificate(by=kefu, sites=2)
    org = cert.organization
    ARTIFACTS.mkdir(exist_ok=True)

    page.set_viewport_size({"width": WIDTH, "height": 780})
    # From the home page's search box, as a member of the public would.
    page.goto(f"{base}/")
    page.fill("[data-testid=certificate-search]", org.credit_code)
    page.keyboard.press("Enter")
    page.wait_for_url("**/verify/?q=*")
    page.click(f"a[href='/verify/{cert.number}/']")
    page.wait_for_url(f"**/verify/{cert.number}/")
    article = page.locator("[data-testid=certificate]")
    assert article.get_attribute("data-state") == "active"
    assert "有效" in page.locator(".cert-status").inner_text()
    assert org.name_zh in article.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.screenshot(path=str(ARTIFACTS / "verify-active-360.png"), full_page=True)

    services.certificate_suspend(certificate=cert, by=kefu, ground="c", reason="误用认证标志")
    page.reload()
    assert article.get_attribute("data-state") == "suspended"
    status = page.locator(".cert-status").inner_text()
    assert "已暂停" in status
    assert page.locator("[data-testid=suspended-notice]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.screenshot(path=str(ARTIFACTS / "verify-suspended-360.png"), full_page=True)

    # The public notice lists it too.
    page.goto(f"{base}/notices/")
    assert cert.number in page.locator("[data-testid=notice]").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

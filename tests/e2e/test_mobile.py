"""On a phone: every portal page fits 360 px with no sideways scrolling (issue #6 item 17)."""

import re

import pytest

from applications.models import Application
from applications.tests.factories import (
    SiteFactory,
    UserFactory,
    applicant_of,
    application_in,
)
from tests.e2e.test_applicant_signup import ARTIFACTS, browser_page  # noqa: F401 — fixture

PASSWORD = "pass-12345"  # factory default
WIDTH = 360


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_portal_page_fits_a_phone(live_server, browser_page):  # noqa: F811
    page, base = browser_page, live_server.url
    staff = UserFactory(username="kefu-mobile", role="customer_service")
    contracted = application_in(Application.State.CONTRACTED, staff=staff)
    org = contracted.organization
    org.name_zh = "福州示例家电售后服务连锁经营有限责任公司"  # a long name must wrap, not stack
    org.save()
    SiteFactory(organization=org, name="厦门服务网点", address="福建省厦门市思明区湖滨南路8号")
    user = applicant_of(org, username="mobile-applicant")
    application_in(
        Application.State.CHANGES_REQUESTED, organization=org, applicant=user, staff=staff
    )
    application_in(Application.State.DRAFT, organization=org, applicant=user)

    page.set_viewport_size({"width": WIDTH, "height": 780})
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "mobile-applicant")
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{base}/portal/")

    seen, queue = set(), ["/portal/", "/inbox/"]
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        page.goto(f"{base}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        name = url.strip("/").replace("/", "-") or "home"
        page.screenshot(path=str(ARTIFACTS / f"mobile-{name}.png"), full_page=True)
        assert width <= WIDTH, f"{url} is {width}px wide on a {WIDTH}px screen"
        for link in re.findall(r'href="(/portal/[^"?#]*)"', page.content()):
            if not re.search(r"(delete|remove|download|evidence)", link):
                queue.append(link)
    assert len(seen) >= 8, seen  # home, inbox, organisation, applications, forms …

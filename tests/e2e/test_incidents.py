"""§3.4.3 in the browser, on a 360 px phone: the organisation notifies an incident (the form,
then the due moment and the late flag in China time), and notifies one the CB opened."""

import datetime

import pytest

from applications.tests.factories import OrganizationFactory, UserFactory, applicant_of
from surveillance.models import OrganizationNotice
from surveillance.tests.factories import opened
from tests.e2e.test_applicant_signup import ARTIFACTS, browser_page  # noqa: F401 — fixture

PASSWORD = "pass-12345"  # factory default
WIDTH = 360


def _fits(page, name):
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(ARTIFACTS / f"incidents-{name}.png"), full_page=True)
    assert width <= WIDTH, f"{name} is {width}px wide on a {WIDTH}px screen"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_organisation_notifies_on_a_phone(live_server, browser_page):  # noqa: F811
    page, base = browser_page, live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    org = OrganizationFactory(name_zh="福州示例家电售后服务连锁经营有限责任公司")
    applicant_of(org, username="incident-applicant")
    staff = UserFactory(username="kefu-incidents", role="customer_service")
    awaiting = opened(
        org,
        staff,
        kind="b",
        occurred_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=5),
    )

    page.set_viewport_size({"width": WIDTH, "height": 780})
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "incident-applicant")
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{base}/portal/")
    _fits(page, "portal-home")

    page.locator("[data-testid=notify-incident]").first.click()
    page.wait_for_url(f"{base}/portal/incidents/new/")
    _fits(page, "form")
    page.check("input[name=kind][value=a]")
    page.fill("#id_occurred_at", "2026-01-05T09:30")  # long past: late
    page.fill("#id_description", "门店发生服务事故，一名客户受伤")
    page.click("[data-testid=incident-submit]")
    page.wait_for_url(f"{base}/portal/incidents/*/")
    notice = OrganizationNotice.objects.get(source="organization")
    assert notice.late
    assert page.locator("[data-testid=due]").inner_text().startswith("2026-01-07 09:30")
    assert page.locator("[data-late]").count() >= 1
    _fits(page, "detail")

    page.goto(f"{base}/portal/incidents/")
    _fits(page, "list")
    page.goto(f"{base}{awaiting.get_absolute_url()}")
    page.click("[data-testid=action-notify]")
    _fits(page, "notify")
    page.fill("#id_account", "已停业整改并通知客户")
    page.click("[data-testid=confirm-notify]")
    page.wait_for_url(f"{base}{awaiting.get_absolute_url()}")
    awaiting.refresh_from_db()
    assert awaiting.state == "notified" and not awaiting.late

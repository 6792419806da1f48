"""In a real browser: an auditor and a committee member sign in, land in their own workspace
with their inbox, read a notice in Chinese, switch to English and read it in English."""

import pytest

from applications.tests.factories import UserFactory
from cesi_cert.notifications import NoticeKind, bilingual, notify
from cesi_cert.roles import Role
from tests.e2e.test_applicant_signup import ARTIFACTS, browser_page  # noqa: F401 — fixture

PASSWORD = "pass-12345"  # factory default

PLANNED = NoticeKind(
    "test.e2e.planned",
    subject="Plan for %(org)s",
    body="Please prepare for the visit to %(org)s.",
)


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=login-submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("role", "username", "home", "zh", "en"),
    [
        (Role.AUDITOR, "shencha-e2e", "/auditor/", "审查员工作台", "Auditor workspace"),
        (
            Role.TECHNICAL_COMMITTEE,
            "jiwei-e2e",
            "/committee/",
            "技术委员会工作台",
            "Committee workspace",
        ),
    ],
)
def test_each_role_lands_in_its_workspace_and_reads_its_inbox(
    live_server,
    browser_page,  # noqa: F811
    role,
    username,
    home,
    zh,
    en,
):
    page, base = browser_page, live_server.url
    user = UserFactory(username=username, role=role, first_name="测试")
    notify(
        [user],
        PLANNED,
        params={"org": bilingual("福州示例家电服务有限公司", "Fuzhou Example Co")},
    )

    sign_in(page, base, username)
    page.wait_for_url(f"{base}{home}")
    assert page.locator("h1").inner_text() == zh
    assert "福州示例家电服务有限公司" in page.locator('[data-panel^="inbox."]').inner_text()
    page.screenshot(path=str(ARTIFACTS / f"workspace-{role}-zh.png"), full_page=True)

    page.click('nav.main-nav a[href="/inbox/"]')
    page.wait_for_url(f"{base}/inbox/")
    assert "福州示例家电服务有限公司" in page.locator(".notification-list").inner_text()

    page.click('.lang-switch button[value="en"]')
    page.wait_for_load_state()
    assert "Fuzhou Example Co" in page.locator(".notification-list").inner_text()
    page.goto(f"{base}{home}")
    assert page.locator("h1").inner_text() == en
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / f"workspace-{role}-en-390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the {home} page is {width}px wide at 390px"

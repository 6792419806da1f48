"""In a real browser: customer service reviews a submitted application in the admin (§3.1.4)
and records the signed contract; the applicant then sees the contract in the portal."""

from decimal import Decimal

import pytest
from django.utils import timezone

from applications import services
from applications.models import Application
from applications.tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    UserFactory,
    applicant_of,
    complete_documents,
)
from cesi_cert.models import TransitionLog
from cesi_cert.roles import Role
from tests.e2e.test_applicant_signup import ARTIFACTS, browser_page  # noqa: F401 — fixture

PASSWORD = "pass-12345"  # factory default


def log_in(page, base, username):
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def run_action(page, name):
    page.click(f'a[data-transition="{name}"]')
    page.wait_for_selector("form input[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_customer_service_reviews_and_records_the_contract(live_server, browser_page):  # noqa: F811
    page, base = browser_page, live_server.url
    org = OrganizationFactory(name_zh="厦门示例科技有限公司")
    applicant = applicant_of(org, username="xm-applicant")
    app = ApplicationFactory(organization=org, created_by=applicant)
    complete_documents(app, by=applicant)
    app = services.application_submit(application=app, by=applicant, reason="请审核")
    UserFactory(username="kefu-e2e", role=Role.CUSTOMER_SERVICE)

    log_in(page, base, "kefu-e2e")
    assert page.locator('#application-queue a[data-state="submitted"] strong').inner_text() == "1"
    page.screenshot(path=str(ARTIFACTS / "admin-home.png"), full_page=True)
    # The work queue leads to the application.
    page.click(f'#application-queue tr[data-application="{app.pk}"] a')
    page.wait_for_url(f"{base}/admin/applications/application/{app.pk}/change/")
    page.goto(f"{base}/admin/applications/application/{app.pk}/change/")
    assert page.locator("a[data-transition]").evaluate_all(
        "els => els.map(e => e.dataset.transition)"
    ) == [
        "start_review",
        "reject",
        "withdraw",
    ]

    run_action(page, "start_review")
    page.click("form input[type=submit]")
    page.wait_for_selector('a[data-transition="accept"]')

    # §3.1.4: accepting without both confirmations is refused on the form, nothing changes.
    run_action(page, "accept")
    page.check("#id_requirements_clear")
    page.click("form input[type=submit]")
    page.wait_for_selector(".errorlist")
    app.refresh_from_db()
    assert app.state == Application.State.UNDER_REVIEW
    page.check("#id_cb_capable")
    page.fill("#id_notes", "资料齐全，具备评价能力")
    page.click("form input[type=submit]")
    page.wait_for_selector('a[data-transition="sign_contract"]')

    run_action(page, "sign_contract")
    page.fill("#id_number", "HT-2026-E2E")
    # The signing date comes prefilled with today in China, in the ISO form a date input takes
    # (issue 6 item 15: "2026/11/26" left it blank and the clerk got "该字段是必填项").
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.input_value("#id_signed_on") == timezone.localdate().isoformat()
    page.fill("#id_man_days", "4.5")
    page.fill("#id_fee_quote", "36000")
    page.click("form input[type=submit]")
    page.wait_for_load_state()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-application-contracted.png"), full_page=True)
    assert page.locator("a[data-transition]").count() == 0

    app.refresh_from_db()
    assert app.state == Application.State.CONTRACTED
    assert (app.contract.number, app.contract.man_days) == ("HT-2026-E2E", Decimal("4.5"))
    actors = list(
        TransitionLog.objects.filter(object_id=app.pk).values_list("transition", "actor__username")
    )
    assert actors[1:] == [
        ("start_review", "kefu-e2e"),
        ("accept", "kefu-e2e"),
        ("sign_contract", "kefu-e2e"),
    ]

    # The applicant sees the contract in the portal.
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "xm-applicant")
    page.fill("#id_password", PASSWORD)
    page.click('[data-testid="login-submit"]')
    page.goto(f"{base}/portal/applications/{app.pk}/")
    assert page.locator("[data-state]").first.get_attribute("data-state") == "contracted"
    assert "HT-2026-E2E" in page.content()

"""Keeping a certificate as staff see it in the admin (1280 px, Chinese) and as the organisation's
member sees it in English on a 390 px phone.

Staff accept a case proposing suspension with "Accept and suspend" (§5.1.1), publish a changed
requirement (§3.4.7) and look at the change requests (§3.4.4); the member then reads the
certificate page, the change request form and the requirement verification in English.
Screenshots go to ``test-artifacts/staff-keeping-*.png`` for a person to look at.
"""

import datetime
import re

import pytest
from django.utils import timezone

from applications.tests.factories import OrganizationFactory, UserFactory, applicant_of
from certificates.models import Certificate
from certificates.tests.factories import issued_certificate, staff
from cesi_cert.roles import Role
from surveillance import services
from surveillance.models import Case
from surveillance.models_requirements import RequirementChange, RequirementVerification
from tests.e2e.test_applicant_signup import ARTIFACTS, browser_page  # noqa: F401 — fixture

PASSWORD = "pass-12345"  # factory default
PHONE = 390
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _shot(page, name):
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / f"staff-keeping-{name}.png"), full_page=True)


def _english(page, name, heading):
    """The member's page fits the phone, its heading is the English one and nothing in its
    labels is left in Chinese (the organisation's own Chinese name may appear as data)."""
    _shot(page, name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{name} is {width}px wide on a {PHONE}px screen"
    assert page.locator("html").get_attribute("lang") == "en"
    h1 = page.locator("main h1, h1").first.inner_text()
    assert heading in h1, f"{name}: heading {h1!r}"
    assert not CHINESE.search(h1), f"{name}: heading {h1!r} is not all English"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_s5_1_1_s3_4_7_s3_4_4_staff_keep_and_the_member_reads_in_english(live_server, browser_page):  # noqa: F811, E501
    page, base = browser_page, live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    org = OrganizationFactory(name_zh="福州示例家电售后服务连锁经营有限责任公司")
    member = applicant_of(org, username="keeping-en-member")
    business = UserFactory(username="yewu-staff-keeping", role=Role.CERTIFICATION_BUSINESS)
    cert = issued_certificate(
        by=staff("kefu-staff-keeping"), organization=org, issued_on=timezone.localdate()
    )
    case = services.case_open(
        organization=org,
        by=business,
        proposal=Case.Proposal.SUSPENSION,
        ground=Case.Ground.A,
        note="监督评价发现服务不符合认证要求",
        certificate=cert,
    )
    cr = services.change_request_submit(
        certificate=cert,
        by=member,
        kind="1",
        description="公司名称经市场监管局核准变更。",
        new_name_zh="福州示例家电服务集团有限公司",
        new_name_en="Fuzhou Example Appliance Services Group Co., Ltd.",
    )
    today = timezone.localdate()
    change = services.requirement_change_create(
        by=business,
        scheme=cert.scheme,
        title="服务评价新增投诉响应时限",
        description="投诉须在 24 小时内响应，并在 5 个工作日内办结。",
        effective_on=today + datetime.timedelta(days=30),
        verify_by=today + datetime.timedelta(days=60),
    )

    # Staff, at 1280 px in Chinese.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", business.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    # §5.1.1: the case, then "Accept and suspend" through its form.
    page.goto(f"{base}/admin/surveillance/case/{case.pk}/change/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    _shot(page, "case")
    accept = page.locator('a[data-transition="accept"]')
    assert accept.inner_text().strip() == "受理并暂停证书"
    accept.click()
    page.wait_for_selector("form input[type=submit]")
    _shot(page, "case-accept-form")
    # The form says what it does, as the button did, and asks only what a suspension on the
    # case's own §5.1.1 ground needs: the period (§5.1.3), no ground list, no consent (§5.1.4).
    assert page.locator("#content h1").inner_text().strip() == "受理并暂停证书"
    assert page.locator("form input[type=submit]").get_attribute("value") == "受理并暂停证书"
    assert page.locator("#id_until").is_visible()
    assert page.locator("#id_certificate_ground, #id_consent").count() == 0
    page.fill("#id_reason", "调查属实")
    page.click("form input[type=submit]")
    page.wait_for_url(f"{base}/admin/surveillance/case/{case.pk}/change/")
    _shot(page, "case-accepted")
    assert "受理并暂停证书" in page.locator(".messagelist").inner_text()
    # The case's reference is not an "application number".
    assert "申请编号" not in page.locator("#content").inner_text()
    cert.refresh_from_db()
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED
    assert cert.state == Certificate.State.SUSPENDED
    assert page.locator('a[data-transition="accept"]').count() == 0
    body = page.locator("#content").inner_text()
    assert f"{cert.number} (暂停)" in body or f"{cert.number} (已暂停)" in body, body

    # §3.4.7: the changed requirement, then "Publish".
    page.goto(f"{base}/admin/surveillance/requirementchange/{change.pk}/change/")
    _shot(page, "requirement-change")
    page.click('a[data-transition="publish"]')
    page.wait_for_selector("form input[type=submit]")
    _shot(page, "requirement-change-publish-form")
    page.click("form input[type=submit]")
    page.wait_for_url(f"{base}/admin/surveillance/requirementchange/{change.pk}/change/")
    _shot(page, "requirement-change-published")
    change.refresh_from_db()
    assert change.state == RequirementChange.State.PUBLISHED
    assert page.locator('a[data-transition="publish"]').count() == 0
    verification = RequirementVerification.objects.get(certificate=cert)

    # §3.4.4: the change requests' list.
    page.goto(f"{base}/admin/surveillance/changerequest/")
    _shot(page, "change-requests")
    assert CHINESE.search(page.locator("#content h1").inner_text())
    assert cr.reference in page.locator("#result_list").inner_text()
    # The kind, named by its §3.4.4 clause, is not squeezed to a character per line.
    assert page.locator("#result_list td.field-kind").bounding_box()["width"] >= 110
    # The state is in view beside the reference, not beyond the filters.
    results = page.locator("#changelist .results").bounding_box()
    for column in ("state", "kind"):
        cell = page.locator(f"#result_list td.field-{column}").bounding_box()
        assert cell["x"] + cell["width"] <= results["x"] + results["width"], column
    page.click(f"#result_list a:text('{cr.reference}')")
    page.wait_for_url(f"{base}/admin/surveillance/changerequest/{cr.pk}/change/")
    _shot(page, "change-request")
    content = page.locator("#content").inner_text()
    # Named by the certificate's number (not its database id), every heading in Chinese.
    assert f"{cr.reference} {cert.number}" in content
    assert "uploaded" not in content.lower()

    # The member, at 390 px in English.
    page.context.clear_cookies()
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "keeping-en-member")
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{base}/portal/")
    page.click('.lang-switch button[value="en"]')
    page.wait_for_load_state()

    page.goto(f"{base}/portal/certificates/{cert.pk}/")
    _english(page, "en-certificate", f"Certificate {cert.number}")
    page.goto(f"{base}/portal/changes/new/?certificate={cert.pk}")
    _english(page, "en-change-form", "Request a change")
    page.goto(f"{base}{verification.get_absolute_url()}")
    # The heading is in the reader's language; the CB's title (Chinese) follows it.
    _english(page, "en-requirement", f"Changed requirement {change.reference}")
    assert page.locator("[data-testid=change-title]").inner_text() == change.title
    # Every button fits the phone (the refusal's long label wraps).
    for button in page.locator("main .button").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, button.inner_text()

"""Keeping a certificate, on a 360 px phone and in Chinese, as the organisation's member sees it:
the recertification window on the certificate page (§3.5), a change request with an attachment
(§3.4.4), a changed requirement to confirm (§3.4.7) and the incident form (§3.4.3).

Every page must fit the phone and carry a Chinese heading; each is also photographed at 1280 px.
Screenshots go to ``test-artifacts/keeping-*.png`` for a person to look at.
"""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone, translation

from applications.tests.factories import (
    PDF_BYTES,
    OrganizationFactory,
    UserFactory,
    applicant_of,
)
from certificates.tests.factories import issued_certificate, staff
from cesi_cert.roles import Role
from surveillance import services
from surveillance.models_changes import ChangeRequest
from surveillance.models_requirements import RequirementVerification
from tests.e2e.test_applicant_signup import ARTIFACTS, browser_page  # noqa: F401 — fixture

PASSWORD = "pass-12345"  # factory default
WIDTH = 360
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _look(page, name):
    """The page fits 360 px, its heading is Chinese; photographed at 360 px and at 1280 px."""
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(ARTIFACTS / f"keeping-{name}.png"), full_page=True)
    assert width <= WIDTH, f"{name} is {width}px wide on a {WIDTH}px screen"
    heading = page.locator("main h1, h1").first.inner_text()
    assert CHINESE.search(heading), f"{name}: heading {heading!r} is not in Chinese"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(ARTIFACTS / f"keeping-{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": WIDTH, "height": 780})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_s3_5_s3_4_4_s3_4_7_keeping_the_certificate_on_a_phone(live_server, browser_page):  # noqa: F811
    page, base = browser_page, live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    org = OrganizationFactory(name_zh="福州示例家电售后服务连锁经营有限责任公司")
    applicant_of(org, username="keeping-member")
    cs = staff("kefu-keeping")
    business = UserFactory(username="yewu-keeping", role=Role.CERTIFICATION_BUSINESS)
    today = timezone.localdate()
    # §3.5: issued 2 years 10 months ago, so it expires within 3 months — the window is open.
    cert = issued_certificate(
        by=cs, organization=org, issued_on=today - relativedelta(years=2, months=10)
    )
    assert cert.recertification_open()

    page.set_viewport_size({"width": WIDTH, "height": 780})
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "keeping-member")
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{base}/portal/")
    _look(page, "home")

    # §3.5: the certificate page shows the open window and the ways to keep the certificate.
    page.goto(f"{base}/portal/certificates/{cert.pk}/")
    _look(page, "certificate")
    window = page.locator("[data-testid=recertification-window]")
    assert cert.expires_on.isoformat() in window.inner_text()
    for testid in ("apply-recertification", "apply-extension", "request-change"):
        assert page.locator(f"[data-testid={testid}]").is_visible(), testid
    assert page.locator("[data-testid=request-reduction]").is_visible()
    page.click("[data-testid=apply-recertification]")
    page.wait_for_url(re.compile(r".*/applications/new/.*kind=recertification.*"))
    _look(page, "recertification-form")
    kind = page.locator("[name=kind]")
    if kind.first.get_attribute("type") == "radio":
        assert page.locator("[name=kind][value=recertification]").is_checked()
    else:
        assert kind.input_value() == "recertification"
    assert page.locator("[name=certificate]").input_value() == str(cert.pk)
    # The renewal starts from the certificate as it stands.
    assert page.locator("[name=scope]").input_value() == cert.current_version.scope
    assert page.locator("[name=requested_level]").input_value() == cert.current_version.level

    # §3.4.4 (1): a name change with an attachment.
    page.goto(f"{base}/portal/certificates/{cert.pk}/")
    page.click("[data-testid=request-change]")
    page.wait_for_url(re.compile(r".*/portal/changes/new/.*"))
    _look(page, "change-form")
    assert page.locator("[name=certificate]").input_value() == str(cert.pk)
    page.check("input[name=kind][value='1']")
    page.fill("#id_description", "公司名称经市场监管局核准变更，自 2026 年 11 月 1 日起生效。")
    page.fill("#id_new_name_zh", "福州示例家电服务集团有限公司")
    page.fill("#id_new_name_en", "Fuzhou Example Appliance Services Group Co., Ltd.")
    page.set_input_files(
        "input[name=attachments]",
        {"name": "名称变更核准通知书.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
    )
    page.click("[data-testid=change-submit]")
    page.wait_for_url(re.compile(r".*/portal/changes/\d+/$"))
    cr = ChangeRequest.objects.get(certificate=cert)
    assert cr.state == "submitted" and cr.new_name_zh == "福州示例家电服务集团有限公司"
    assert cr.attachments.count() == 1
    _look(page, "change-detail")
    detail = page.locator("main").inner_text()
    assert cr.reference in detail and "名称变更核准通知书.pdf" in detail
    page.goto(f"{base}/portal/changes/")
    _look(page, "change-list")
    assert cr.reference in page.locator("main").inner_text()

    # §3.4.7: a changed requirement published by 认证业务部 reaches the portal home's deadlines.
    change = services.requirement_change_create(
        by=business,
        scheme=cert.scheme,
        title="服务评价新增投诉响应时限",
        description="投诉须在 24 小时内响应，并在 5 个工作日内办结。",
        effective_on=today + datetime.timedelta(days=30),
        verify_by=today + datetime.timedelta(days=60),
    )
    services.requirement_change_publish(change=change, by=business)
    verification = RequirementVerification.objects.get(certificate=cert)
    page.goto(f"{base}/portal/")
    _look(page, "home-requirement")
    page.locator(f"a[href='{verification.get_absolute_url()}']").first.click()
    page.wait_for_url(f"{base}{verification.get_absolute_url()}")
    _look(page, "requirement")
    page.click("[data-testid=action-confirm]")
    _look(page, "requirement-confirm")
    page.fill("#id_note", "已修订投诉处理程序，响应时限改为 24 小时。")
    page.click("[data-testid=confirm-confirm]")
    page.wait_for_url(f"{base}{verification.get_absolute_url()}")
    verification.refresh_from_db()
    assert verification.state == "confirmed"
    with translation.override("zh-hans"):
        assert page.locator("h1 .badge").inner_text() == verification.get_state_display()
    _look(page, "requirement-confirmed")
    page.goto(f"{base}/portal/requirements/")
    _look(page, "requirement-list")

    # §3.4.3: the incident form still fits (its journey is test_incidents').
    page.goto(f"{base}/portal/incidents/new/")
    _look(page, "incident-form")

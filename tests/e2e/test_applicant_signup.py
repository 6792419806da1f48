"""In a real browser: a new applicant signs up (confirming the address by the e-mailed link),
registers the organisation, invites a colleague and submits a complete application (§3.1.3).

The browser asks for Chinese (the CB's working language). Elements are found by field names and
``data-testid``/``data-*`` attributes, so the journey holds whatever the catalogue says.
Screenshots go to ``test-artifacts/`` for a person to look at.
"""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.db import connections
from django.utils import translation

from applications.models import REQUIRED_DOCUMENTS, Application, Organization, Scheme
from applications.tests.factories import PDF_BYTES
from cesi_cert.models import TransitionLog, User
from conftest import chromium_path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        # A tablet in landscape, in Chinese.
        context = browser.new_context(locale="zh-CN", viewport={"width": 1180, "height": 820})
        page = context.new_page()
        page.set_default_timeout(15_000)
        # Whatever the journey, nothing on its pages may be blocked by the Content-Security-Policy
        # (Chromium reports each blocked script, style or image on the console).
        blocked = []
        page.on(
            "console",
            lambda m: (
                "Content Security Policy" in m.text and blocked.append(f"{page.url}: {m.text}")
            ),
        )
        try:
            yield page
            assert blocked == [], "blocked by the Content-Security-Policy"
        finally:
            # Queries the test made while Playwright ran opened a connection of their own
            # (Playwright's sync API switches greenlets); close it so the test database can be
            # dropped at the end of the run.
            connections.close_all()
            context.close()
            browser.close()


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_applicant_signs_up_and_submits_an_application(live_server, browser_page):
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.locator('.hero a[href="/accounts/signup/"]').click()

    # Sign up.
    page.fill("#id_username", "fz-service")
    page.fill("#id_first_name", "陈明")
    page.fill("#id_email", "chen@example.cn")
    page.fill("#id_phone", "13800000000")
    page.fill("#id_password1", "Fuzhou-service-2026")
    page.fill("#id_password2", "Fuzhou-service-2026")
    page.click('[data-testid="signup-submit"]')
    # Every sign-up answers "check your e-mail"; the account is made by the e-mailed link.
    page.wait_for_url("**/accounts/signup/sent/")
    assert not User.objects.filter(username="fz-service").exists()
    [message] = mail.outbox
    assert message.to == ["chen@example.cn"]
    link = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", message.body).group(1)
    page.goto(live_server.url + link)
    page.click('[data-testid="signup-confirm"]')
    page.wait_for_url(live_server.url + "/portal/")
    page.click('[data-testid="register-organization"]')
    page.wait_for_url("**/portal/organizations/new/")

    # Register the organisation: first with a mistyped credit code, which is named precisely.
    page.fill("#id_name_zh", "福州示例服务有限公司")
    page.fill("#id_name_en", "Fuzhou Example Services Co., Ltd.")
    page.fill("#id_credit_code", "91350100M000100Y44")
    page.fill("#id_address_zh", "福建省福州市鼓楼区五四路1号")
    page.check('input[name="applicant_type"][value="provider"]')
    page.set_input_files("#id_legal_status_evidence", pdf("营业执照.pdf"))
    page.fill("#id_contact_name", "陈明")
    page.fill("#id_contact_phone", "0591-12345678")
    page.fill("#id_contact_email", "chen@example.cn")
    page.click('[data-testid="organization-submit"]')
    error = page.locator('[data-field="credit_code"] .errorlist')
    assert "“3”" in error.inner_text() and "“4”" in error.inner_text()
    page.screenshot(path=str(ARTIFACTS / "portal-organization-error.png"), full_page=True)
    # The licence chosen in the first round is kept: it need not be chosen again.
    assert page.input_value('input[name="legal_status_evidence_kept"]')
    assert "营业执照.pdf" in page.locator('[data-field="legal_status_evidence"] .help').inner_text()
    page.fill("#id_credit_code", "91350100M000100Y43")
    page.click('[data-testid="organization-submit"]')
    page.wait_for_url("**/portal/organizations/*/")
    org = Organization.objects.get(credit_code="91350100M000100Y43")
    assert org.legal_status_evidence.read() == PDF_BYTES

    # Add a site.
    page.click('[data-testid="add-site"]')
    page.fill("#id_name", "福州服务中心")
    page.fill("#id_address", "福建省福州市鼓楼区五四路1号")
    page.fill("#id_activities", "家用电器的安装与维修")
    page.check("#id_is_central")
    page.click('[data-testid="site-submit"]')
    page.wait_for_url(f"**/portal/organizations/{org.pk}/**")
    assert page.locator("tr[data-site]").count() == 1

    # Invite a colleague: listed as waiting for an answer, not a member until they accept.
    page.click('[data-testid="invite-member"]')
    page.fill("#id_email", "lin@example.cn")
    page.click('[data-testid="invite-submit"]')
    page.wait_for_url(f"**/portal/organizations/{org.pk}/**")
    assert page.locator("tr[data-invitation]").count() == 1
    assert "lin@example.cn" in page.locator("tr[data-invitation]").inner_text()
    assert org.members.count() == 1
    page.screenshot(path=str(ARTIFACTS / "portal-organization.png"), full_page=True)

    # Create the application (the only site is preselected).
    page.click('[data-testid="new-application"]')
    scheme = Scheme.objects.get(code="after-sales")
    page.select_option("#id_scheme", str(scheme.pk))
    # An initial certification has no current certificate: the field shows only for the kinds
    # that have one.
    certificate = page.locator('[data-field="certificate"]')
    assert certificate.is_hidden()
    page.select_option("#id_kind", "recertification")
    assert certificate.is_visible()
    page.select_option("#id_kind", "initial")
    assert certificate.is_hidden()
    # Only the chosen scheme's levels, named without the scheme (chosen just above).
    offered = page.locator("#id_requested_level option:not([hidden])").all_inner_texts()
    assert "四星" in offered and not any(":" in text for text in offered), offered
    page.select_option("#id_requested_level", "4-star")
    page.fill("#id_scope", "家用电器的安装、维修与退换货服务")
    assert page.locator('input[name="sites"]').first.is_checked()
    page.click('[data-testid="application-submit"]')
    page.wait_for_url("**/portal/applications/*/")
    app = Application.objects.get(organization=org)

    # The business licence handed in at registration counts: it is not asked for again.
    licence = page.locator('.checklist li[data-kind="legal_status"]')
    assert licence.get_attribute("data-present") == "yes"
    assert licence.locator('[data-testid="licence-on-file"]').count() == 1
    # Upload the other required materials; each turns its checklist line green.
    for kind in REQUIRED_DOCUMENTS[app.kind]:
        if kind == "legal_status":
            continue
        assert (
            page.locator(f'.checklist li[data-kind="{kind}"]').get_attribute("data-present") == "no"
        )
        page.select_option('[data-testid="upload-form"] select[name="kind"]', kind)
        page.set_input_files('[data-testid="upload-form"] input[name="file"]', pdf(f"{kind}.pdf"))
        page.click('[data-testid="upload-submit"]')
        page.wait_for_load_state()
        assert (
            page.locator(f'.checklist li[data-kind="{kind}"]').get_attribute("data-present")
            == "yes"
        )
    assert page.locator('[data-testid="missing-materials"]').count() == 0

    # Submit.
    page.click('details[data-action="submit"] > summary')
    page.fill("#id_submit_reason", "请审核")
    page.screenshot(path=str(ARTIFACTS / "portal-application-draft.png"), full_page=True)
    page.click('[data-testid="confirm-submit"]')
    badge = page.locator("h1 [data-state]")
    badge.wait_for()
    assert badge.get_attribute("data-state") == "submitted"
    with translation.override("zh-hans"):
        assert badge.inner_text() == str(
            Application.State.SUBMITTED.label
        )  # 已提交 once translated
    assert page.locator('details[data-action="submit"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "portal-application-submitted.png"), full_page=True)

    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED
    log = TransitionLog.objects.get(object_id=app.pk, transition="submit")
    assert log.actor == User.objects.get(username="fz-service")

    # The same page on a portrait tablet, and the portal home.
    page.set_viewport_size({"width": 820, "height": 1180})
    page.screenshot(path=str(ARTIFACTS / "portal-application-tablet.png"), full_page=True)
    page.goto(live_server.url + "/portal/")
    assert page.locator('[data-state="submitted"]').count() == 1
    page.screenshot(path=str(ARTIFACTS / "portal-home.png"), full_page=True)
    page.goto(live_server.url + "/")
    page.screenshot(path=str(ARTIFACTS / "public-home.png"), full_page=True)

"""In a real browser: one evaluation from plan to report (issue 7, §3.2.2–§3.3.2.2).

The planner (certification business) plans the evaluation and builds the team in the admin and
notifies the plan; the organisation sees the plan in the portal and accepts it (§3.2.2.4; it could
object to a member instead until the visit starts); the team leader, on a 390 px phone, starts the
document review and the visit, records the result of every required activity and an evidence with
a camera photo, and records a nonconformity; the organisation answers it in the portal; the leader
verifies it, closes the visit ("recommend once corrective actions are verified") and submits the
report, whose PDF link is then there.
"""

import datetime

import pytest
from django.utils import timezone, translation

from applications.tests.factories import UserFactory, applicant_of
from cesi_cert.roles import Role
from evaluations.models import Evaluation, Nonconformity
from evaluations.tests.factories import auditor, contracted_evaluation
from tests.e2e.test_applicant_signup import ARTIFACTS, browser_page  # noqa: F401 — fixture
from tests.e2e.test_staff_review import PASSWORD, log_in, run_action

PHONE = 390


def sign_in(page, base, username, landing):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{base}{landing}")


def _photo_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def fits_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{page.url} is {width}px wide on a {PHONE}px screen"


def follow(page, target):
    """Click a link (a selector or a locator) and wait for the page it opens."""
    with page.expect_navigation():
        (page.locator(target) if isinstance(target, str) else target).click()


def confirm(page, name):
    """On a workspace or portal action page: press "Confirm: …" and wait for the next page."""
    with page.expect_navigation():
        page.click(f'[data-testid="confirm-{name}"]')


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_evaluation_from_plan_to_report(live_server, browser_page):  # noqa: F811
    page, base = browser_page, live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    ev = contracted_evaluation()  # opened by the signed contract (4.0 man-days)
    assert ev.state == Evaluation.State.PLANNING
    leader = auditor(ev.scheme, username="zuzhang-e2e", last_name="林", first_name="晓")
    UserFactory(username="yewu-e2e", role=Role.CERTIFICATION_BUSINESS)
    applicant_of(ev.organization, username="org-e2e")
    change_url = f"{base}/admin/evaluations/evaluation/{ev.pk}/change/"
    starts = timezone.localdate() + datetime.timedelta(days=7)
    ends = starts + datetime.timedelta(days=1)

    # --- the planner: plan, team, notify (admin) ------------------------------------------
    log_in(page, base, "yewu-e2e")
    page.goto(change_url)
    page.click('a[data-object-action="plan"]')
    page.fill("#id_starts_on", starts.isoformat())
    page.fill("#id_ends_on", ends.isoformat())
    page.fill("#id_plan", "第一天：首次会议、文件审查；第二天：服务网点现场、末次会议")
    for box in page.locator('input[name="sites"]').all():
        box.check()
    page.check("#id_service_running_confirmed")
    page.click("form input[type=submit]")
    page.wait_for_url(change_url)

    page.click('a[data-object-action="team_add"]')
    page.select_option("#id_person", str(leader.pk))
    page.select_option("#id_role", "leader")
    page.fill("#id_man_days", "4.0")
    page.click("form input[type=submit]")
    page.wait_for_url(change_url)
    assert str(leader) in page.locator(".inline-group").first.inner_text()

    run_action(page, "notify_plan")
    page.click("form input[type=submit]")
    page.wait_for_url(change_url)
    page.screenshot(path=str(ARTIFACTS / "evaluation-admin-plan.png"), full_page=True)
    ev.refresh_from_db()
    assert ev.state == Evaluation.State.PLAN_NOTIFIED
    assert ev.plan_notified_at is not None and ev.planned_by.username == "yewu-e2e"
    with translation.override("zh-hans"):
        notified = str(Evaluation.State.PLAN_NOTIFIED.label)
    assert page.locator(".cesi-state").inner_text() == notified

    # --- the organisation sees the notified plan (portal) ---------------------------------
    sign_in(page, base, "org-e2e", "/portal/")
    page.click(f'tr[data-evaluation="{ev.pk}"] a')
    page.wait_for_url(f"{base}/portal/evaluations/{ev.pk}/")
    assert page.locator("h1 [data-state]").get_attribute("data-state") == "plan_notified"
    dates = f"{starts:%Y-%m-%d} – {ends:%Y-%m-%d}"
    assert page.locator('[data-testid="visit-dates"]').inner_text().startswith(dates)
    assert page.locator('[data-testid="visit-ics"]').is_visible()  # into the calendar
    assert (leader.get_full_name() or leader.username) in page.locator(
        '[data-testid="team"]'
    ).inner_text()
    page.screenshot(path=str(ARTIFACTS / "evaluation-portal-plan.png"), full_page=True)
    follow(page, '[data-testid="accept-plan"]')
    confirm(page, "accept_plan")
    assert page.locator('[data-testid="plan-accepted"]').is_visible()
    assert page.locator('[data-testid="accept-plan"]').count() == 0

    # --- the team leader on a phone: document review, visit, nonconformity ----------------
    page.set_viewport_size({"width": PHONE, "height": 844})
    sign_in(page, base, "zuzhang-e2e", "/auditor/")
    fits_phone(page)
    page.click(f'tr[data-evaluation="{ev.pk}"] a')
    workspace = f"{base}/auditor/evaluations/{ev.pk}/"
    page.wait_for_url(workspace)
    fits_phone(page)
    assert page.locator('[data-testid="plan-acceptance"] [data-accepted]').count() == 1

    follow(page, '[data-action="start_document_review"]')
    fits_phone(page)
    confirm(page, "start_document_review")
    assert page.locator("h1 [data-state]").get_attribute("data-state") == "document_review"

    follow(page, '[data-action="start_on_site"]')
    fits_phone(page)
    page.fill("#id_attendees", "林晓（组长）、企业负责人")
    page.check("#id_plan_confirmed")
    confirm(page, "start_on_site")
    assert page.locator("h1 [data-state]").get_attribute("data-state") == "on_site"
    fits_phone(page)

    # §3.2.3: the result of every activity the scheme's modes require (the report needs them).
    for activity in ev.activities.all():
        follow(page, f'[data-activity="{activity.pk}"] [data-action="record_result"]')
        fits_phone(page)
        page.select_option("#id_result", "conforms")
        confirm(page, "record_result")
        card = page.locator(f'[data-activity="{activity.pk}"]')
        assert card.locator("[data-state]").get_attribute("data-state") == "recorded"

    # §3.3.2.2 2: evidence with a photo from the camera, on the phone.
    evidence_form = page.locator('[data-testid="evidence-form"]')
    photo_input = evidence_form.locator('input[type="file"]')
    assert photo_input.get_attribute("capture") == "environment"
    assert photo_input.get_attribute("accept") == "image/*"
    evidence_form.locator("#id_kind").select_option("observation")
    evidence_form.locator("#id_text").fill("服务网点公示了投诉电话和服务承诺")
    photo_input.set_input_files(
        {"name": "camera.png", "mimeType": "image/png", "buffer": _photo_bytes()}
    )
    with page.expect_navigation():
        page.click('[data-testid="record-evidence"]')
    thumbnails = page.locator('[data-testid="evidence-photos"] img')
    assert thumbnails.count() == 1
    # The photo is served and decodes (waited for: a loaded machine may take a moment).
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0",
        arg=thumbnails.first.element_handle(),
        timeout=15_000,
    )
    fits_phone(page)
    page.screenshot(path=str(ARTIFACTS / "evaluation-evidence-390.png"), full_page=True)
    page.set_viewport_size({"width": 768, "height": 1024})  # the tablet
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    page.set_viewport_size({"width": PHONE, "height": 844})

    form = page.locator('[data-testid="raise-form"]')
    form.locator("#id_clause").fill("GB/T 27922 5.3")
    form.locator("#id_grade").select_option("minor")
    form.locator("#id_description").fill("投诉处理台账缺少回访记录")
    form.locator("#id_evidence").fill("抽查2026年投诉记录12份，3份无回访")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    nc = Nonconformity.objects.get(evaluation=ev)
    card = page.locator(f'[data-nonconformity="{nc.pk}"]')
    assert "NC01" in card.inner_text() and "投诉处理台账缺少回访记录" in card.inner_text()
    fits_phone(page)
    page.screenshot(path=str(ARTIFACTS / "evaluation-auditor-390.png"), full_page=True)

    # --- the organisation answers it (portal) ---------------------------------------------
    page.set_viewport_size({"width": 1180, "height": 820})
    sign_in(page, base, "org-e2e", "/portal/")
    page.goto(f"{base}/portal/evaluations/{ev.pk}/")
    card = page.locator(f'[data-nonconformity="{nc.pk}"]')
    assert "投诉处理台账缺少回访记录" in card.inner_text()
    follow(page, card.locator('[data-action="answer"]'))
    page.fill("#id_correction", "补做3份回访并记录")
    page.fill("#id_root_cause", "回访职责未落实到人")
    page.fill("#id_corrective_action", "修订投诉处理程序，指定专人每周回访")
    confirm(page, "answer")
    card = page.locator(f'[data-nonconformity="{nc.pk}"]')
    assert "修订投诉处理程序" in card.inner_text()
    assert card.locator('[data-action="answer"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "evaluation-portal-nc.png"), full_page=True)
    nc.refresh_from_db()
    assert nc.state == Nonconformity.State.ANSWERED

    # --- the leader verifies, closes the visit and reports (phone) ------------------------
    page.set_viewport_size({"width": PHONE, "height": 844})
    sign_in(page, base, "zuzhang-e2e", "/auditor/")
    page.goto(workspace)
    fits_phone(page)
    card = page.locator(f'[data-nonconformity="{nc.pk}"]')
    assert "修订投诉处理程序，指定专人每周回访" in card.inner_text()  # the answer
    follow(page, card.locator('[data-action="verify"]'))
    fits_phone(page)
    page.select_option("#id_verification", "documents")
    confirm(page, "verify")
    nc.refresh_from_db()
    assert nc.state == Nonconformity.State.VERIFIED

    follow(page, '[data-action="close_on_site"]')
    fits_phone(page)
    assert page.input_value("#id_conclusion") == Evaluation.Conclusion.AFTER_CORRECTIONS
    confirm(page, "close_on_site")
    assert page.locator("h1 [data-state]").get_attribute("data-state") == "awaiting_corrections"

    follow(page, '[data-action="submit_report"]')
    fits_phone(page)
    confirm(page, "submit_report")
    assert page.locator("h1 [data-state]").get_attribute("data-state") == "reported"
    fits_phone(page)
    ev.refresh_from_db()
    assert ev.state == Evaluation.State.REPORTED
    assert ev.conclusion == Evaluation.Conclusion.AFTER_CORRECTIONS
    link = page.locator('[data-testid="report-pdf"]')
    href = link.get_attribute("href")
    assert href == f"/auditor/evaluations/{ev.pk}/report.pdf"
    response = page.request.get(f"{base}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"

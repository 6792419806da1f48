"""In a real browser: the technical committee decides (§3.3), and the organisation reads it.

Two committee members, on a 768 px tablet in portrait, open the decision in their queue, read
the dossier (the evaluation report framed inline), start the review, confirm conditions a–e,
open the vote and vote; the second closes the vote and the decision is granted — the outcome
computed from the votes (quorum 2 for this committee of two). The organisation then reads the
outcome in the portal on a 360 px phone, without the votes, and finds the certificate the grant
issued; the public verification page shows it active, and suspended once it is suspended.
"""

import pytest

from certificates.models import Decision, Vote
from certificates.tests.decision_factories import committee_member, open_decision
from tests.e2e.test_applicant_signup import ARTIFACTS, browser_page  # noqa: F401 — fixture
from tests.e2e.test_evaluation_journey import confirm, follow, sign_in
from tests.e2e.test_staff_review import PASSWORD

TABLET = 768


def fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET, f"{page.url} is {width}px wide on a {TABLET}px screen"


def run(page, name):
    follow(page, f'[data-action="{name}"]')
    fits(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_members_vote_and_the_decision_is_granted(live_server, browser_page, settings):  # noqa: F811
    settings.DECISION_QUORUM = 2
    page, base = browser_page, live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    case = open_decision(members=0)
    first = committee_member(username="jiwei-a", first_name="陈静")
    second = committee_member(username="jiwei-b", first_name="周涛")
    decision = case.decision
    dossier = f"{base}/committee/decisions/{decision.pk}/"
    page.set_viewport_size({"width": TABLET, "height": 1024})

    # --- the first member: queue → dossier → review → conditions → vote ----------------------
    sign_in(page, base, first.username, "/committee/")
    fits(page)
    follow(page, f'tr[data-decision="{decision.pk}"] a')
    assert page.url == dossier
    fits(page)
    frame = page.locator('[data-testid="report-frame"]')
    assert frame.is_visible()
    report = page.request.get(base + frame.get_attribute("src"))
    assert report.status == 200 and report.headers["content-type"] == "application/pdf"
    assert decision.evaluation.reference in page.locator("main").inner_text()

    run(page, "start_review")
    confirm(page, "start_review")
    assert page.locator("h1 [data-state]").get_attribute("data-state") == "in_review"
    for code in "abcde":
        run(page, "confirm_condition")
        page.select_option("#id_condition", code)
        page.fill("#id_note", f"已核对 {code}")
        confirm(page, "confirm_condition")
    assert page.locator("[data-condition][data-confirmed]").count() == 5
    run(page, "open_voting")
    confirm(page, "open_voting")
    run(page, "vote")
    page.check('input[name="choice"][value="approve"]')
    page.fill("#id_comment", "资料齐全，不符合项均已验证关闭，同意注册。")
    confirm(page, "vote")
    assert page.locator(f'[data-testid="votes"] [data-voter="{first.pk}"]').is_visible()
    page.screenshot(path=str(ARTIFACTS / "decision-dossier-768.png"), full_page=True)

    # --- the second member votes and closes the vote -----------------------------------------
    sign_in(page, base, second.username, "/committee/")
    follow(page, f'tr[data-decision="{decision.pk}"] a')
    fits(page)
    run(page, "vote")
    page.check('input[name="choice"][value="approve"]')
    page.fill("#id_comment", "同意。")
    confirm(page, "vote")
    run(page, "close_voting")
    confirm(page, "close_voting")
    assert page.locator("h1 [data-state]").get_attribute("data-state") == "granted"
    assert page.locator('[data-testid="outcome"]').is_visible()
    assert page.locator('[data-action="vote"]').count() == 0  # locked once made
    fits(page)
    page.screenshot(path=str(ARTIFACTS / "decision-granted-768.png"), full_page=True)

    decision.refresh_from_db()
    assert decision.state == Decision.State.GRANTED
    assert decision.decided_by == second and decision.approvals == 2
    assert Vote.objects.filter(decision=decision).count() == 2

    # --- the organisation, on a phone: the outcome, not the votes ----------------------------
    case.applicant.set_password(PASSWORD)
    case.applicant.save()
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, base, case.applicant.username, "/portal/")
    follow(page, f'tr[data-decision="{decision.pk}"] a')
    assert page.locator("h1 [data-state]").get_attribute("data-state") == "granted"
    assert "资料齐全" not in page.locator("main").inner_text()  # no vote comments
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide on a 360px screen"
    page.screenshot(path=str(ARTIFACTS / "decision-portal-360.png"), full_page=True)

    # --- the grant issued the certificate: in the portal, and publicly verifiable ---------------
    from certificates.models import Certificate
    from certificates.services import certificate_suspend
    from cesi_cert.roles import Role

    certificate = Certificate.objects.get(organization=decision.organization)
    page.goto(f"{base}/portal/")
    follow(page, f'tr[data-certificate="{certificate.pk}"] a')
    assert page.locator('[data-testid="pdf-zh"]').is_visible()
    assert page.locator('[data-testid="pdf-en"]').is_visible()
    page.screenshot(path=str(ARTIFACTS / "certificate-portal-360.png"), full_page=True)

    page.goto(f"{base}/verify/{certificate.number}/")  # the public, no login needed
    card = page.locator('[data-testid="certificate"]')
    assert card.get_attribute("data-state") == "active"
    assert page.locator('[data-testid="suspended-notice"]').count() == 0

    from applications.tests.factories import UserFactory

    certificate_suspend(
        certificate=certificate,
        by=UserFactory(role=Role.CUSTOMER_SERVICE),
        ground="h",
        reason="不符合项未按期完成纠正",
    )
    page.reload()
    assert card.get_attribute("data-state") == "suspended"
    assert page.locator('[data-testid="suspended-notice"]').is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide on a 360px screen"
    page.screenshot(path=str(ARTIFACTS / "certificate-verify-suspended-360.png"), full_page=True)

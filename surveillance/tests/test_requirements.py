"""Changed certification requirements (§3.4.7): publishing asks every holder of a valid or
suspended certificate of the scheme to confirm conformity by a day; a refusal or a missed day
opens a case proposing withdrawal on §5.2.1 i."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from applications.tests.factories import OrganizationFactory, applicant_of
from certificates import services as certificate_services
from certificates.tests.factories import issued_certificate
from cesi_cert.errors import DomainError
from cesi_cert.models import Deadline, Notification
from surveillance import services
from surveillance.models import Case, RequirementVerification

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
KIND = "surveillance.requirements_changed"


def at(moment: str):
    return time_machine.travel(
        datetime.datetime.fromisoformat(moment).replace(tzinfo=UTC), tick=False
    )


@pytest.fixture(autouse=True)
def _june():
    with at("2026-06-01T02:00"):
        yield


@pytest.fixture
def holders(org, applicant, cs_staff):
    """``org`` holds two certificates of the scheme, another organisation one, and a withdrawn
    certificate of a third is left out."""
    first = issued_certificate(by=cs_staff, organization=org)
    second = issued_certificate(by=cs_staff, organization=org)
    other_org = OrganizationFactory()
    other = issued_certificate(by=cs_staff, organization=other_org)
    gone = issued_certificate(by=cs_staff)
    certificate_services.certificate_withdraw(
        certificate=gone, by=cs_staff, ground="k", reason="组织申请撤销"
    )
    return {"mine": [first, second], "other": other, "other_applicant": applicant_of(other_org)}


@pytest.fixture
def change(holders, business_staff):
    return services.requirement_change_create(
        by=business_staff,
        scheme=holders["other"].scheme,
        title="服务评价新增投诉响应时限",
        description="投诉须在 24 小时内响应。",
        effective_on=datetime.date(2026, 7, 1),
        verify_by=datetime.date(2026, 9, 30),
    )


def test_s3_4_7_publish_creates_one_verification_per_held_certificate_and_tells_each_holder_once(
    change, holders, applicant, business_staff
):
    assert change.reference.startswith("RC2026-")
    services.requirement_change_publish(change=change, by=business_staff)
    verifications = RequirementVerification.objects.filter(change=change)
    assert sorted(v.certificate_id for v in verifications) == sorted(
        [c.pk for c in holders["mine"]] + [holders["other"].pk]
    )
    assert Notification.objects.filter(recipient=applicant, kind=KIND).count() == 1
    assert Notification.objects.filter(recipient=holders["other_applicant"], kind=KIND).count() == 1
    # Read in Chinese, the scheme is named in Chinese; in English, in English.
    told = Notification.objects.get(recipient=applicant, kind=KIND)
    scheme = change.scheme
    assert scheme.name_zh in told.rendered("zh-hans")[1]
    assert scheme.name_en in told.rendered("en")[1]
    assert scheme.name_en not in told.rendered("zh-hans")[1]
    due = Deadline.objects.filter(kind="surveillance.requirement_verification", closed_at=None)
    assert due.count() == 3
    row = due.first()
    assert row.visible_to_organization
    assert row.remind_at == row.due_at - datetime.timedelta(days=14)
    assert RequirementVerification.history.filter(change_id=change.pk).count() == 3

    # Twice: the transition refuses (409), and the idempotent creation adds nothing.
    told = Notification.objects.filter(kind=KIND).count()
    with pytest.raises(DomainError) as err:
        services.requirement_change_publish(change=change, by=business_staff)
    assert err.value.code == DomainError.CONFLICT
    assert services.requirement_verifications_ensure(change, by=business_staff) == 0
    assert verifications.count() == 3
    assert Notification.objects.filter(kind=KIND).count() == told


def test_s3_4_7_only_certification_business_publishes(change, cs_staff, applicant):
    for user in (cs_staff, applicant):
        with pytest.raises(DomainError) as err:
            services.requirement_change_publish(change=change, by=user)
        assert err.value.code == DomainError.FORBIDDEN


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_s3_4_7_another_organisation_cannot_see_or_act_404(change, holders, business_staff):
    services.requirement_change_publish(change=change, by=business_staff)
    mine = RequirementVerification.objects.filter(certificate=holders["mine"][0]).get()
    intruder = holders["other_applicant"]
    api = _api(intruder)
    assert api.get(f"/api/v1/requirement-verifications/{mine.pk}/").status_code == 404
    url = f"/api/v1/requirement-verifications/{mine.pk}/transitions/refuse/"
    assert api.post(url, {}, format="json").status_code == 404
    listed = api.get("/api/v1/requirement-verifications/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["certificate"] for r in rows] == [holders["other"].pk]
    client = __import__("django.test", fromlist=["Client"]).Client()
    client.force_login(intruder)
    assert client.get(reverse("portal:requirement_verification", args=[mine.pk])).status_code == 404
    action = reverse("portal:requirement_verification_action", args=[mine.pk, "confirm"])
    assert client.post(action, {"note": "x"}).status_code == 404
    mine.refresh_from_db()
    assert mine.state == RequirementVerification.State.OPEN
    # Staff only: the changes.
    assert _api(intruder).get(f"/api/v1/requirement-changes/{change.pk}/").status_code == 404


def test_s5_2_1_i_refusal_opens_a_withdrawal_case_on_ground_i(
    change, holders, applicant, business_staff
):
    services.requirement_change_publish(change=change, by=business_staff)
    verification = RequirementVerification.objects.get(certificate=holders["mine"][0])
    url = f"/api/v1/requirement-verifications/{verification.pk}/transitions/refuse/"
    res = _api(applicant).post(url, {"note": "不打算改造"}, format="json")
    assert res.status_code == 200 and res.json()["state"] == "refused"
    case = Case.objects.get()
    assert (case.proposal, case.ground, case.certificate_id) == (
        "withdrawal",
        "5.2.1i",
        holders["mine"][0].pk,
    )
    assert not Deadline.objects.filter(
        kind="surveillance.requirement_verification", object_id=verification.pk, closed_at=None
    ).exists()
    # Accepting it withdraws the certificate on §5.2.1 i.
    services.case_accept(case=case, by=business_staff, reason="确认不愿符合新要求")
    cert = holders["mine"][0]
    cert.refresh_from_db()
    assert cert.state == "withdrawn"
    assert cert.status_changes.get().ground == "i"


def test_s3_4_7_confirm_in_the_portal_with_a_file_then_staff_verify(
    client, change, holders, applicant, business_staff
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.requirement_change_publish(change=change, by=business_staff)
    verification = RequirementVerification.objects.get(certificate=holders["mine"][0])
    client.force_login(applicant)
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:requirement_verifications") in home
    # The deadlines panel shows the open item, linked to its page.
    assert change.reference in home and verification.get_absolute_url() in home
    listing = client.get(reverse("portal:requirement_verifications")).content.decode()
    assert change.reference in listing
    url = reverse("portal:requirement_verification_action", args=[verification.pk, "confirm"])
    fake = SimpleUploadedFile("report.pdf", b"MZ not a pdf", content_type="application/pdf")
    res = client.post(url, {"note": "已整改", "attachment": fake})
    assert res.status_code == 200 and "attachment" in res.context["form"].errors
    pdf = SimpleUploadedFile(
        "report.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf"
    )
    res = client.post(url, {"note": "已整改", "attachment": pdf})
    assert res.status_code == 302
    verification.refresh_from_db()
    assert verification.state == "confirmed" and verification.attachment_name == "report.pdf"
    assert client.get(verification.get_download_url()).status_code == 200
    services.requirement_verification_verify(verification=verification, by=business_staff)
    verification.refresh_from_db()
    assert verification.state == "verified" and verification.verified_by == business_staff
    assert not Case.objects.exists()


def test_s3_4_7_missed_at_the_due_moment_opens_a_case_once(change, holders, business_staff):
    services.requirement_change_publish(change=change, by=business_staff)
    confirmed = RequirementVerification.objects.get(certificate=holders["other"])
    services.requirement_verification_confirm(
        verification=confirmed, by=holders["other_applicant"], note="符合"
    )
    with at("2026-09-30T15:58"):  # 23:58 in China on the last day: not yet
        call_command("run_deadlines")
    assert not Case.objects.exists()
    with at("2026-09-30T16:00"):  # 00:00 the next day in China
        call_command("run_deadlines")
    cases = Case.objects.all()
    assert sorted(c.certificate_id for c in cases) == sorted(c.pk for c in holders["mine"])
    assert {(c.proposal, c.ground, c.sweep) for c in cases} == {
        ("withdrawal", "5.2.1i", "surveillance.requirements_missed")
    }
    assert set(RequirementVerification.objects.values_list("certificate_id", "state")) == {
        (c.pk, "missed") for c in holders["mine"]
    } | {(holders["other"].pk, "confirmed")}
    with at("2026-10-01T02:00"):  # a second run does nothing more
        call_command("run_deadlines")
    assert Case.objects.count() == 2


def test_s3_4_7_admin_drafts_publishes_and_lists_verifications(client, holders, business_staff):
    client.force_login(business_staff)
    res = client.post(
        reverse("admin:surveillance_requirementchange_open"),
        {
            "scheme": holders["other"].scheme_id,
            "title": "新要求",
            "description": "说明",
            "effective_on": "2026-07-01",
            "verify_by": "2026-06-30",
        },
    )
    assert res.status_code == 200  # verified before it takes effect: a field error
    assert "verify_by" in res.context["form"].errors
    res = client.post(
        reverse("admin:surveillance_requirementchange_open"),
        {
            "scheme": holders["other"].scheme_id,
            "title": "新要求",
            "description": "说明",
            "effective_on": "2026-07-01",
            "verify_by": "2026-09-30",
        },
    )
    assert res.status_code == 302
    from surveillance.models import RequirementChange

    change = RequirementChange.objects.get()
    page = client.get(reverse("admin:surveillance_requirementchange_change", args=[change.pk]))
    publish = reverse(
        "admin:surveillance_requirementchange_transition", args=[change.pk, "publish"]
    )
    assert publish in page.content.decode()
    assert client.post(publish, {"reason": ""}).status_code == 302
    listing = client.get(
        reverse("admin:surveillance_requirementverification_changelist") + "?state__exact=open"
    )
    assert listing.status_code == 200
    assert holders["other"].number in listing.content.decode()

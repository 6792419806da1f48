"""Scope extension (§3.4.5) end to end: the conditions of §3.5.5.1 a–c in the review (c from
the incident register), the extension's contract supplementing the certificate's (§3.5.5.2 b),
the evaluation combined with the surveillance cycle and the certificate replaced on a grant
(§3.5.5.2 d, "按初审程序更换证书": same number, same validity)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications import services as application_services
from applications.models import Application, ExtensionConditionCheck
from applications.tests.factories import (
    ApplicationFactory,
    SiteFactory,
    UserFactory,
    applicant_of,
    application_in,
    complete_documents,
)
from certificates import services as certificate_services
from certificates.models import Certificate, CertificateVersion
from certificates.tests.decision_factories import Case as DecisionCase
from certificates.tests.decision_factories import committee_member, in_voting, vote_all
from certificates.tests.factories import issued_certificate, staff
from cesi_cert.errors import DomainError
from cesi_cert.models import Notification, TransitionLog
from evaluations import services as evaluation_services
from evaluations.models import Evaluation
from surveillance import services
from surveillance.models import SurveillanceCycle
from surveillance.tests.factories import opened, submitted

UTC = datetime.UTC


def at(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(day).replace(tzinfo=UTC), tick=False)


def moment(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(tzinfo=UTC)


@pytest.fixture
def certificate(django_capture_on_commit_callbacks):
    with at("2026-04-20T02:00"), django_capture_on_commit_callbacks(execute=True):
        return issued_certificate(by=staff("kefu-ext"))


def extension_under_review(certificate, *, kefu=None):
    """The organisation asks to add a new site; customer service has started the review."""
    org = certificate.organization
    applicant = applicant_of(org)
    new_site = SiteFactory(organization=org, name="新增网点")
    app = ApplicationFactory(
        organization=org,
        created_by=applicant,
        kind=Application.Kind.EXTENSION,
        certificate=certificate,
        requested_level=certificate.current_version.level,
        scope="家用电器的安装、维修、退换货及以旧换新服务",
        sites=[new_site],
    )
    complete_documents(app, by=applicant)
    kefu = kefu or UserFactory(role="customer_service")
    app = application_in(
        Application.State.UNDER_REVIEW, application=app, applicant=applicant, staff=kefu
    )
    return app, kefu, new_site


def confirm(app, kefu, conditions="abc"):
    for code in conditions:
        app = application_services.application_confirm_extension_condition(
            application=app, by=kefu, condition=code, note="已核实"
        )
    return app


def accept(app, kefu):
    return application_services.application_accept(
        application=app, by=kefu, requirements_clear=True, cb_capable=True
    )


def refusal(call) -> DomainError:
    with pytest.raises(DomainError) as info:
        call()
    return info.value


# --- §3.5.5.1 a–c in the review ---------------------------------------------------------------


@pytest.mark.django_db
def test_s3_5_5_1_acceptance_refused_without_a_and_b_naming_them(certificate):
    with at("2027-03-01T02:00"):
        app, kefu, _site = extension_under_review(certificate)
        error = refusal(lambda: accept(app, kefu))
        assert error.code == DomainError.CONFLICT
        assert "a, b, c" in str(error.message)
        confirm(app, kefu, "c")
        error = refusal(lambda: accept(app, kefu))
        assert "a, b" in str(error.message) and "a, b, c" not in str(error.message)
        confirm(app, kefu, "ab")
        app = accept(app, kefu)
    assert app.state == Application.State.ACCEPTED
    checks = ExtensionConditionCheck.objects.filter(application=app)
    assert sorted(checks.values_list("condition", flat=True)) == ["a", "b", "c"]
    assert {c.confirmed_by for c in checks} == {kefu}
    # Each confirmation is in the application's log, with who did it.
    log = TransitionLog.objects.filter(object_id=app.pk, transition="confirm_extension_condition")
    assert log.count() == 3 and {row.actor for row in log} == {kefu}


@pytest.mark.django_db
def test_s3_5_5_1_a_condition_is_confirmed_once_and_only_by_customer_service(certificate):
    with at("2027-03-01T02:00"):
        app, kefu, _site = extension_under_review(certificate)
        confirm(app, kefu, "a")
        assert refusal(lambda: confirm(app, kefu, "a")).code == DomainError.CONFLICT
        applicant = applicant_of(app.organization)
        assert refusal(lambda: confirm(app, applicant, "b")).code == DomainError.FORBIDDEN
        # Not an extension: there is nothing of §3.5.5.1 to confirm (409).
        initial = application_in(Application.State.UNDER_REVIEW, staff=kefu)
        assert refusal(lambda: confirm(initial, kefu, "a")).code == DomainError.CONFLICT


@pytest.mark.django_db
def test_s3_5_5_1_c_an_accident_5_months_ago_refuses_c_and_acceptance(certificate):
    org = certificate.organization
    with at("2027-03-01T02:00"):
        app, kefu, _site = extension_under_review(certificate)
        notice = submitted(org, applicant_of(org), kind="a", occurred_at=moment("2026-10-01T02:00"))
        findings = application_services.condition_c_findings(app)
        assert [f.reference for f in findings] == [notice.reference]
        error = refusal(lambda: confirm(app, kefu, "c"))
        assert error.code == DomainError.CONFLICT and notice.reference in str(error.message)
        confirm(app, kefu, "ab")
        error = refusal(lambda: accept(app, kefu))
        assert error.code == DomainError.CONFLICT and "c" in str(error.message)
    app.refresh_from_db()
    assert app.state == Application.State.UNDER_REVIEW


@pytest.mark.django_db
def test_s3_5_5_1_c_a_failed_inspection_found_after_c_was_confirmed_still_refuses(
    certificate,
):
    org = certificate.organization
    with at("2027-03-01T02:00"):
        app, kefu, _site = extension_under_review(certificate)
        confirm(app, kefu, "abc")
        notice = opened(org, staff("kefu-2"), kind="b", occurred_at=moment("2027-02-01T02:00"))
        error = refusal(lambda: accept(app, kefu))
    assert error.code == DomainError.CONFLICT and notice.reference in str(error.message)


@pytest.mark.django_db
def test_s3_5_5_1_c_an_accident_13_months_ago_or_a_change_notice_does_not_count(certificate):
    org = certificate.organization
    with at("2027-03-01T02:00"):
        app, kefu, _site = extension_under_review(certificate)
        submitted(org, applicant_of(org), kind="a", occurred_at=moment("2026-02-01T02:00"))
        submitted(org, applicant_of(org), kind="c", occurred_at=moment("2027-01-01T02:00"))
        assert application_services.condition_c_findings(app) == []
        confirm(app, kefu, "abc")
        app = accept(app, kefu)
    assert app.state == Application.State.ACCEPTED


@pytest.mark.django_db
def test_s3_5_5_1_c_never_shows_another_organisations_incidents(certificate, client):
    with at("2027-03-01T02:00"):
        app, kefu, _site = extension_under_review(certificate)
        other = application_in(Application.State.DRAFT).organization
        theirs = submitted(
            other, applicant_of(other), kind="a", occurred_at=moment("2027-02-01T02:00")
        )
        assert application_services.condition_c_findings(app) == []
        # The organisation's portal page shows the checklist, not the other's incident.
        client.force_login(app.created_by)
        page = client.get(app.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="extension-checklist"' in body
    assert theirs.reference not in body


@pytest.mark.django_db
def test_s3_5_5_1_the_checklist_shows_c_findings_on_the_admin_and_portal_pages(certificate, client):
    org = certificate.organization
    with at("2027-03-01T02:00"):
        app, kefu, _site = extension_under_review(certificate)
        confirm(app, kefu, "a")
        notice = submitted(org, applicant_of(org), kind="a", occurred_at=moment("2026-12-01T02:00"))
        client.force_login(kefu)
        admin_page = client.get(f"/admin/applications/application/{app.pk}/change/")
        client.force_login(app.created_by)
        portal_page = client.get(app.get_absolute_url())
    for page in (admin_page, portal_page):
        assert page.status_code == 200
        body = page.content.decode()
        assert 'data-testid="extension-checklist"' in body
        assert notice.reference in body


# --- §3.5.5.2 b–d: contract, evaluation, grant ---------------------------------------------


def contracted_extension(certificate, *, fee="8000.00"):
    app, kefu, new_site = extension_under_review(certificate)
    confirm(app, kefu, "abc")
    accept(app, kefu)
    app = application_services.application_sign_contract(
        application=Application.objects.get(pk=app.pk),
        by=kefu,
        signed_on=datetime.date(2027, 3, 1),
        man_days="2.0",
        fee_quote=fee,
    )
    evaluation = evaluation_services.evaluation_open_for_application(
        application=app
    ) or Evaluation.objects.get(application=app)
    return app, evaluation, new_site


def decide(evaluation, capture, votes="aaa"):
    Evaluation.objects.filter(pk=evaluation.pk).update(
        state=Evaluation.State.REPORTED, conclusion=Evaluation.Conclusion.RECOMMEND
    )
    decision = certificate_services.decision_open(evaluation=evaluation)
    case = DecisionCase(
        decision=decision,
        leader=None,
        member=None,
        applicant=None,
        members=[committee_member() for _ in range(3)],
    )
    in_voting(case, confirm="abcde" if "a" in votes else "")
    vote_all(case, votes)
    with capture(execute=True):
        return certificate_services.decision_close_voting(
            decision=case.decision, by=case.members[0]
        )


@pytest.mark.django_db
def test_s3_5_5_2_b_the_extension_contract_supplements_the_certificates_contract(certificate):
    original = certificate.current_version.evaluation.application.contract
    with at("2027-03-01T02:00"):
        app, evaluation, _site = contracted_extension(certificate, fee="8000.00")
    assert app.state == Application.State.CONTRACTED
    assert app.contract.amends == original
    assert str(app.contract.fee_quote) == "8000.00"
    assert evaluation.kind == Evaluation.Kind.EXTENSION


@pytest.mark.django_db
def test_s3_5_5_2_d_a_granted_extension_replaces_the_certificate_same_number_and_expiry(
    certificate, django_capture_on_commit_callbacks
):
    before = certificate.current_version
    old_site = before.sites[0]["site"]
    with at("2027-03-01T02:00"):
        app, evaluation, new_site = contracted_extension(certificate)
        decision = decide(evaluation, django_capture_on_commit_callbacks)
    assert decision.state == "granted"
    certificate = Certificate.objects.get(pk=certificate.pk)
    after = certificate.current_version
    assert after.pk != before.pk and after.sequence == before.sequence + 1
    assert after.kind == CertificateVersion.Kind.SCOPE and after.evaluation == evaluation
    assert after.scope == app.scope
    assert {s["site"] for s in after.sites} == {old_site, new_site.pk}
    printed = {s["site"]: s["number"] for s in after.sites}
    assert printed[new_site.pk].startswith(f"{certificate.number}-")
    assert printed[old_site].startswith(f"{certificate.number}-")
    assert certificate.number == before.certificate.number
    assert after.expires_on == before.expires_on == certificate.expires_on
    # The earlier version stays as it was, readable.
    before.refresh_from_db()
    assert before.scope != app.scope and [s["site"] for s in before.sites] == [old_site]
    # The organisation is told.
    assert Notification.objects.filter(
        kind="certificate.reissued", recipient__memberships__organization=app.organization
    ).exists()


@pytest.mark.django_db
def test_s3_5_5_2_d_a_refused_extension_changes_nothing(
    certificate, django_capture_on_commit_callbacks
):
    before = certificate.current_version
    with at("2027-03-01T02:00"):
        _app, evaluation, _site = contracted_extension(certificate)
        decision = decide(evaluation, django_capture_on_commit_callbacks, votes="rrr")
    assert decision.state == "refused"
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.current_version == before
    assert certificate.versions.count() == 1
    assert not certificate.sub_certificates.exists()


@pytest.mark.django_db
def test_s3_5_5_2_d_combined_with_surveillance_one_grant_satisfies_the_cycle_and_reissues(
    certificate, django_capture_on_commit_callbacks
):
    cycle = SurveillanceCycle.objects.get(certificate=certificate, number=1)
    assert cycle.evaluation is None
    with at("2027-03-01T02:00"):
        app, evaluation, new_site = contracted_extension(certificate)
        planner = UserFactory(role="certification_business")
        services.cycle_combine_with_extension(cycle=cycle, evaluation=evaluation, by=planner)
        # The sweep opens no surveillance evaluation of its own for the combined cycle.
        horizon = moment("2027-04-19T12:00")
        assert cycle.pk not in list(services.cycles_to_evaluate(horizon))
        decide(evaluation, django_capture_on_commit_callbacks)
    cycle.refresh_from_db()
    assert cycle.evaluation == evaluation and cycle.state == SurveillanceCycle.State.SATISFIED
    assert SurveillanceCycle.objects.filter(certificate=certificate, number=2).exists()
    certificate.refresh_from_db()
    assert new_site.pk in {s["site"] for s in certificate.current_version.sites}
    assert not Evaluation.objects.filter(kind=Evaluation.Kind.SURVEILLANCE).exists()


@pytest.mark.django_db
def test_s3_5_5_2_d_combining_is_refused_for_the_organisation_and_for_another_certificate(
    certificate, django_capture_on_commit_callbacks
):
    cycle = SurveillanceCycle.objects.get(certificate=certificate, number=1)
    with at("2027-03-01T02:00"):
        app, evaluation, _site = contracted_extension(certificate)
        error = refusal(
            lambda: services.cycle_combine_with_extension(
                cycle=cycle, evaluation=evaluation, by=app.created_by
            )
        )
        assert error.code == DomainError.FORBIDDEN
        with django_capture_on_commit_callbacks(execute=True):
            other = issued_certificate(by=staff("kefu-other"))
        other_cycle = SurveillanceCycle.objects.get(certificate=other, number=1)
        kefu = UserFactory(role="customer_service")
        error = refusal(
            lambda: services.cycle_combine_with_extension(
                cycle=other_cycle, evaluation=evaluation, by=kefu
            )
        )
    assert error.code == DomainError.INVALID
    other_cycle.refresh_from_db()
    assert other_cycle.evaluation is None


# --- the staff screens ------------------------------------------------------------------------


@pytest.mark.django_db
def test_s3_5_5_1_the_reviewer_confirms_a_condition_in_the_admin(certificate, client):
    with at("2027-03-01T02:00"):
        app, kefu, _site = extension_under_review(certificate)
        client.force_login(kefu)
        url = reverse(
            "admin:applications_application_transition",
            args=[app.pk, "confirm_extension_condition"],
        )
        assert client.get(url).status_code == 200
        response = client.post(url, {"condition": "b", "note": "服务覆盖新增网点"})
    assert response.status_code == 302
    check = ExtensionConditionCheck.objects.get(application=app)
    assert (check.condition, check.confirmed_by, check.note) == ("b", kefu, "服务覆盖新增网点")


@pytest.mark.django_db
def test_s3_5_5_2_d_staff_combine_the_cycle_in_the_admin(
    certificate, client, django_capture_on_commit_callbacks
):
    cycle = SurveillanceCycle.objects.get(certificate=certificate, number=1)
    with at("2027-03-01T02:00"):
        _app, evaluation, _site = contracted_extension(certificate)
        planner = UserFactory(role="certification_business")
        client.force_login(planner)
        page = client.get(f"/admin/surveillance/surveillancecycle/{cycle.pk}/change/")
        assert 'data-object-action="combine_extension"' in page.content.decode()
        url = f"/admin/surveillance/surveillancecycle/{cycle.pk}/combine-extension/"
        assert client.get(url).status_code == 200
        response = client.post(url, {"evaluation": evaluation.pk})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.evaluation == evaluation
    assert cycle.history.first().history_user == planner

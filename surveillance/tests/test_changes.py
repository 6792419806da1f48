"""Change requests (§3.4.4) and scope reductions (§3.4.6) through their services: each kind's
path, the reissue (a new version, the old one still readable), the level increase that starts an
application instead, the committee's decision on a change evaluation, and a reduction keeping
number and validity."""

import datetime

import pytest

from applications.models import Application
from applications.tests.factories import OrganizationFactory, UserFactory, applicant_of, pdf_upload
from certificates import services as certificate_services
from certificates.models import CertificateVersion
from certificates.tests.decision_factories import Case as DecisionCase
from certificates.tests.decision_factories import committee_member, in_voting, vote_all
from certificates.tests.factories import issued_certificate
from cesi_cert.errors import DomainError
from cesi_cert.models import Notification
from cesi_cert.roles import Role
from evaluations.models import ConflictDeclaration, Evaluation
from surveillance import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert():
    return issued_certificate(sites=2)


@pytest.fixture
def member(cert):
    return applicant_of(cert.organization)


@pytest.fixture
def business():
    return UserFactory(role=Role.CERTIFICATION_BUSINESS)


def _submit(cert, member, kind, **more):
    return services.change_request_submit(
        certificate=cert,
        by=member,
        kind=kind,
        description=more.pop("description", "变更说明"),
        **more,
    )


def _reviewed(cr, business):
    return services.change_request_start_review(change_request=cr, by=business)


def _versions(cert):
    return list(cert.versions.order_by("sequence"))


def test_s3_4_4_kind_1_name_change_updates_the_organisation_and_reissues(cert, member, business):
    cr = _submit(cert, member, "1", new_name_zh="新名称有限公司", new_name_en="New Name Co., Ltd.")
    assert cr.reference.startswith("CR") and cr.state == "submitted"
    assert Notification.objects.filter(
        kind="surveillance.change_submitted", recipient=business
    ).exists()
    cr = services.change_request_approve(change_request=_reviewed(cr, business), by=business)
    cert.refresh_from_db()
    old, new = _versions(cert)
    assert cr.state == "approved" and cr.version == new and cr.methods == ["document_check"]
    assert new.kind == CertificateVersion.Kind.NAME_ADDRESS and cr.reference in new.reason
    assert new.organization_name_zh == "新名称有限公司"
    assert old.organization_name_zh != "新名称有限公司"  # the old version stays as it was
    assert cert.current_version == new and cert.number == cr.certificate.number
    assert Notification.objects.filter(
        kind="surveillance.change_updated", recipient=member
    ).exists()


def test_s3_4_4_kind_2_scope_rewording_reissues_and_extension_or_reduction_is_pointed_away(
    cert, member, business
):
    for direction, word in (("extend", "§3.4.5"), ("reduce", "§3.4.6")):
        with pytest.raises(DomainError) as err:
            _submit(cert, member, "2", new_scope="更多", scope_change=direction)
        assert word in err.value.field_errors()["scope_change"][0]
    cr = _submit(cert, member, "2", new_scope="家用电器售后服务（安装、维修）")
    cr = services.change_request_approve(change_request=_reviewed(cr, business), by=business)
    cert.refresh_from_db()
    assert cert.current_version.kind == "scope"
    assert cert.current_version.scope == "家用电器售后服务（安装、维修）"


def test_s3_4_4_kind_4_level_increase_starts_an_application_and_does_not_reissue(
    cert, member, business
):
    cr = _submit(cert, member, "4", new_level="5-star")
    cr = services.change_request_approve(change_request=_reviewed(cr, business), by=business)
    cert.refresh_from_db()
    assert len(_versions(cert)) == 1  # no reissue: "认证级别的提高按初次认证执行"
    app = cr.application
    assert app.kind == Application.Kind.LEVEL_CHANGE and app.state == "draft"
    assert app.requested_level == "5-star" and app.certificate == cert
    assert app.organization == cert.organization
    note = Notification.objects.filter(kind="surveillance.change_updated", recipient=member).last()
    assert app.reference in str(note.params)


def test_s3_4_4_kind_4_level_decrease_reissues_with_the_new_level(cert, member, business):
    cr = _submit(cert, member, "4", new_level="3-star")
    services.change_request_approve(change_request=_reviewed(cr, business), by=business)
    cert.refresh_from_db()
    assert cert.current_version.kind == "level" and cert.current_version.level == "3-star"


def test_s3_4_4_kind_4_the_portal_offers_the_levels_by_name_never_a_code_to_type(
    client, cert, member
):
    from django.urls import reverse

    client.force_login(member)
    form = client.get(reverse("portal:change_request_create")).context["form"]
    five_star = cert.scheme.level_label("5-star")
    assert five_star != "5-star"
    choices = [(code, str(label)) for code, label in form.fields["new_level"].choices]
    assert ("5-star", f"{cert.scheme.name}: {five_star}") in choices
    posted = client.post(
        reverse("portal:change_request_create"),
        {"certificate": cert.pk, "kind": "4", "description": "升级", "new_level": "5-star"},
    )
    assert posted.status_code == 302
    detail = client.get(posted["Location"]).content.decode()
    assert five_star in detail and "5-star" not in detail


def test_s3_4_4_kind_4_level_must_be_one_of_the_schemes_and_differ(cert, member):
    for level in ("6-star", "4-star"):
        with pytest.raises(DomainError) as err:
            _submit(cert, member, "4", new_level=level)
        assert "new_level" in err.value.field_errors()


def test_s3_4_4_kinds_3_and_5_approve_without_a_reissue_unless_the_scope_changes(
    cert, member, business
):
    cr = _submit(cert, member, "3", description="服务流程重大调整")
    cr = services.change_request_approve(change_request=_reviewed(cr, business), by=business)
    assert cr.state == "approved" and cr.version is None
    cr = _submit(cert, member, "5", new_scope="家用电器售后服务（其他）")
    cr = services.change_request_approve(change_request=_reviewed(cr, business), by=business)
    assert cr.version.kind == "scope"


def _grant_or_refuse(evaluation, choices, capture):
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
    in_voting(case)
    vote_all(case, choices)
    with capture(execute=True):
        return certificate_services.decision_close_voting(
            decision=case.decision, by=case.members[0]
        )


def test_s3_4_4_methods_beyond_a_document_check_open_a_change_evaluation_a_grant_approves(
    cert, member, business, django_capture_on_commit_callbacks
):
    cr = _reviewed(_submit(cert, member, "2", new_scope="家用电器售后服务（上门维修）"), business)
    with pytest.raises(DomainError) as err:  # a document check alone is approved directly
        services.change_request_evaluate(change_request=cr, by=business, methods=["document_check"])
    assert "methods" in err.value.field_errors()
    cr = services.change_request_evaluate(
        change_request=cr, by=business, methods=["document_check", "management_audit"]
    )
    ev = cr.evaluation
    assert cr.state == "evaluating" and ev.kind == Evaluation.Kind.CHANGE
    assert ev.organization == cert.organization and ev.scheme == cert.scheme
    assert set(ev.sites.values_list("pk", flat=True)) == {
        s["site"] for s in cert.current_version.sites
    }
    with pytest.raises(DomainError) as err:  # staff do not approve an evaluated request
        services.change_request_approve(change_request=cr, by=business)
    assert err.value.code == DomainError.CONFLICT
    _grant_or_refuse(ev, "aaa", django_capture_on_commit_callbacks)
    cr.refresh_from_db()
    cert.refresh_from_db()
    assert cr.state == "approved" and cr.decided_by is None  # the system
    assert cr.version == cert.current_version and cert.current_version.kind == "scope"


def test_s3_4_4_a_refused_change_evaluation_rejects_the_request_with_the_reason(
    cert, member, business, django_capture_on_commit_callbacks
):
    cr = _reviewed(_submit(cert, member, "3"), business)
    cr = services.change_request_evaluate(
        change_request=cr, by=business, methods=["capability_confirmation"]
    )
    decision = _grant_or_refuse(cr.evaluation, "rrr", django_capture_on_commit_callbacks)
    cr.refresh_from_db()
    assert cr.state == "rejected" and decision.reference in cr.decision_reason
    assert len(_versions(cert)) == 1


def test_s3_4_4_approve_twice_acts_once(cert, member, business):
    cr = _reviewed(_submit(cert, member, "2", new_scope="家用电器售后服务（安装）"), business)
    services.change_request_approve(change_request=cr, by=business)
    with pytest.raises(DomainError) as err:
        services.change_request_approve(change_request=cr, by=business)
    assert err.value.code == DomainError.CONFLICT
    assert len(_versions(cert)) == 2


def test_s3_4_4_only_the_organisations_members_request_and_withdraw(cert, member, business):
    outsider = applicant_of(OrganizationFactory())
    with pytest.raises(DomainError) as err:
        _submit(cert, outsider, "3")
    assert err.value.code == DomainError.FORBIDDEN
    cr = _submit(cert, member, "3")
    with pytest.raises(DomainError) as err:
        services.change_request_withdraw(change_request=cr, by=outsider)
    assert err.value.code == DomainError.FORBIDDEN
    with pytest.raises(DomainError) as err:  # the organisation does not approve itself
        services.change_request_approve(change_request=cr, by=member)
    assert err.value.code == DomainError.FORBIDDEN
    cr = services.change_request_withdraw(change_request=cr, by=member, reason="不再需要")
    assert cr.state == "withdrawn"


def test_s3_4_4_reject_needs_a_reason_and_tells_the_organisation(cert, member, business):
    cr = _submit(cert, member, "3")
    with pytest.raises(DomainError):
        services.change_request_reject(change_request=cr, by=business, reason=" ")
    cr = services.change_request_reject(change_request=cr, by=business, reason="材料不足")
    assert cr.state == "rejected" and cr.decision_reason == "材料不足"
    note = Notification.objects.filter(kind="surveillance.change_updated", recipient=member).last()
    assert "材料不足" in str(note.params)


def test_s3_4_4_attachments_are_checked_like_every_upload(cert, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError) as err:
        _submit(cert, member, "3", attachments=[fake])
    assert "attachments" in err.value.field_errors()
    cr = _submit(cert, member, "3", attachments=[pdf_upload()])
    assert cr.attachments.count() == 1


# --- §3.4.6 scope reduction ---------------------------------------------------------------


def _site_ids(version):
    return [s["site"] for s in version.sites]


def test_s3_4_6_reduction_keeps_number_and_expiry_and_removes_the_site(cert, member):
    before = cert.current_version
    removed = before.sites[1]["site"]
    from applications.models import Site

    tc = committee_member()
    reduction = services.scope_reduction_request(
        certificate=cert,
        by=member,
        reason="该网点停止营业",
        removed_sites=[Site.objects.get(pk=removed)],
        attachments=[pdf_upload()],
    )
    assert reduction.reference.startswith("SR") and reduction.condition == "b"
    assert Notification.objects.filter(kind="surveillance.reduction_opened", recipient=tc).exists()
    reduction = services.scope_reduction_approve(
        reduction=reduction, by=tc, comment="不影响其余范围"
    )
    cert.refresh_from_db()
    after = cert.current_version
    assert reduction.state == "approved" and reduction.version == after
    assert after.kind == CertificateVersion.Kind.REDUCTION
    assert (cert.number, cert.expires_on) == (before.certificate.number, before.expires_on)
    assert after.expires_on == before.expires_on
    assert removed not in _site_ids(after) and removed in _site_ids(before)
    sub = cert.sub_certificates.get(site_id=removed)
    assert sub.removed_at is not None  # its sub-certificate is no longer current


def test_s3_4_6_the_organisations_request_needs_reasons_and_evidence(cert, member):
    from applications.models import Site

    site = Site.objects.get(pk=cert.current_version.sites[1]["site"])
    with pytest.raises(DomainError) as err:
        services.scope_reduction_request(
            certificate=cert, by=member, reason="", removed_sites=[site]
        )
    assert {"reason", "attachments"} <= set(err.value.field_errors())
    everything = list(Site.objects.filter(pk__in=_site_ids(cert.current_version)))
    with pytest.raises(DomainError) as err:
        services.scope_reduction_request(
            certificate=cert,
            by=member,
            reason="全部",
            removed_sites=everything,
            attachments=[pdf_upload()],
        )
    assert "removed_sites" in err.value.field_errors()


def test_s3_4_6_refused_by_a_non_committee_user_and_by_a_conflicted_member(cert, member, business):
    reduction = services.scope_reduction_open(
        certificate=cert, by=business, reason="部分服务持续不满足认证要求", new_scope="家用电器维修"
    )
    assert reduction.condition == "a"
    for user in (business, member):
        with pytest.raises(DomainError) as err:
            services.scope_reduction_approve(reduction=reduction, by=user, comment="同意")
        assert err.value.code == DomainError.FORBIDDEN
    conflicted = committee_member()
    ConflictDeclaration.objects.create(
        person=conflicted, organization=cert.organization, nature="consulted"
    )
    with pytest.raises(DomainError) as err:
        services.scope_reduction_approve(reduction=reduction, by=conflicted, comment="同意")
    assert err.value.code == DomainError.FORBIDDEN
    tc = committee_member()
    reduction = services.scope_reduction_refuse(reduction=reduction, by=tc, comment="需进一步调查")
    assert reduction.state == "refused" and reduction.decided_by == tc
    with pytest.raises(DomainError) as err:  # decided once
        services.scope_reduction_approve(reduction=reduction, by=tc, comment="同意")
    assert err.value.code == DomainError.CONFLICT
    cert.refresh_from_db()
    assert cert.current_version.kind == "issue"


def test_s3_4_6_narrower_scope_only_keeps_the_sites(cert, business):
    reduction = services.scope_reduction_open(
        certificate=cert, by=business, reason="安装服务不再符合要求", new_scope="家用电器维修"
    )
    reduction = services.scope_reduction_approve(
        reduction=reduction, by=committee_member(), comment="同意缩小"
    )
    cert.refresh_from_db()
    assert cert.current_version.scope == "家用电器维修"
    assert len(cert.current_version.sites) == 2
    assert cert.expires_on == datetime.date(2029, 4, 19)

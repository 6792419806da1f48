"""Issuing and reissuing certificates (§3.3, §4.1, §3.4.6)."""

import datetime

import pytest

from applications.models import Site
from applications.tests.factories import SiteFactory
from certificates import services
from certificates.models import Certificate, CertificateVersion, SubCertificate
from certificates.tests.factories import issued_certificate, reported_evaluation, staff
from cesi_cert.errors import DomainError
from cesi_cert.models import Notification
from cesi_cert.transitions import SYSTEM
from evaluations.models import Evaluation

pytestmark = pytest.mark.django_db


def test_issue_takes_organisation_scheme_sites_level_and_scope_from_the_evaluation():
    kefu = staff()
    evaluation = reported_evaluation(sites=2, staff=kefu)
    cert = services.certificate_issue(
        evaluation=evaluation, by=kefu, reason="批准", issued_on=datetime.date(2026, 4, 20)
    )
    org, app = evaluation.organization, evaluation.application
    assert cert.number == "CESI-SC-2026-00001"
    assert cert.oid.endswith(".2026.1")
    assert cert.state == Certificate.State.ACTIVE
    # Validity: the scheme's 3 years from the issue date, the day before the anniversary.
    assert cert.first_issued_on == datetime.date(2026, 4, 20)
    assert cert.expires_on == datetime.date(2029, 4, 19)
    v = cert.current_version
    assert (v.sequence, v.kind, v.evaluation_id) == (1, "issue", evaluation.pk)
    assert (v.organization_name_zh, v.credit_code, v.address_zh) == (
        org.name_zh,
        org.credit_code,
        org.address_zh,
    )
    assert v.level == app.requested_level == "4-star" and v.level_name_zh == "四星"
    assert v.scope == app.scope and v.standards == evaluation.scheme.standards
    # Two sites: each gets its sub-certificate number (§4.1 a).
    assert sorted(s["number"] for s in v.sites) == [
        "CESI-SC-2026-00001-01",
        "CESI-SC-2026-00001-02",
    ]
    # The organisation hears of it.
    assert Notification.objects.filter(kind="certificate.issued").count() >= 1


def test_numbers_follow_each_other_and_a_repeated_grant_issues_nothing_new():
    kefu = staff()
    first = issued_certificate(by=kefu)
    second = issued_certificate(by=kefu)
    assert (first.number, second.number) == ("CESI-SC-2026-00001", "CESI-SC-2026-00002")
    again = services.certificate_issue(
        evaluation=second.current_version.evaluation, by=kefu, reason="重复"
    )
    assert again.pk == second.pk and Certificate.objects.count() == 2


def test_a_single_site_certificate_has_no_sub_numbers():
    cert = issued_certificate()
    assert [s["number"] for s in cert.current_version.sites] == [""]
    assert not SubCertificate.objects.exists()


@pytest.mark.parametrize(
    ("change", "message_field"),
    [
        ({"state": Evaluation.State.ON_SITE}, None),
        ({"kind": Evaluation.Kind.SURVEILLANCE}, "evaluation"),
    ],
)
def test_only_a_reported_initial_or_recertification_evaluation_is_certified(change, message_field):
    kefu = staff()
    evaluation = reported_evaluation(staff=kefu)
    Evaluation.objects.filter(pk=evaluation.pk).update(**change)
    with pytest.raises(DomainError) as err:
        services.certificate_issue(evaluation=evaluation, by=kefu, reason="")
    assert err.value.field == message_field
    assert not Certificate.objects.exists()


def test_an_applicant_cannot_issue(applicant):
    evaluation = reported_evaluation(staff=staff())
    with pytest.raises(DomainError) as err:
        services.certificate_issue(evaluation=evaluation, by=applicant, reason="")
    assert err.value.code == DomainError.FORBIDDEN


def test_the_system_may_issue_on_the_committees_grant():
    evaluation = reported_evaluation(staff=staff())
    cert = services.certificate_issue(evaluation=evaluation, by=SYSTEM, reason="decision granted")
    assert cert.current_version.created_by is None


def test_recertification_renews_the_certificate_its_application_names_from_the_old_expiry():
    """§3.5: the validity is extended — the new period starts the day after the old expiry,
    however early in the window the grant came."""
    kefu = staff()
    cert = issued_certificate(by=kefu, issued_on=datetime.date(2026, 4, 20))
    assert cert.expires_on == datetime.date(2029, 4, 19)
    again = reported_evaluation(staff=kefu, organization=cert.organization, renews=cert)
    renewed = services.certificate_issue(
        evaluation=again, by=kefu, reason="再认证", issued_on=datetime.date(2029, 2, 1)
    )
    assert renewed.pk == cert.pk and renewed.number == cert.number
    assert renewed.expires_on == datetime.date(2032, 4, 19)
    assert renewed.current_version.issued_on == datetime.date(2029, 2, 1)
    assert renewed.first_issued_on == datetime.date(2026, 4, 20)
    assert renewed.current_version.kind == "recertification"
    assert [v.sequence for v in renewed.versions.order_by("sequence")] == [1, 2]


def test_reduction_keeps_number_and_validity_and_the_previous_version_stays_readable():
    kefu = staff()
    cert = issued_certificate(by=kefu, sites=3)
    first = cert.current_version
    kept = [Site.objects.get(pk=s["site"]) for s in first.sites[:2]]
    new = services.certificate_reissue(
        certificate=cert,
        by=kefu,
        reason="申请缩小范围",
        kind=CertificateVersion.Kind.REDUCTION,
        sites=kept,
        issued_on=datetime.date(2026, 9, 1),
    )
    cert.refresh_from_db()
    assert cert.number == "CESI-SC-2026-00001" and cert.expires_on == datetime.date(2029, 4, 19)
    assert (new.sequence, new.kind, new.issued_on) == (2, "reduction", datetime.date(2026, 9, 1))
    assert new.expires_on == first.expires_on
    assert cert.current_version == new and len(new.sites) == 2
    first.refresh_from_db()
    assert len(first.sites) == 3  # the earlier version is as it was printed
    # The removed site keeps its sub-certificate number on record, never reused.
    removed = SubCertificate.objects.get(removed_at__isnull=False)
    assert removed.number == first.sites[2]["number"]


def test_a_reduction_that_adds_a_site_is_refused():
    kefu = staff()
    cert = issued_certificate(by=kefu)
    extra = SiteFactory(organization=cert.organization)
    with pytest.raises(DomainError) as err:
        services.certificate_reissue(
            certificate=cert,
            by=kefu,
            reason="x",
            kind="reduction",
            sites=[Site.objects.get(pk=cert.current_version.sites[0]["site"]), extra],
        )
    assert err.value.field == "sites"


def test_level_and_name_changes_make_new_versions():
    kefu = staff()
    cert = issued_certificate(by=kefu)
    v2 = services.certificate_reissue(
        certificate=cert, by=kefu, reason="升级", kind="level", level="5-star"
    )
    assert (v2.level, v2.level_name_en) == ("5-star", "Five-star")
    org = cert.organization
    org.name_zh = "新名称服务有限公司"
    org.save()
    v3 = services.certificate_reissue(certificate=cert, by=kefu, reason="更名", kind="name_address")
    cert.refresh_from_db()
    assert v3.organization_name_zh == "新名称服务有限公司" == cert.organization_name
    assert cert.versions.get(sequence=1).organization_name_zh != "新名称服务有限公司"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "level", "level": "9-star"}, "level"),
        ({"kind": "level", "level": "4-star"}, "level"),  # unchanged
        ({"kind": "scope"}, "scope"),  # nothing changed
        ({"kind": "issue"}, "kind"),
        ({"kind": "scope", "scope": "新范围", "reason": " "}, "reason"),
    ],
)
def test_a_bad_reissue_is_a_field_error(kwargs, field):
    kefu = staff()
    cert = issued_certificate(by=kefu)
    kwargs.setdefault("reason", "原因")
    with pytest.raises(DomainError) as err:
        services.certificate_reissue(certificate=cert, by=kefu, **kwargs)
    assert (err.value.code, err.value.field) == (DomainError.INVALID, field)
    assert cert.versions.count() == 1


def test_a_recertification_of_a_withdrawn_certificate_issues_nothing():
    """§3.5 renews a certificate still held: a withdrawn one is over (409, nothing changes)."""
    kefu = staff()
    cert = issued_certificate(by=kefu)
    again = reported_evaluation(staff=kefu, organization=cert.organization, renews=cert)
    Certificate.objects.filter(pk=cert.pk).update(state=Certificate.State.WITHDRAWN)
    with pytest.raises(DomainError) as refused:
        services.certificate_issue(evaluation=again, by=kefu, reason="再认证")
    assert refused.value.code == DomainError.CONFLICT
    assert cert.versions.count() == 1

"""The certificate's state machine (§5): suspend, reinstate, withdraw, expire — allowed and
refused moves, the 6-month limit, ground f, consent, notices and the regulator report."""

import datetime
import io

import pytest
import time_machine
from openpyxl import load_workbook

from certificates import services
from certificates.models import Certificate, StatusChange
from certificates.tests.factories import issued_certificate, staff
from cesi_cert.errors import DomainError
from cesi_cert.models import Notification
from cesi_cert.transitions import SYSTEM, transition_log

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC), tick=False):
        yield


def suspend(cert, by, **kw):
    kw.setdefault("ground", "h")
    kw.setdefault("reason", "不符合项逾期未关闭")
    return services.certificate_suspend(certificate=cert, by=by, **kw)


def test_suspension_runs_at_most_six_months_and_is_logged_noticed_and_public(applicant):
    kefu = staff()
    cert = issued_certificate(by=kefu, organization=applicant.memberships.first().organization)
    suspend(cert, kefu)
    cert.refresh_from_db()
    assert cert.state == Certificate.State.SUSPENDED
    assert (cert.suspended_on, cert.suspended_until) == (TODAY, datetime.date(2026, 12, 1))
    change = StatusChange.objects.get()
    assert (change.kind, change.ground, change.created_by) == ("suspension", "h", kefu)
    log = list(transition_log(cert))
    assert [(r.transition, r.source, r.target, r.actor) for r in log] == [
        ("suspend", "active", "suspended", kefu)
    ]
    assert cert.history.first().history_user == kefu
    # The organisation is sent the notice of change (§5.1.2), in the inbox and by e-mail.
    notice = Notification.objects.get(recipient=applicant, kind="certificate.status_changed")
    assert cert.number in notice.message


def test_a_suspension_longer_than_six_months_is_a_field_error():
    kefu = staff()
    cert = issued_certificate(by=kefu)
    with pytest.raises(DomainError) as err:
        suspend(cert, kefu, until=datetime.date(2026, 12, 2))
    assert (err.value.code, err.value.field) == (DomainError.INVALID, "until")
    cert.refresh_from_db()
    assert cert.state == Certificate.State.ACTIVE and not StatusChange.objects.exists()


def test_ground_f_lasts_until_the_licence_decision():
    kefu = staff()
    cert = issued_certificate(by=kefu)
    suspend(cert, kefu, ground="f", until=datetime.date(2026, 7, 1), reason="许可证过期，换证中")
    cert.refresh_from_db()
    assert cert.suspended_until is None
    assert StatusChange.objects.get().until_licence_decision is True


def test_reinstate_after_verified_correction():
    kefu = staff()
    cert = issued_certificate(by=kefu)
    suspend(cert, kefu)
    services.certificate_reinstate(certificate=cert, by=kefu, reason="现场验证纠正措施有效")
    cert.refresh_from_db()
    assert cert.state == Certificate.State.ACTIVE and cert.suspended_until is None
    assert list(StatusChange.objects.values_list("kind", flat=True).order_by("pk")) == [
        "suspension",
        "reinstatement",
    ]


def test_withdrawing_during_the_suspension_period_needs_the_organisations_consent():
    kefu = staff()
    cert = issued_certificate(by=kefu)
    suspend(cert, kefu)
    with pytest.raises(DomainError) as err:
        services.certificate_withdraw(certificate=cert, by=kefu, ground="g", reason="已停业")
    assert err.value.field == "consent"
    services.certificate_withdraw(
        certificate=cert, by=kefu, ground="g", reason="已停业", consent="总经理2026-06-01书面同意"
    )
    cert.refresh_from_db()
    assert (cert.state, cert.withdrawal_ground, cert.withdrawn_on) == ("withdrawn", "g", TODAY)
    change = StatusChange.objects.get(kind="withdrawal")
    assert change.organization_consent and change.asks_documents_back


def test_withdrawal_on_the_organisations_request_from_active():
    kefu = staff()
    cert = issued_certificate(by=kefu)
    services.certificate_withdraw(certificate=cert, by=kefu, ground="k", reason="组织书面申请撤销")
    cert.refresh_from_db()
    assert cert.state == Certificate.State.WITHDRAWN


def test_documents_come_back_after_a_withdrawal():
    kefu = staff()
    cert = issued_certificate(by=kefu)
    services.certificate_withdraw(certificate=cert, by=kefu, ground="k", reason="申请撤销")
    change = StatusChange.objects.get()
    services.status_change_documents_returned(status_change=change, by=kefu, returned_on=TODAY)
    change.refresh_from_db()
    assert change.documents_returned_on == TODAY
    with pytest.raises(DomainError) as err:
        services.status_change_documents_returned(status_change=change, by=kefu)
    assert err.value.code == DomainError.CONFLICT


# --- the transition matrix -----------------------------------------------------------------

ARGS = {
    "suspend": {"ground": "b", "reason": "持续不满足要求"},
    "reinstate": {"reason": "已验证"},
    "withdraw": {"ground": "k", "reason": "申请撤销"},
}
SERVICES = {
    "suspend": services.certificate_suspend,
    "reinstate": services.certificate_reinstate,
    "withdraw": services.certificate_withdraw,
}
ALLOWED = {
    "active": {"suspend", "withdraw"},
    "suspended": {"reinstate", "withdraw"},
    "withdrawn": set(),
    "expired": set(),
}


def certificate_in(state, by):
    cert = issued_certificate(by=by)
    if state in ("suspended", "withdrawn"):
        suspend(cert, by)
    if state == "withdrawn":
        services.certificate_withdraw(certificate=cert, by=by, ground="k", reason="申请撤销")
    if state == "expired":
        Certificate.objects.filter(pk=cert.pk).update(state="expired")
    return Certificate.objects.get(pk=cert.pk)


@pytest.mark.parametrize("state", list(ALLOWED))
@pytest.mark.parametrize("name", list(SERVICES))
def test_transition_matrix(state, name, applicant):
    kefu = staff()
    cert = certificate_in(state, kefu)
    # An applicant's role may never run it: 403, whatever the state.
    with pytest.raises(DomainError) as err:
        SERVICES[name](certificate=cert, by=applicant, **ARGS[name])
    assert err.value.code == DomainError.FORBIDDEN
    before = StatusChange.objects.count()
    if name in ALLOWED[state]:
        SERVICES[name](certificate=cert, by=kefu, **ARGS[name])
        assert StatusChange.objects.count() == before + 1
        assert transition_log(cert).last().transition == name
    else:
        with pytest.raises(DomainError) as err:
            SERVICES[name](certificate=cert, by=kefu, **ARGS[name])
        assert err.value.code == DomainError.CONFLICT
        assert StatusChange.objects.count() == before


def test_only_the_system_expires_and_only_after_the_validity():
    kefu = staff()
    cert = issued_certificate(by=kefu)
    with pytest.raises(DomainError) as err:
        services.certificate_expire(certificate=cert, by=kefu)
    assert err.value.code == DomainError.FORBIDDEN
    with pytest.raises(DomainError) as err:
        services.certificate_expire(certificate=cert)  # still valid until 2029
    assert err.value.code == DomainError.CONFLICT
    with time_machine.travel(datetime.datetime(2029, 4, 21, tzinfo=datetime.UTC), tick=False):
        services.certificate_expire(certificate=cert)
        services.certificate_expire(certificate=cert)  # a second run changes nothing
    cert.refresh_from_db()
    assert cert.state == Certificate.State.EXPIRED
    assert StatusChange.objects.filter(kind="expiry").count() == 1
    assert transition_log(cert).get().actor is None


def test_the_regulator_report_lists_the_months_changes_in_csv_and_excel(client):
    from cesi_cert.exports import safe_cell  # noqa: F401 — the report's cells go through it

    kefu = staff()
    cert = issued_certificate(by=kefu)
    suspend(cert, kefu, reason='=HYPERLINK("http://evil")')
    services.certificate_reinstate(certificate=cert, by=kefu, reason="已验证")
    client.force_login(kefu)
    url = "/admin/certificates/statuschange/export/"
    body = client.get(url, {"month": "2026-06", "format": "csv"}).content.decode("utf-8-sig")
    assert cert.number in body and "暂停" in body and "恢复" in body
    assert "'=HYPERLINK" in body  # a formula is written as text
    assert (
        client.get(url, {"month": "2026-05", "format": "csv"})
        .content.decode("utf-8-sig")
        .count(cert.number)
        == 0
    )
    response = client.get(url, {"month": "2026-06", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3 and sheet.cell(row=2, column=1).value == cert.number
    assert client.get(url, {"month": "junk"}).status_code == 404


def test_suspend_through_the_admin_button_with_a_ground_picker(client):
    kefu = staff()
    cert = issued_certificate(by=kefu)
    client.force_login(kefu)
    page = client.get(f"/admin/certificates/certificate/{cert.pk}/change/")
    assert page.status_code == 200 and b"transition/suspend/" in page.content
    # The versions list names the level as printed, not by the scheme's code.
    version = cert.current_version
    assert version.level_name_en in page.content.decode() or version.level_name_zh in (
        page.content.decode()
    )
    assert f'<td class="field-level_name"><p>{version.level}</p>' not in page.content.decode()
    form = client.get(f"/admin/certificates/certificate/{cert.pk}/transition/suspend/")
    assert b'name="ground"' in form.content and b"5.1.1" in form.content
    response = client.post(
        f"/admin/certificates/certificate/{cert.pk}/transition/suspend/",
        {"ground": "c", "reason": "误用标志", "until": "2026-09-01"},
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert (cert.state, cert.suspended_until) == ("suspended", datetime.date(2026, 9, 1))
    # A period over 6 months goes back onto the form, not a 500.
    cert2 = issued_certificate(by=kefu)
    response = client.post(
        f"/admin/certificates/certificate/{cert2.pk}/transition/suspend/",
        {"ground": "c", "reason": "误用标志", "until": "2027-09-01"},
    )
    assert response.status_code == 200 and b"6" in response.content
    cert2.refresh_from_db()
    assert cert2.state == "active"


def test_system_actor_withdraws_after_the_suspension_period_without_consent():
    kefu = staff()
    cert = issued_certificate(by=kefu)
    suspend(cert, kefu, until=datetime.date(2026, 7, 1))
    with time_machine.travel(datetime.datetime(2026, 7, 3, tzinfo=datetime.UTC), tick=False):
        services.certificate_withdraw(
            certificate=cert, by=SYSTEM, ground="d", reason="certificates.suspension_ended"
        )
    cert.refresh_from_db()
    assert cert.state == Certificate.State.WITHDRAWN

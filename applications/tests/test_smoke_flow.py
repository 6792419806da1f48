import pytest

from applications import services
from applications.models import Application
from cesi_cert.errors import DomainError
from cesi_cert.models import TransitionLog


def test_whole_flow_records_each_step(draft, applicant, cs_staff):
    app = services.application_submit(application=draft, by=applicant, reason="请审核")
    app = services.application_start_review(application=app, by=cs_staff)
    app = services.application_request_changes(application=app, by=cs_staff, changes="补充资质证书")
    assert app.state == Application.State.CHANGES_REQUESTED
    app = services.application_submit(application=app, by=applicant, reason="已补充")
    assert app.state == Application.State.UNDER_REVIEW
    app = services.application_accept(application=app, by=cs_staff, requirements_clear=True, cb_capable=True)
    import datetime

    app = services.application_sign_contract(
        application=app, by=cs_staff, signed_on=datetime.date(2026, 1, 5), man_days=4, fee_quote=30000
    )
    assert app.state == Application.State.CONTRACTED
    assert app.contract.number == f"HT-{app.reference}"
    log = list(TransitionLog.objects.filter(object_id=app.pk).values_list("transition", "actor__username"))
    assert log == [
        ("submit", "applicant"), ("start_review", "kefu"), ("request_changes", "kefu"),
        ("submit", "applicant"), ("accept", "kefu"), ("sign_contract", "kefu"),
    ]
    assert app.history.first().history_user == cs_staff


def test_applicant_cannot_accept(draft, applicant):
    app = services.application_submit(application=draft, by=applicant)
    with pytest.raises(DomainError) as e:
        services.application_start_review(application=app, by=applicant)
    assert e.value.code == DomainError.CONFLICT

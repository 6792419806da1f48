"""The transition matrix of notifications and cases: each allowed move by the right role in
each of its source states; 409 in any other state; 403 for a role that may never run it."""

import pytest
from rest_framework.test import APIClient

from applications.tests.factories import UserFactory
from cesi_cert.errors import DomainError
from cesi_cert.models import TransitionLog
from cesi_cert.roles import Role
from surveillance import services
from surveillance.models import Case, OrganizationNotice
from surveillance.signals import case_accepted

from .factories import case_in, notice_in

S = OrganizationNotice.State
FIELDS = {
    "notify": {"account": "情况说明"},
    "start_review": {},
    "decide": {"decision": "investigate", "reason": "需调查"},
    "accept": {"reason": ""},
    "dismiss": {"reason": "证据不足"},
}
NOTICE_ALLOWED = [
    ("notify", "applicant", [S.AWAITING_ORGANIZATION], S.NOTIFIED),
    ("start_review", "cs_staff", [S.NOTIFIED], S.UNDER_REVIEW),
    ("decide", "cs_staff", [S.NOTIFIED, S.UNDER_REVIEW], S.DECIDED),
]


def _run(name, obj, by):
    service = getattr(services, f"{'case' if isinstance(obj, Case) else 'notice'}_{name}")
    key = "case" if isinstance(obj, Case) else "notice"
    return service(**{key: obj}, by=by, **FIELDS[name])


@pytest.fixture
def people(applicant, cs_staff):
    return {"applicant": applicant, "cs_staff": cs_staff}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "who", "state", "target"),
    [(n, w, s, t) for n, w, states, t in NOTICE_ALLOWED for s in states],
)
def test_notice_transition_allowed(org, people, name, who, state, target):
    notice = notice_in(state, org, people["applicant"], people["cs_staff"])
    done = _run(name, notice, people[who])
    assert done.state == target
    log = TransitionLog.objects.filter(object_id=notice.pk, transition=name).get()
    assert (log.source, log.target, log.actor) == (state, target, people[who])
    assert done.history.first().history_user == people[who]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "who", "state"),
    [(n, w, s) for n, w, states, _t in NOTICE_ALLOWED for s in S.values if s not in states],
)
def test_notice_transition_refused_in_other_states_409(org, people, name, who, state):
    notice = notice_in(state, org, people["applicant"], people["cs_staff"])
    with pytest.raises(DomainError) as e:
        _run(name, notice, people[who])
    assert e.value.code == DomainError.CONFLICT
    notice.refresh_from_db()
    assert notice.state == state


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "state", "role"),
    [
        ("notify", S.AWAITING_ORGANIZATION, Role.CUSTOMER_SERVICE),
        ("notify", S.AWAITING_ORGANIZATION, "stranger"),
        ("start_review", S.NOTIFIED, Role.APPLICANT),
        ("start_review", S.NOTIFIED, Role.CERTIFICATION_BUSINESS),
        ("decide", S.UNDER_REVIEW, Role.APPLICANT),
        ("decide", S.UNDER_REVIEW, Role.TECHNICAL_COMMITTEE),
    ],
)
def test_notice_transition_forbidden_for_other_roles_403(
    org, people, other_applicant, name, state, role
):
    notice = notice_in(state, org, people["applicant"], people["cs_staff"])
    by = {
        Role.CUSTOMER_SERVICE: people["cs_staff"],
        "stranger": other_applicant,
        Role.APPLICANT: people["applicant"],
    }.get(role) or UserFactory(role=role)
    with pytest.raises(DomainError) as e:
        _run(name, notice, by)
    assert e.value.code == DomainError.FORBIDDEN


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["accept", "dismiss"])
@pytest.mark.parametrize("state", list(Case.State))
def test_case_matrix(org, cs_staff, business_staff, applicant, name, state):
    case = case_in(state, org, cs_staff)
    with pytest.raises(DomainError) as e:
        _run(name, case, applicant)
    assert e.value.code == DomainError.FORBIDDEN  # the role, in every state
    if state != Case.State.OPEN:
        with pytest.raises(DomainError) as e:
            _run(name, case, business_staff)
        assert e.value.code == DomainError.CONFLICT
        return
    done = _run(name, case, business_staff)
    assert done.state == {"accept": "accepted", "dismiss": "dismissed"}[name]
    assert done.decided_by == business_staff


@pytest.mark.django_db
def test_dismissing_needs_a_reason(org, cs_staff):
    case = case_in(Case.State.OPEN, org, cs_staff)
    with pytest.raises(DomainError) as e:
        services.case_dismiss(case=case, by=cs_staff, reason=" ")
    assert e.value.field_errors() == {"reason": ["Say why the case is dismissed."]}


@pytest.mark.django_db(transaction=True)
def test_accepting_a_case_sends_the_hook_on_commit_only(org, cs_staff):
    received = []

    def receiver(sender, case, **kwargs):
        received.append(case.pk)

    case_accepted.connect(receiver, dispatch_uid="test-hook")
    try:
        case = case_in(Case.State.OPEN, org, cs_staff)
        from django.db import transaction

        with pytest.raises(RuntimeError), transaction.atomic():
            services.case_accept(case=case, by=cs_staff)
            raise RuntimeError("rolled back")
        assert received == []
        services.case_accept(case=case, by=cs_staff)
        assert received == [case.pk]
    finally:
        case_accepted.disconnect(dispatch_uid="test-hook")


@pytest.mark.django_db
def test_deciding_suspension_opens_one_case_and_tells_the_organisation(org, applicant, cs_staff):
    from cesi_cert.models import Deadline, Notification

    notice = notice_in(S.UNDER_REVIEW, org, applicant, cs_staff)
    services.notice_decide(notice=notice, by=cs_staff, decision="suspension", reason="重大事故")
    case = Case.objects.get()
    assert (case.notice, case.proposal, case.ground) == (notice, "suspension", "3.4.3")
    assert Notification.objects.filter(
        recipient=applicant, kind="surveillance.incident_decided"
    ).exists()
    assert Deadline.objects.get(kind="surveillance.notice_decide").closed_at is not None


@pytest.mark.django_db
def test_one_open_case_per_source_by_constraint(org, applicant, cs_staff):
    notice = notice_in(S.NOTIFIED, org, applicant, cs_staff)
    kwargs = dict(organization=org, by=cs_staff, proposal="suspension", ground="5.1.1k")
    assert services.case_open(notice=notice, **kwargs) is not None
    assert services.case_open(notice=notice, **kwargs) is None
    assert Case.objects.count() == 1


# --- the same through the API --------------------------------------------------------------


def _post(user, url, data=None):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(url, data or {}, format="json")


@pytest.mark.django_db
def test_api_transition_codes(org, applicant, cs_staff):
    notice = notice_in(S.NOTIFIED, org, applicant, cs_staff)
    url = f"/api/v1/incidents/{notice.pk}/transitions/"
    assert _post(applicant, url + "start_review/").status_code == 403
    assert _post(applicant, url + "notify/", {"account": "x"}).status_code == 409
    bad = _post(cs_staff, url + "decide/", {"decision": "nope", "reason": ""})
    assert bad.status_code == 400 and set(bad.json()) == {"decision", "reason"}
    ok = _post(cs_staff, url + "start_review/")
    assert ok.status_code == 200 and ok.json()["state"] == "under_review"
    assert [t["name"] for t in ok.json()["available_transitions"]] == ["decide"]
    assert _post(cs_staff, url + "start_review/").status_code == 409

"""403 versus 409: a role that may never do something is refused as *forbidden* (403, "Your role
cannot …"); a role that may do it, but not in the object's current state, as a *conflict* (409,
"… while it is …"). The same split in the API, the services, the admin and the portal."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from applications import services
from applications.models import Application, ApplicationDocument
from applications.tests.factories import UserFactory, pdf_upload, run_service
from cesi_cert import scopes
from cesi_cert.errors import DomainError
from cesi_cert.models import TransitionLog
from cesi_cert.roles import Role

S = Application.State
pytestmark = pytest.mark.django_db

ROLE_MESSAGE = "Your role cannot"
STATE_MESSAGE = "cannot be done while it is"

#: Example bodies, valid for each transition's form.
BODIES = {
    "submit": {},
    "start_review": {},
    "request_changes": {"changes": "补充材料"},
    "accept": {"requirements_clear": True, "cb_capable": True},
    "reject": {"reasons": "不在业务范围内"},
    "withdraw": {"reason": "书面撤回"},
    "sign_contract": {"signed_on": "2026-01-05", "man_days": 4, "fee_quote": 1},
}

STAFF_TRANSITIONS = ["start_review", "request_changes", "accept", "reject", "sign_contract"]

#: transition → (a state it runs from, a state it does not run from, who may run it)
TABLE = {
    "submit": (S.DRAFT, S.SUBMITTED, "applicant"),
    "start_review": (S.SUBMITTED, S.DRAFT, "cs_staff"),
    "request_changes": (S.UNDER_REVIEW, S.SUBMITTED, "cs_staff"),
    "accept": (S.UNDER_REVIEW, S.ACCEPTED, "cs_staff"),
    "reject": (S.SUBMITTED, S.CONTRACTED, "cs_staff"),
    "withdraw": (S.SUBMITTED, S.CONTRACTED, "applicant"),
    "sign_contract": (S.ACCEPTED, S.UNDER_REVIEW, "cs_staff"),
}

#: For each transition, the accounts whose role may never run it.
READ_ONLY = ["business_staff", "committee", "auditor"]
WRONG_ROLES = {
    "submit": ["cs_staff", *READ_ONLY],
    "withdraw": READ_ONLY,
    **{name: ["applicant", *READ_ONLY] for name in STAFF_TRANSITIONS},
}


@pytest.fixture
def committee(db):
    return UserFactory(username="jiwei", role=Role.TECHNICAL_COMMITTEE)


@pytest.fixture
def auditor(db):
    return UserFactory(username="shencha", role=Role.AUDITOR)


@pytest.fixture
def auditor_reads_everything(auditor):
    """An auditor on the team reads the application (as evaluations will grant): reading is
    all a scope gives, so every write is still refused by role."""
    scopes.grant(
        Application,
        "test.refusals",
        lambda user: Application.objects.all() if user == auditor else Application.objects.none(),
    )
    scopes.grant(
        ApplicationDocument,
        "test.refusals",
        lambda user: (
            ApplicationDocument.objects.all()
            if user == auditor
            else ApplicationDocument.objects.none()
        ),
    )
    yield auditor
    scopes.revoke(Application, "test.refusals")
    scopes.revoke(ApplicationDocument, "test.refusals")


@pytest.fixture
def who(request, auditor_reads_everything):
    """The account named by a test parameter."""
    return lambda name: request.getfixturevalue(name)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_transition(user, app, name):
    return api(user).post(
        f"/api/v1/applications/{app.pk}/transitions/{name}/", BODIES[name], format="json"
    )


def nothing_happened(app, name, state):
    app.refresh_from_db()
    assert app.state == state
    assert not TransitionLog.objects.filter(
        object_id=app.pk, transition=name, source=state
    ).exists()


# --- the API: every transition, right role in the wrong state and wrong role --------------------


@pytest.mark.parametrize("name", list(TABLE))
def test_right_role_in_the_wrong_state_is_409(application_in, who, name):
    _runs_from, wrong_state, role = TABLE[name]
    app = application_in(wrong_state)
    response = post_transition(who(role), app, name)
    assert response.status_code == 409, response.json()
    assert ROLE_MESSAGE not in response.json()["detail"]
    nothing_happened(app, name, wrong_state)


@pytest.mark.parametrize(
    ("name", "role"), [(name, role) for name, roles in WRONG_ROLES.items() for role in roles]
)
@pytest.mark.parametrize("in_state", ["right", "wrong"])
def test_wrong_role_is_403_in_any_state(application_in, who, name, role, in_state):
    runs_from, wrong_state, _role = TABLE[name]
    state = runs_from if in_state == "right" else wrong_state
    app = application_in(state)
    response = post_transition(who(role), app, name)
    assert response.status_code == 403, response.json()
    assert response.json()["detail"].startswith(ROLE_MESSAGE)
    nothing_happened(app, name, state)


def test_staff_withdraw_a_draft_is_409_not_403(draft, cs_staff):
    """Customer service records withdrawals of handed-in applications: its role may withdraw,
    a draft is the applicant's own — the state, not the role, refuses."""
    response = post_transition(cs_staff, draft, "withdraw")
    assert response.status_code == 409
    nothing_happened(draft, "withdraw", S.DRAFT)


def test_right_role_and_state_still_runs(application_in, cs_staff):
    app = application_in(S.SUBMITTED)
    assert post_transition(cs_staff, app, "start_review").status_code == 200


# --- edits and deletes through the services -----------------------------------------------------


@pytest.mark.parametrize("role", READ_ONLY + ["cs_staff"])
def test_a_role_that_never_edits_applications_gets_403(who, draft, role):
    response = api(who(role)).patch(
        f"/api/v1/applications/{draft.pk}/", {"scope": "改"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith(ROLE_MESSAGE)
    draft.refresh_from_db()
    assert draft.scope != "改"


def test_the_applicant_editing_a_submitted_application_gets_409(submitted, applicant):
    response = api(applicant).patch(
        f"/api/v1/applications/{submitted.pk}/", {"scope": "改"}, format="json"
    )
    assert response.status_code == 409


@pytest.mark.parametrize("role", READ_ONLY)
def test_a_read_only_role_deleting_or_uploading_material_gets_403(who, draft, role):
    doc = draft.documents.first()
    client = api(who(role))
    response = client.delete(f"/api/v1/documents/{doc.pk}/")
    assert response.status_code == 403
    assert response.json()["detail"].startswith(ROLE_MESSAGE)
    response = client.post(
        "/api/v1/documents/",
        {"application": draft.pk, "kind": "other", "file": pdf_upload()},
        format="multipart",
    )
    assert response.status_code in (400, 403)  # an application out of their writing scope
    assert ApplicationDocument.objects.filter(pk=doc.pk).exists()


def test_a_colleagues_material_is_not_the_members_to_delete(draft, org):
    from applications.tests.factories import applicant_of

    colleague = applicant_of(org, username="colleague")
    doc = draft.documents.first()
    assert api(colleague).delete(f"/api/v1/documents/{doc.pk}/").status_code == 403


def test_the_uploader_deleting_material_of_a_submitted_application_gets_409(submitted, applicant):
    doc = submitted.documents.first()
    assert api(applicant).delete(f"/api/v1/documents/{doc.pk}/").status_code == 409


@pytest.mark.parametrize("role", READ_ONLY)
def test_services_say_forbidden_for_a_role_and_conflict_for_a_state(who, draft, applicant, role):
    user = who(role)
    for call in (
        lambda: services.application_update(application=draft, by=user, scope="改"),
        lambda: services.document_delete(document=draft.documents.first(), by=user),
        lambda: services.document_upload(
            application=draft, by=user, kind="other", file=pdf_upload()
        ),
        lambda: run_service("start_review", draft, by=user),
    ):
        with pytest.raises(DomainError) as e:
            call()
        assert e.value.code == DomainError.FORBIDDEN
    app = services.application_submit(application=draft, by=applicant)
    for call in (
        lambda: services.application_update(application=app, by=applicant, scope="改"),
        lambda: services.document_delete(document=app.documents.first(), by=applicant),
        lambda: services.document_upload(
            application=app, by=applicant, kind="other", file=pdf_upload()
        ),
        lambda: run_service("submit", app, by=applicant),
    ):
        with pytest.raises(DomainError) as e:
            call()
        assert e.value.code == DomainError.CONFLICT


# --- the wording in the admin and the portal ----------------------------------------------------


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def admin_transition(app, name):
    return reverse("admin:applications_application_transition", args=[app.pk, name])


def test_admin_says_your_role_cannot_to_a_read_only_role(submitted, business_staff):
    response = browser(business_staff).post(admin_transition(submitted, "start_review"))
    [message] = messages_of(response)
    assert message == "Your role cannot run “Start review”."


def test_admin_says_not_in_this_state_to_customer_service(submitted, cs_staff):
    response = browser(cs_staff).post(
        admin_transition(submitted, "accept"), {"requirements_clear": "on", "cb_capable": "on"}
    )
    [message] = messages_of(response)
    assert message == "This cannot be done while it is “Submitted”."


def test_admin_document_upload_refuses_a_read_only_role_by_role(submitted, business_staff):
    url = reverse("admin:applications_application_document_upload", args=[submitted.pk])
    [message] = messages_of(browser(business_staff).get(url))
    assert message.startswith(ROLE_MESSAGE)


def test_admin_document_upload_refuses_customer_service_by_state(contracted, cs_staff):
    url = reverse("admin:applications_application_document_upload", args=[contracted.pk])
    [message] = messages_of(browser(cs_staff).get(url))
    assert not message.startswith(ROLE_MESSAGE)
    assert "now" in message


def test_portal_says_your_role_cannot_to_the_applicant_for_staff_work(submitted, applicant):
    url = reverse("portal:application_action", args=[submitted.pk, "start_review"])
    for method in ("get", "post"):
        [message] = messages_of(getattr(browser(applicant), method)(url))
        assert message == "Your role cannot run “Start review”."


def test_portal_says_not_in_this_state_for_a_second_submit(submitted, applicant):
    url = reverse("portal:application_action", args=[submitted.pk, "submit"])
    [message] = messages_of(browser(applicant).post(url))
    assert STATE_MESSAGE in message

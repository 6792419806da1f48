"""The admin mixin for state machines (cesi_cert.admin_tools), exercised on applications."""

import re

import pytest
from django import forms
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_fsm import ConcurrentTransition
from simple_history.admin import SimpleHistoryAdmin

from applications import services
from applications.actions import APPLICATION_ACTIONS
from applications.models import Application
from applications.tests.factories import UserFactory
from cesi_cert.admin_tools import TransitionAdminMixin
from cesi_cert.errors import DomainError, invalid
from cesi_cert.forms import add_domain_errors


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def change_url(app):
    return reverse("admin:applications_application_change", args=[app.pk])


def buttons(response) -> list[tuple[str, str]]:
    """(transition, style) of each button, in page order."""
    return re.findall(
        r'class="cesi-action cesi-action-(\w+)" href="[^"]+" data-transition="(\w+)"',
        response.content.decode(),
    )


class GuardedApplicationAdmin(TransitionAdminMixin, SimpleHistoryAdmin):
    """The mixin alone, without anything ApplicationAdmin adds (not registered)."""

    action_set = APPLICATION_ACTIONS
    fields = ("scope", "state")


class PlainHistoryAdmin(SimpleHistoryAdmin):
    fields = ("scope",)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


# --- buttons: exactly ActionSet.available, styled by Action.style -----------------------------------


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("submitted", ["start_review", "reject", "withdraw"]),
        ("under_review", ["accept", "request_changes", "reject", "withdraw"]),
        ("accepted", ["sign_contract", "withdraw"]),
        ("rejected", []),
    ],
)
def test_buttons_are_exactly_the_available_actions(
    application_in, cs_staff, business_staff, superuser, state, expected
):
    app = application_in(state)
    for user in (cs_staff, business_staff, superuser):
        shown = [name for _style, name in buttons(client_for(user).get(change_url(app)))]
        assert shown == [a.name for a in APPLICATION_ACTIONS.available(app, user)], user
    assert [name for _s, name in buttons(client_for(cs_staff).get(change_url(app)))] == expected
    assert buttons(client_for(business_staff).get(change_url(app))) == []


def test_button_style_follows_the_action(cs_staff, under_review):
    styles = {
        name: style for style, name in buttons(client_for(cs_staff).get(change_url(under_review)))
    }
    assert styles == {
        "accept": "primary",
        "request_changes": "secondary",
        "reject": "danger",
        "withdraw": "secondary",  # staff record the applicant's withdrawal
    }


def test_each_button_opens_its_action_form(cs_staff, under_review):
    client = client_for(cs_staff)
    html = client.get(change_url(under_review)).content.decode()
    links = re.findall(r'href="([^"]+)" data-transition="(\w+)"', html)
    assert {name for _href, name in links} == {"accept", "request_changes", "reject", "withdraw"}
    for href, name in links:
        response = client.get(href)
        assert response.status_code == 200, href
        assert response.context["title"] == APPLICATION_ACTIONS.get(name).admin_label


def test_no_action_panel_when_nothing_is_available(business_staff, submitted):
    html = client_for(business_staff).get(change_url(submitted)).content.decode()
    assert 'id="transition-buttons"' not in html
    assert "cesi-state" in html  # the current state is still shown


# --- the transition form view -------------------------------------------------------------------


def test_transition_form_is_inside_the_admin_look(cs_staff, under_review):
    url = reverse("admin:applications_application_transition", args=[under_review.pk, "accept"])
    response = client_for(cs_staff).get(url)
    assert response.status_code == 200
    assert "admin/base_site.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert 'class="breadcrumbs"' in html and change_url(under_review) in html
    assert str(APPLICATION_ACTIONS.get("accept").help_text) in html
    assert 'class="cesi-action cesi-action-primary"' in html  # the submit button


def test_transition_of_a_missing_object_redirects(cs_staff, db):
    url = reverse("admin:applications_application_transition", args=[999999, "accept"])
    assert client_for(cs_staff).post(url).status_code == 302


def test_domain_conflict_from_the_service_is_a_message(cs_staff, submitted, monkeypatch):
    from django.contrib.messages import get_messages

    def refuse(**kwargs):
        raise DomainError("Someone else changed this a moment ago.", code=DomainError.CONFLICT)

    # A race the pre-check cannot see: the service itself refuses (Action is frozen, so the
    # whole action is swapped in the set for this test).
    action = APPLICATION_ACTIONS.get("start_review")
    swapped = type(action)(action.name, action.label, refuse, action.form_class)
    monkeypatch.setitem(APPLICATION_ACTIONS._by_name, "start_review", swapped)

    url = reverse("admin:applications_application_transition", args=[submitted.pk, "start_review"])
    response = client_for(cs_staff).post(url, {"reason": ""})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Someone else changed this a moment ago."
    ]
    submitted.refresh_from_db()
    assert submitted.state == Application.State.SUBMITTED


# --- the state field is read-only everywhere --------------------------------------------------


def test_state_is_read_only_on_every_form(rf, superuser, submitted):
    model_admin = GuardedApplicationAdmin(Application, admin.site)
    request = rf.get("/")
    request.user = superuser
    assert "state" in model_admin.get_readonly_fields(request)
    assert "state" in model_admin.get_readonly_fields(request, submitted)
    form_class = model_admin.get_form(request, submitted)
    assert "state" not in form_class.base_fields
    assert "scope" in form_class.base_fields


def test_state_in_list_editable_is_refused():
    class Bad(GuardedApplicationAdmin):
        list_display = ("reference", "state")
        list_editable = ("state",)

    with pytest.raises(ImproperlyConfigured):
        Bad(Application, admin.site)


def test_an_action_set_is_required():
    class Missing(TransitionAdminMixin, admin.ModelAdmin):
        pass

    with pytest.raises(ImproperlyConfigured):
        Missing(Application, admin.site)


# --- the timeline ------------------------------------------------------------------------------


def test_timeline_rows_name_who_what_from_to_and_why(cs_staff, submitted):
    app = services.application_start_review(application=submitted, by=cs_staff, reason="受理")
    with translation.override("en"):
        rows = GuardedApplicationAdmin(Application, admin.site).timeline_rows(app)
        assert [(str(r["action"]), str(r["source"]), str(r["target"])) for r in rows] == [
            ("Submit", "Draft", "Submitted"),
            ("Start review", "Submitted", "Under review"),
        ]
    assert rows[1]["actor"] == cs_staff
    assert rows[1]["reason"] == "受理"


# --- simple-history's revert form is closed -------------------------------------------------


def _history_request(rf, user, data=None):
    request = rf.post("/", data or {}) if data is not None else rf.get("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_plain_simple_history_revert_is_the_pitfall(rf, superuser, under_review):
    """Why the mixin closes it: a revert saves the old state and django-fsm refuses → a 500."""
    old = under_review.history.earliest("history_date")
    request = _history_request(rf, superuser, {"scope": "改写"})
    with pytest.raises(ConcurrentTransition):
        PlainHistoryAdmin(Application, admin.site).history_form_view(
            request, str(under_review.pk), str(old.history_id)
        )


@pytest.mark.parametrize("data", [None, {"scope": "改写"}], ids=["get", "post"])
def test_mixin_closes_the_revert_form(rf, superuser, under_review, data):
    old = under_review.history.earliest("history_date")
    request = _history_request(rf, superuser, data)
    response = GuardedApplicationAdmin(Application, admin.site).history_form_view(
        request, str(under_review.pk), str(old.history_id)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:applications_application_history", args=[under_review.pk]
    )
    under_review.refresh_from_db()
    assert under_review.state == Application.State.UNDER_REVIEW
    assert under_review.scope != "改写"


# --- helpers -----------------------------------------------------------------------------------


class _Form(forms.Form):
    reason = forms.CharField(required=False)


def test_add_domain_errors_puts_messages_on_fields_or_the_form():
    form = _Form({"reason": "x"})
    assert form.is_valid()
    add_domain_errors(form, invalid("reason", "Say more."))
    add_domain_errors(form, invalid("documents", "Upload the materials first."))
    assert form.errors["reason"] == ["Say more."]
    assert form.non_field_errors() == ["Upload the materials first."]

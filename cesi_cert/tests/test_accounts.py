"""Sign-in, sign-up and the forgotten-password path an applicant relies on."""

import re
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from applications.tests.factories import UserFactory
from cesi_cert.roles import Role
from cesi_cert.tokens import new_token

pytestmark = pytest.mark.django_db


def test_forgotten_password_by_e_mail_link(client):
    user = UserFactory(role=Role.APPLICANT, email="liu@example.cn")
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login_page

    response = client.post(reverse("password_reset"), {"email": "LIU@example.cn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["liu@example.cn"]
    assert user.username in message.body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "a-much-better-secret-2026",
            "new_password2": "a-much-better-secret-2026",
        },
    )
    user.refresh_from_db()
    assert user.check_password("a-much-better-secret-2026")
    # The link works once.
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False


def test_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
    assert response.status_code == 302
    assert mail.outbox == []


SIGNUP = {
    "username": "newco",
    "first_name": "新公司",
    "email": "new@example.cn",
    "phone": "",
    "password1": "Secret-pass-2026",
    "password2": "Secret-pass-2026",
}


def _confirm_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", message.body).group(1)


def _comparable(response) -> tuple:
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return response.status_code, body


def test_sign_up_answers_the_same_for_a_known_and_a_new_address(
    client, django_capture_on_commit_callbacks
):
    """Nothing at the keyboard tells whether an address has an account: both sign-ups say
    "check your e-mail"; the owner of the address learns the rest by e-mail."""
    taken = UserFactory(
        username="old", email="taken@example.cn", role=Role.APPLICANT, language="en"
    )
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("signup"), {**SIGNUP, "email": "Taken@Example.cn"}, follow=True)
        new = client.post(reverse("signup"), {**SIGNUP, "username": "newco2"}, follow=True)
    assert known.redirect_chain == new.redirect_chain == [(reverse("signup_sent"), 302)]
    assert _comparable(known) == _comparable(new)
    page = known.content.decode()
    assert "already" not in page and "Check your e-mail" in page
    # Nothing was created yet, for either: an account exists once its address is confirmed.
    from cesi_cert.models import User

    assert not User.objects.filter(username__in=["newco", "newco2"]).exists()
    assert not client.session.get("_auth_user_id")

    to_known, to_new = sorted(mail.outbox, key=lambda m: m.to[0] != "taken@example.cn")
    assert to_known.to == ["taken@example.cn"]
    assert "already have an account" in to_known.body
    assert taken.username in to_known.body and "/accounts/password/reset/" in to_known.body
    assert "/accounts/signup/confirm/" not in to_known.body
    assert to_new.to == ["new@example.cn"]
    assert _confirm_link(to_new)


def test_the_sign_up_form_never_says_an_address_is_registered(client):
    UserFactory(email="taken@example.cn")
    response = client.post(reverse("signup"), {**SIGNUP, "email": "taken@example.cn"})
    assert response.status_code == 302
    assert response["Location"] == reverse("signup_sent")


def test_the_confirmation_link_creates_the_applicant_and_logs_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup"), SIGNUP)
    link = _confirm_link(mail.outbox[0])
    page = client.get(link)  # a mail scanner following the link changes nothing
    assert page.status_code == 200 and 'data-testid="signup-confirm"' in page.content.decode()
    from cesi_cert.models import User

    assert not User.objects.filter(username="newco").exists()

    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    user = User.objects.get(username="newco")
    assert user.groups.filter(name=Role.APPLICANT).exists()
    assert (user.email, user.first_name) == ("new@example.cn", "新公司")
    assert user.check_password("Secret-pass-2026")
    assert client.session["_auth_user_id"] == str(user.pk)
    # The link works once.
    client.logout()
    again = client.post(link, follow=True)
    assert "no longer valid" in again.content.decode()
    assert User.objects.filter(username="newco").count() == 1


def test_the_confirmation_link_expires(client, settings, django_capture_on_commit_callbacks):
    import datetime

    import time_machine
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup"), SIGNUP)
    link = _confirm_link(mail.outbox[0])
    later = timezone.now() + datetime.timedelta(hours=settings.SIGNUP_CONFIRMATION_HOURS + 1)
    with time_machine.travel(later, tick=False):
        response = client.post(link, follow=True)
    assert "expired" in response.content.decode()
    from cesi_cert.models import User

    assert not User.objects.filter(username="newco").exists()


def test_a_taken_username_is_still_said_on_the_form(client):
    """A username is chosen, not found: saying it is taken tells nothing about an address."""
    UserFactory(username="newco")
    response = client.post(reverse("signup"), SIGNUP)
    assert response.status_code == 200
    assert response.context["form"].errors["username"]


def test_an_address_registered_meanwhile_is_refused_at_confirmation(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup"), SIGNUP)
    link = _confirm_link(mail.outbox[0])
    UserFactory(username="quick", email="NEW@example.cn")
    response = client.post(link, follow=True)
    assert "already has an account" in response.content.decode()
    from cesi_cert.models import User

    assert not User.objects.filter(username="newco").exists()


AXES = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]


def test_repeated_wrong_passwords_lock_the_login_for_a_while(client, settings):
    """Brute-force guard (django-axes): portal, admin and API token share it."""
    from rest_framework.test import APIClient

    settings.AUTHENTICATION_BACKENDS = AXES
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(username="target", role=Role.APPLICANT)
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "target", "password": "wrong"})
    assert response.status_code == 429
    assert 'data-testid="locked-out"' in response.content.decode()
    # Even the right password is refused during the cool-off, on every door.
    response = client.post(reverse("login"), {"username": "target", "password": "pass-12345"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    api = APIClient()
    token = api.post("/api/v1/auth/token/", {"username": "target", "password": "pass-12345"})
    assert token.status_code == 429  # as the pages answer; no token during the cool-off
    assert "token" not in token.json()
    # Another account is not affected.
    UserFactory(username="bystander", role=Role.APPLICANT)
    response = client.post(reverse("login"), {"username": "bystander", "password": "pass-12345"})
    assert response.status_code == 302
    assert user.pk != int(client.session["_auth_user_id"])


def test_cool_off_ends(client, settings):
    import time_machine
    from django.utils import timezone

    settings.AUTHENTICATION_BACKENDS = AXES
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="patient", role=Role.APPLICANT)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(2):
            client.post(reverse("login"), {"username": "patient", "password": "wrong"})
        ok = {"username": "patient", "password": "pass-12345"}
        assert client.post(reverse("login"), ok).status_code == 429
        traveller.shift(16 * 60)
        assert client.post(reverse("login"), ok).status_code == 302


# --- unique usernames and addresses, decided by the database (issue 6 item 1) -----------------


def signup_data(**overrides):
    return {
        "username": "newco",
        "first_name": "新公司",
        "email": "new@example.cn",
        "password1": "Secret-pass-2026",
        "password2": "Secret-pass-2026",
    } | overrides


def _pending(**overrides) -> str:
    """Start a sign-up as the view does; return the token its e-mailed link carries."""
    from cesi_cert.accounts import SignupForm, signup_request

    form = SignupForm(signup_data(**overrides))
    assert form.is_valid(), form.errors
    made = []

    def recording():
        pair = new_token()
        made.append(pair[0])
        return pair

    with mock.patch("cesi_cert.accounts.new_token", recording):
        signup_request(form, language="en")
    return made[0]


def test_the_form_never_says_an_address_is_taken_whatever_its_case(client):
    """Issue 6 item 6: the constraint is not checked by the form (that would tell the person at
    the keyboard); the owner of the address is told by e-mail, and nothing is created."""
    from cesi_cert.models import User

    UserFactory(email="taken@example.cn")
    response = client.post(reverse("signup"), signup_data(email="Taken@Example.CN"))
    assert response.status_code == 302 and response["Location"] == reverse("signup_sent")
    assert not User.objects.filter(username="newco").exists()


def test_two_accounts_cannot_share_an_address_in_the_database(db):
    from django.db import IntegrityError

    UserFactory(email="same@example.cn")
    with pytest.raises(IntegrityError):
        UserFactory(email="SAME@example.cn")
    # Accounts without an address (created by an administrator) are not affected.
    UserFactory(email="")
    UserFactory(email="")


def test_a_username_taken_before_the_link_is_opened_is_a_field_error(db):
    """The database decides: no check before the insert, the constraint's error is the field's."""
    from cesi_cert.accounts import signup_confirm
    from cesi_cert.errors import DomainError

    token = _pending()
    UserFactory(username="newco", email="someone-else@example.cn")
    with pytest.raises(DomainError) as err:
        signup_confirm(token=token)
    assert err.value.field == "username"


def test_an_address_given_an_account_meanwhile_is_refused_plainly(db):
    from cesi_cert.accounts import ADDRESS_HAS_ACCOUNT, signup_confirm
    from cesi_cert.errors import DomainError

    token = _pending()
    UserFactory(username="first", email="NEW@example.cn")
    with pytest.raises(DomainError) as err:
        signup_confirm(token=token)
    assert err.value.code == DomainError.CONFLICT and err.value.message == ADDRESS_HAS_ACCOUNT


def _confirm_at_once(tokens):
    from django.test import Client

    from conftest import race

    def attempt(i):
        response = Client().post(reverse("signup_confirm", args=[tokens[i]]))
        return response.status_code

    return race(len(tokens), attempt)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_confirmations_of_one_username_at_once_make_one_account():
    from cesi_cert.models import User

    tokens = [_pending(email=f"person{i}@example.cn") for i in range(6)]
    outcomes = _confirm_at_once(tokens)
    assert sorted(outcomes) == [302] + [409] * 5, outcomes  # never a 500
    assert User.objects.filter(username="newco").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_confirmations_of_one_address_at_once_make_one_account():
    from cesi_cert.models import User

    tokens = [
        _pending(username=f"person{i}", email=f"{'Same' if i % 2 else 'same'}@x.cn")
        for i in range(6)
    ]
    outcomes = _confirm_at_once(tokens)
    assert sorted(outcomes) == [302] + [409] * 5, outcomes
    assert User.objects.filter(email__iexact="same@x.cn").count() == 1


def test_the_admin_shows_a_taken_address_next_to_the_e_mail_field(admin_client):
    from cesi_cert.models import User

    UserFactory(email="taken@example.cn")
    someone = UserFactory(email="someone@example.cn")
    added = admin_client.post(
        reverse("admin:cesi_cert_user_add"),
        {"username": "new", "email": "TAKEN@example.cn", "usable_password": "false"},
    )
    assert added.status_code == 200
    assert added.context["adminform"].form.errors["email"] == [
        "An account with this e-mail already exists."
    ]
    assert not User.objects.filter(username="new").exists()
    change = admin_client.get(reverse("admin:cesi_cert_user_change", args=[someone.pk]))
    data = {
        k: v for k, v in change.context["adminform"].form.initial.items() if v not in (None, [])
    }
    data |= {"email": "Taken@example.cn", "date_joined_0": "2026-01-01", "date_joined_1": "00:00"}
    changed = admin_client.post(reverse("admin:cesi_cert_user_change", args=[someone.pk]), data)
    assert changed.status_code == 200
    assert changed.context["adminform"].form.errors["email"] == [
        "An account with this e-mail already exists."
    ]
    someone.refresh_from_db()
    assert someone.email == "someone@example.cn"

"""Sign-in, sign-up and the forgotten-password path an applicant relies on."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from applications.tests.factories import UserFactory
from cesi_cert.roles import Role

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


def test_sign_up_makes_an_applicant_and_refuses_a_taken_e_mail(client):
    UserFactory(email="taken@example.cn")
    data = {
        "username": "newco",
        "first_name": "新公司",
        "email": "taken@example.cn",
        "password1": "Secret-pass-2026",
        "password2": "Secret-pass-2026",
    }
    response = client.post(reverse("signup"), data)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    data["email"] = "new@example.cn"
    response = client.post(reverse("signup"), data)
    assert response.status_code == 302
    from cesi_cert.models import User

    assert User.objects.get(username="newco").groups.filter(name=Role.APPLICANT).exists()


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
    assert token.status_code == 400  # DRF's "unable to log in": no token during the cool-off
    assert "token" not in token.data
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


def test_an_address_is_taken_whatever_its_case(client):
    UserFactory(email="taken@example.cn")
    response = client.post(reverse("signup"), signup_data(email="Taken@Example.CN"))
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "An account with this e-mail already exists."
    ]


def test_two_accounts_cannot_share_an_address_in_the_database(db):
    from django.db import IntegrityError

    UserFactory(email="same@example.cn")
    with pytest.raises(IntegrityError):
        UserFactory(email="SAME@example.cn")
    # Accounts without an address (created by an administrator) are not affected.
    UserFactory(email="")
    UserFactory(email="")


@pytest.mark.parametrize(
    ("field", "taken", "message"),
    [
        (
            "email",
            {"username": "other", "email": "NEW@example.cn"},
            "An account with this e-mail already exists.",
        ),
        (
            "username",
            {"username": "newco", "email": "other@example.cn"},
            "A user with that username already exists.",
        ),
    ],
)
def test_a_value_taken_after_the_form_checked_it_is_the_same_field_error(
    client, monkeypatch, field, taken, message
):
    """What the loser of a race sees: the form's checks passed, then someone else signed up
    with the same value a moment before the insert."""
    from cesi_cert.accounts import SignupForm
    from cesi_cert.models import User

    form_is_valid = SignupForm.is_valid

    def valid_then_someone_else_signs_up(form):
        valid = form_is_valid(form)
        UserFactory(**taken)
        return valid

    monkeypatch.setattr(SignupForm, "is_valid", valid_then_someone_else_signs_up)
    response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not User.objects.filter(username="newco", email="new@example.cn").exists()
    assert "_auth_user_id" not in client.session


def _sign_up_at_once(n, data_of):
    from django.test import Client

    from conftest import race

    def attempt(i):
        response = Client().post(reverse("signup"), data_of(i))
        form = response.context["form"] if response.status_code == 200 else None
        return response.status_code, form.errors.as_data() if form else None

    return race(n, attempt)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_sign_ups_with_one_username_at_once_make_one_account():
    from cesi_cert.models import User

    outcomes = _sign_up_at_once(8, lambda i: signup_data(email=f"person{i}@example.cn"))
    assert all(isinstance(o, tuple) for o in outcomes), outcomes  # an exception is a 500
    assert [status for status, _errors in outcomes].count(302) == 1, outcomes
    for status, errors in outcomes:
        if status != 302:
            assert status == 200
            assert [e.messages for e in errors["username"]] == [
                ["A user with that username already exists."]
            ]
    assert User.objects.filter(username="newco").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_sign_ups_with_one_address_at_once_make_one_account():
    from cesi_cert.models import User

    outcomes = _sign_up_at_once(
        8, lambda i: signup_data(username=f"person{i}", email=f"{'Same' if i % 2 else 'same'}@x.cn")
    )
    assert all(isinstance(o, tuple) for o in outcomes), outcomes  # an exception is a 500
    assert [status for status, _errors in outcomes].count(302) == 1, outcomes
    for status, errors in outcomes:
        if status != 302:
            assert status == 200
            assert [e.messages for e in errors["email"]] == [
                ["An account with this e-mail already exists."]
            ]
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

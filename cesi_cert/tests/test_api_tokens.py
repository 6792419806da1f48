"""API tokens end with the password (issue 6 item 8), whichever way it changes; the token
endpoint's lockout answers 429 like the admin and the portal."""

import re

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from applications.tests.factories import UserFactory
from cesi_cert.roles import Role

pytestmark = pytest.mark.django_db

NEW = "a-much-better-secret-2026"


@pytest.fixture
def person():
    return UserFactory(username="liu", email="liu@example.cn", role=Role.APPLICANT)


@pytest.fixture
def token(person):
    return Token.objects.create(user=person)


def opens_the_api(token) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client.get("/api/v1/applications/").status_code == 200


def test_set_password_and_save_ends_the_token(person, token):
    assert opens_the_api(token)
    person.set_password(NEW)
    person.save()
    assert not Token.objects.filter(user=person).exists()
    assert not opens_the_api(token)


def test_saving_only_the_password_field_ends_the_token(person, token):
    person.set_password(NEW)
    person.save(update_fields=["password"])
    assert not Token.objects.filter(user=person).exists()


def test_an_unusable_password_or_a_hash_set_directly_ends_the_token(person, token):
    person.set_unusable_password()
    person.save()
    assert not Token.objects.filter(user=person).exists()
    again = Token.objects.create(user=person)
    person.password = make_password(NEW)
    person.save()
    assert not Token.objects.filter(pk=again.pk).exists()


def test_other_changes_keep_the_token(person, token):
    person.first_name = "刘"
    person.save()
    person.language = "en"
    person.save(update_fields=["language"])
    # A login stamps last_login only.
    assert Client().login(username="liu", password="pass-12345")
    assert Token.objects.filter(pk=token.pk).exists()


def test_a_new_hash_of_the_same_password_keeps_the_token(person, token, settings):
    """Django re-hashes a password at login when the hasher's settings change: not a change."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert person.password.startswith("md5$")
    assert person.check_password("pass-12345")  # upgrades the hash and saves it
    person.refresh_from_db()
    assert person.password.startswith("pbkdf2_sha256$")
    assert Token.objects.filter(pk=token.pk).exists()


def test_the_password_change_page_ends_the_token(person, token):
    client = Client()
    client.force_login(person)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pass-12345", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert not Token.objects.filter(user=person).exists()


def test_a_password_reset_ends_the_token(person, token):
    client = Client()
    client.post(reverse("password_reset"), {"email": "liu@example.cn"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    person.refresh_from_db()
    assert person.check_password(NEW)
    assert not Token.objects.filter(user=person).exists()


def test_a_password_set_in_the_admin_ends_the_token(person, token):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert not Token.objects.filter(user=person).exists()


def test_a_new_token_can_be_had_with_the_new_password(person, token):
    person.set_password(NEW)
    person.save()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "liu", "password": NEW}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["token"] != token.key


# --- the lockout ---------------------------------------------------------------------------------

AXES = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]


def test_the_token_endpoint_answers_429_during_the_lockout(person, settings):
    settings.AUTHENTICATION_BACKENDS = AXES
    settings.AXES_FAILURE_LIMIT = 3
    api = APIClient()
    wrong = {"username": "liu", "password": "wrong"}
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(2):
            assert api.post("/api/v1/auth/token/", wrong, format="json").status_code == 400
        third = api.post("/api/v1/auth/token/", wrong, format="json")
        assert third.status_code == 429  # the failure that reaches the limit
        right = {"username": "liu", "password": "pass-12345"}
        response = api.post("/api/v1/auth/token/", right, format="json")
        assert response.status_code == 429
        assert response["Content-Type"] == "application/json"
        assert response.json() == {
            "detail": "Too many failed sign-ins for this account from your address. "
            "Wait a while, then try again."
        }
        assert response["Retry-After"] == "900"  # LOGIN_COOLOFF_HOURS: 15 minutes
        assert not Token.objects.filter(user=person).exists()
        traveller.shift(16 * 60)
        assert api.post("/api/v1/auth/token/", right, format="json").status_code == 200


def test_a_wrong_password_counts_once(person, settings):
    from axes.models import AccessAttempt

    settings.AUTHENTICATION_BACKENDS = AXES
    APIClient().post("/api/v1/auth/token/", {"username": "liu", "password": "x"}, format="json")
    assert AccessAttempt.objects.get(username="liu").failures_since_start == 1

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

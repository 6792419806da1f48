"""Membership by invitation: nobody becomes a member without accepting, and the inviter learns
nothing about whether an address has an account (no name, no "no such account")."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import selectors, services
from applications.models import Invitation, Membership
from applications.tests.factories import UserFactory, applicant_of
from cesi_cert.errors import DomainError
from cesi_cert.models import Notification
from cesi_cert.roles import Role

pytestmark = pytest.mark.django_db

KNOWN = "wang@example.cn"
UNKNOWN = "ghost@example.cn"


@pytest.fixture
def colleague(db):
    """An applicant account that is nobody's member yet."""
    return UserFactory(
        username="wang", email="Wang@Example.cn", first_name="王五", role=Role.APPLICANT
    )


def browser(user=None, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def comparable(response, email: str) -> tuple:
    """What a person sees of a response, with the address they typed and per-request tokens
    taken out: two of these must be equal for an address with an account and one without."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    # The list of pending invitations grows by one row per invitation: compare the rest.
    body = re.sub(r"\s+", " ", re.sub(r"<tr data-invitation=.*?</tr>", "", body, flags=re.S))
    body = body.replace(email, "EMAIL")
    location = response.get("Location", "")
    return (
        response.status_code,
        location,
        body,
        [m.replace(email, "EMAIL") for m in messages_of(response)],
    )


def invite(**kwargs):
    return services.membership_invite(**kwargs)


def accept_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/portal/invitations/open/[^/\s]+/)", message.body).group(1)


# --- the service ------------------------------------------------------------------------------


def test_an_invitation_makes_no_member_until_it_is_accepted(org, applicant, colleague):
    invitation = invite(organization=org, by=applicant, email=KNOWN)
    assert not org.members.filter(pk=colleague.pk).exists()
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.token_hash and invitation.token not in invitation.token_hash

    membership = services.invitation_accept(invitation=invitation, by=colleague)
    assert membership.user == colleague and membership.is_admin is False
    assert set(org.members.all()) == {applicant, colleague}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_by == colleague
    assert invitation.history.first().history_user == colleague
    # The inviter hears that the colleague joined.
    assert Notification.objects.filter(recipient=applicant, kind="invitation.accepted").exists()


def test_the_invitation_is_e_mailed_and_an_existing_account_also_gets_a_notice(
    org, applicant, colleague, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(organization=org, by=applicant, email=KNOWN)
    [message] = mail.outbox
    assert message.to == [KNOWN]
    assert "\n" not in message.subject
    assert org.name_en in message.body or org.name_zh in message.body
    assert accept_link(message) == reverse("portal:invitation_open", args=[invitation.token])
    notice = Notification.objects.get(recipient=colleague, kind="invitation.received")
    assert notice.link == reverse("portal:invitation", args=[invitation.pk])
    assert invitation.token not in notice.link  # only the hash is stored anywhere


def test_an_address_without_an_account_gets_the_same_e_mail_and_no_notice(
    org, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(organization=org, by=applicant, email=UNKNOWN)
    [message] = mail.outbox
    assert message.to == [UNKNOWN]
    assert accept_link(message)
    assert not Notification.objects.filter(kind="invitation.received").exists()


def test_only_an_administrator_or_customer_service_invites(
    org, applicant, cs_staff, business_staff
):
    plain = applicant_of(org, username="plain")
    Membership.objects.filter(user=plain).update(is_admin=False)
    for by in (plain, business_staff):
        with pytest.raises(DomainError) as e:
            invite(organization=org, by=by, email=KNOWN)
        assert e.value.code == DomainError.FORBIDDEN
    assert invite(organization=org, by=cs_staff, email=KNOWN, is_admin=True).is_admin


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b"])
def test_a_bad_address_is_named_on_the_field(org, applicant, email):
    with pytest.raises(DomainError) as e:
        invite(organization=org, by=applicant, email=email)
    assert (e.value.code, e.value.field) == (DomainError.INVALID, "email")


def test_inviting_a_member_again_says_so_on_the_field(org, applicant):
    with pytest.raises(DomainError) as e:
        invite(organization=org, by=applicant, email=applicant.email.upper())
    assert (e.value.code, e.value.field) == (DomainError.INVALID, "email")


def test_inviting_the_same_address_again_replaces_the_open_invitation(org, applicant):
    first = invite(organization=org, by=applicant, email=KNOWN)
    second = invite(organization=org, by=applicant, email=KNOWN.upper())
    first.refresh_from_db()
    assert first.status == Invitation.Status.REVOKED
    assert second.status == Invitation.Status.PENDING
    assert list(selectors.open_invitations(org)) == [second]


def test_only_the_addressee_can_accept_or_decline(org, applicant, colleague, other_applicant):
    invitation = invite(organization=org, by=applicant, email=KNOWN)
    # (Two accounts never share an address: the e-mail is unique, case-insensitively.)
    staff = UserFactory(role=Role.CUSTOMER_SERVICE)
    for by in (other_applicant, staff):
        for service in (services.invitation_accept, services.invitation_decline):
            with pytest.raises(DomainError) as e:
                service(invitation=invitation, by=by)
            assert e.value.code == DomainError.FORBIDDEN
            assert KNOWN not in str(e.value.message)
    assert not Membership.objects.filter(organization=org, user=other_applicant).exists()
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.PENDING


def test_an_expired_invitation_is_refused(org, applicant, colleague):
    invitation = invite(organization=org, by=applicant, email=KNOWN)
    later = timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        assert invitation.status == Invitation.Status.EXPIRED
        with pytest.raises(DomainError) as e:
            services.invitation_accept(invitation=invitation, by=colleague)
    assert e.value.code == DomainError.CONFLICT
    assert "expired" in str(e.value.message)
    assert not org.members.filter(pk=colleague.pk).exists()


def test_a_revoked_invitation_is_refused(org, applicant, colleague):
    invitation = invite(organization=org, by=applicant, email=KNOWN)
    services.invitation_revoke(invitation=invitation, by=applicant)
    with pytest.raises(DomainError) as e:
        services.invitation_accept(invitation=invitation, by=colleague)
    assert e.value.code == DomainError.CONFLICT
    assert "withdrawn" in str(e.value.message)
    assert not org.members.filter(pk=colleague.pk).exists()


def test_a_declined_invitation_cannot_be_accepted_later(org, applicant, colleague):
    invitation = invite(organization=org, by=applicant, email=KNOWN)
    services.invitation_decline(invitation=invitation, by=colleague)
    with pytest.raises(DomainError) as e:
        services.invitation_accept(invitation=invitation, by=colleague)
    assert e.value.code == DomainError.CONFLICT
    assert not org.members.filter(pk=colleague.pk).exists()


def test_a_double_accept_makes_one_membership(org, applicant, colleague):
    invitation = invite(organization=org, by=applicant, email=KNOWN)
    services.invitation_accept(invitation=invitation, by=colleague)
    with pytest.raises(DomainError) as e:
        services.invitation_accept(invitation=invitation, by=colleague)
    assert e.value.code == DomainError.CONFLICT
    assert Membership.objects.filter(organization=org, user=colleague).count() == 1


def test_accepting_when_already_a_member_keeps_one_membership(org, applicant, colleague):
    """The unique constraint decides: a membership made meanwhile is the one kept."""
    invitation = invite(organization=org, by=applicant, email=KNOWN)
    Membership.objects.create(user=colleague, organization=org, is_admin=False)
    membership = services.invitation_accept(invitation=invitation, by=colleague)
    assert Membership.objects.filter(organization=org, user=colleague).count() == 1
    assert membership.user == colleague


def test_revoking_is_for_those_who_manage_members(org, applicant, other_applicant, business_staff):
    invitation = invite(organization=org, by=applicant, email=KNOWN)
    for by in (other_applicant, business_staff):
        with pytest.raises(DomainError) as e:
            services.invitation_revoke(invitation=invitation, by=by)
        assert e.value.code == DomainError.FORBIDDEN
    services.invitation_revoke(invitation=invitation, by=applicant)
    with pytest.raises(DomainError) as e:
        services.invitation_revoke(invitation=invitation, by=applicant)
    assert e.value.code == DomainError.CONFLICT


# --- the portal -------------------------------------------------------------------------------


def invite_page(org):
    return reverse("portal:member_invite", args=[org.pk])


def test_portal_invite_answers_the_same_with_or_without_an_account(org, applicant, colleague):
    client = browser(applicant)
    known = client.post(invite_page(org), {"email": KNOWN}, follow=True)
    unknown = client.post(invite_page(org), {"email": UNKNOWN}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert comparable(known, KNOWN) == comparable(unknown, UNKNOWN)
    page = unknown.content.decode()
    assert "王五" not in page and "wang" not in page.replace(KNOWN, "")
    assert "can accept the invitation" in messages_of(known)[0]
    # Both are listed as pending, alike; neither is a member.
    rows = re.findall(r"<tr data-invitation=.*?</tr>", page, flags=re.S)
    assert len(rows) == 2
    assert re.sub(r"\d+", "N", rows[0].replace(UNKNOWN, "EMAIL")) == re.sub(
        r"\d+", "N", rows[1].replace(KNOWN, "EMAIL")
    )
    assert not org.members.filter(pk=colleague.pk).exists()


def test_portal_invite_answers_the_same_for_a_staff_address(org, applicant, cs_staff):
    client = browser(applicant)
    staff = client.post(invite_page(org), {"email": cs_staff.email})
    unknown = client.post(invite_page(org), {"email": UNKNOWN})
    assert (staff.status_code, staff["Location"]) == (unknown.status_code, unknown["Location"])


def test_portal_lists_pending_invitations_and_revokes_one(org, applicant):
    invitation = invite(organization=org, by=applicant, email=UNKNOWN)
    client = browser(applicant)
    page = client.get(org.get_absolute_url()).content.decode()
    assert f'data-invitation="{invitation.pk}"' in page
    revoke = reverse("portal:invitation_revoke", args=[invitation.pk])
    assert revoke in page
    response = client.post(revoke, follow=True)
    assert response.status_code == 200
    assert f'data-invitation="{invitation.pk}"' not in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.REVOKED


def test_another_organisation_cannot_invite_or_revoke(org, applicant, other_applicant):
    invitation = invite(organization=org, by=applicant, email=UNKNOWN)
    client = browser(other_applicant)
    assert client.get(invite_page(org)).status_code == 404
    assert client.post(invite_page(org), {"email": other_applicant.email}).status_code == 404
    revoke = reverse("portal:invitation_revoke", args=[invitation.pk])
    assert client.post(revoke).status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.PENDING


def test_the_e_mailed_link_asks_to_log_in_then_comes_back_and_accepts(
    org, applicant, colleague, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(organization=org, by=applicant, email=KNOWN)
    link = accept_link(mail.outbox[0])

    anonymous = browser()
    response = anonymous.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=" in response["Location"]

    response = anonymous.post(
        response["Location"], {"username": "wang", "password": "pass-12345"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:invitation", args=[invitation.pk])
    page = response.content.decode()
    assert org.name_en in page
    assert 'data-testid="invitation-accept"' in page
    assert not org.members.filter(pk=colleague.pk).exists()

    response = anonymous.post(
        reverse("portal:invitation", args=[invitation.pk]), {"decision": "accept"}, follow=True
    )
    assert response.redirect_chain[-1][0] == org.get_absolute_url()
    assert org.members.filter(pk=colleague.pk).exists()
    # The link is used up: it now says so, and adds nobody again.
    response = anonymous.post(
        reverse("portal:invitation", args=[invitation.pk]), {"decision": "accept"}, follow=True
    )
    assert any("already" in m for m in messages_of(response))
    assert Membership.objects.filter(organization=org, user=colleague).count() == 1


def test_the_link_in_another_account_is_refused_without_telling_the_address(
    org, applicant, colleague, other_applicant
):
    invitation = invite(organization=org, by=applicant, email=KNOWN)
    client = browser(other_applicant)
    response = client.get(reverse("portal:invitation_open", args=[invitation.token]), follow=True)
    [message] = messages_of(response)
    assert "another e-mail address" in message
    assert KNOWN not in response.content.decode()
    assert client.get(reverse("portal:invitation", args=[invitation.pk])).status_code == 404
    assert (
        client.post(
            reverse("portal:invitation", args=[invitation.pk]), {"decision": "accept"}
        ).status_code
        == 404
    )
    assert not org.members.filter(pk=other_applicant.pk).exists()


def test_an_unknown_token_is_404(applicant):
    client = browser(applicant)
    assert client.get(reverse("portal:invitation_open", args=["nope" * 10])).status_code == 404


def test_invited_before_signing_up_the_person_finds_it_once_confirmed(
    org, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(organization=org, by=applicant, email=UNKNOWN)
        client = browser()
        client.post(
            reverse("signup"),
            {
                "username": "ghost",
                "first_name": "新同事",
                "email": UNKNOWN,
                "password1": "Secret-pass-2026",
                "password2": "Secret-pass-2026",
            },
        )
    link = re.search(r"(/accounts/signup/confirm/\S+/)", mail.outbox[-1].body).group(1)
    home = client.post(link, follow=True)
    assert home.redirect_chain[-1][0] == reverse("portal:home")
    assert reverse("portal:invitation", args=[invitation.pk]) in home.content.decode()
    client.post(reverse("portal:invitation", args=[invitation.pk]), {"decision": "accept"})
    assert org.members.filter(username="ghost").exists()


def test_invitations_for_me_are_on_the_portal_home_and_can_be_declined(org, applicant, colleague):
    invitation = invite(organization=org, by=applicant, email=KNOWN)
    client = browser(colleague)
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:invitation", args=[invitation.pk]) in home
    response = client.post(
        reverse("portal:invitation", args=[invitation.pk]), {"decision": "decline"}, follow=True
    )
    assert response.status_code == 200
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.DECLINED
    assert not org.members.filter(pk=colleague.pk).exists()
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:invitation", args=[invitation.pk]) not in home


def test_an_expired_invitation_page_says_so_and_offers_no_button(org, applicant, colleague):
    invitation = invite(organization=org, by=applicant, email=KNOWN)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client = browser(colleague)
    page = client.get(reverse("portal:invitation", args=[invitation.pk])).content.decode()
    assert 'data-testid="invitation-accept"' not in page
    assert "expired" in page
    response = client.post(
        reverse("portal:invitation", args=[invitation.pk]), {"decision": "accept"}, follow=True
    )
    assert any("expired" in m for m in messages_of(response))
    assert not org.members.filter(pk=colleague.pk).exists()


# --- the admin --------------------------------------------------------------------------------


def admin_action(org, name, **query):
    url = reverse(f"admin:applications_organization_{name}", args=[org.pk])
    return url + "".join(f"?{k}={v}" for k, v in query.items())


def test_admin_invite_answers_the_same_with_or_without_an_account(org, cs_staff, colleague):
    client = browser(cs_staff)
    assert (
        "Invite member"
        in client.get(
            reverse("admin:applications_organization_change", args=[org.pk])
        ).content.decode()
    )
    known = client.post(admin_action(org, "member_invite"), {"email": KNOWN}, follow=True)
    unknown = client.post(admin_action(org, "member_invite"), {"email": UNKNOWN}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert comparable(known, KNOWN)[3] == comparable(unknown, UNKNOWN)[3]
    assert "王五" not in known.content.decode()
    assert not org.members.filter(pk=colleague.pk).exists()
    assert Invitation.objects.filter(organization=org).count() == 2


def test_admin_revokes_an_invitation_from_its_row(org, cs_staff, applicant):
    invitation = invite(organization=org, by=applicant, email=UNKNOWN)
    client = browser(cs_staff)
    page = client.get(reverse("admin:applications_organization_change", args=[org.pk]))
    url = admin_action(org, "invitation_revoke", invitation=invitation.pk)
    assert url in page.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.REVOKED


def test_certification_business_cannot_invite(org, business_staff):
    response = browser(business_staff).post(admin_action(org, "member_invite"), {"email": KNOWN})
    assert response.status_code == 302
    assert not Invitation.objects.exists()


# --- a real double click (PostgreSQL row locks) -----------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_make_one_membership(org, applicant, colleague):
    from conftest import race

    invitation = invite(organization=org, by=applicant, email=KNOWN)

    def click(i):
        try:
            services.invitation_accept(
                invitation=Invitation.objects.get(pk=invitation.pk), by=colleague
            )
            return "ok"
        except DomainError as e:
            return e.code

    assert sorted(race(4, click)) == ["conflict", "conflict", "conflict", "ok"]
    assert Membership.objects.filter(organization=org, user=colleague).count() == 1

"""Members by invitation: nobody acts for an organisation without having accepted.

An organisation's administrator (or customer service) invites an e-mail address; the person
whose applicant account uses that address accepts or declines. The inviter is answered the
same way whether or not the address has an account — never a name, never "no such account":
the address gets an e-mail with a one-time link either way, and an existing applicant account
also a notice in its inbox.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cesi_cert.db import unique_violation
from cesi_cert.errors import conflict, forbidden, invalid
from cesi_cert.models import WORKING_LANGUAGE
from cesi_cert.notifications import email_on_commit, notify
from cesi_cert.tokens import new_token
from cesi_cert.transitions import lock

from .. import notices, permissions
from ..models import Invitation, Membership, Organization

#: What the inviter is told, whether or not the address has an account (portal and admin).
INVITATION_SENT = _(
    "The invitation is sent to %(email)s. If this address belongs to an applicant account, or "
    "once it signs up, the person can accept the invitation; until then they are not a member."
)


def _applicant_account(email: str):
    """The active applicant account using ``email``, or None (staff accounts never qualify)."""
    candidates = get_user_model().objects.filter(email__iexact=email, is_active=True)
    return next((u for u in candidates.order_by("pk") if permissions.can_be_member(u)), None)


def _inviter_name(by) -> str:
    return by.get_full_name() or by.get_username()


def _send(invitation: Invitation, token: str, *, by, account) -> None:
    """The e-mail with the one-time link, in the account's language (else the inviter's)."""
    language = getattr(account or by, "language", "") or WORKING_LANGUAGE
    org = invitation.organization
    with translation.override(language):
        email_on_commit(
            to=invitation.email,
            subject=str(_("Invitation to act for %(org)s") % {"org": org.name}),
            body=render_to_string(
                "applications/email/invitation.txt",
                {
                    "organization": org.name,
                    "inviter": _inviter_name(by),
                    "link": settings.SITE_URL.rstrip("/")
                    + reverse("portal:invitation_open", args=[token]),
                    "signup_url": settings.SITE_URL.rstrip("/") + reverse("signup"),
                    "expires_at": invitation.expires_at,
                    "cb_name": settings.CB_NAME,
                },
            ),
        )
    if account is not None:  # the e-mail above carries the link; the notice is for the inbox
        notify(
            [account],
            notices.INVITATION_RECEIVED,
            params={"org": notices.org_name(org)},
            link=invitation.get_absolute_url(),
            email=False,
        )


@transaction.atomic
def membership_invite(
    *, organization: Organization, by, email: str, is_admin: bool = False
) -> Invitation:
    """Invite ``email`` to act for ``organization``; the person becomes a member on accepting.

    Inviting an address again replaces its open invitation (a fresh link and expiry). The
    returned invitation carries its one-time ``token`` (not stored) for the caller's tests.
    """
    if not permissions.can_manage_members(by, organization):
        raise forbidden(
            _("Only an administrator of the organisation or customer service can invite members.")
        )
    email = (email or "").strip()
    try:
        validate_email(email)
        if len(email) > 254:  # the column's size (RFC 5321's limit for a path)
            raise ValidationError("too long")
    except ValidationError:
        raise invalid("email", _("Enter a valid e-mail address.")) from None
    organization = lock(organization)
    # Members are listed, with their addresses, to whoever may invite: this tells nothing new.
    if organization.memberships.filter(user__email__iexact=email).exists():
        raise invalid("email", _("A member of the organisation already uses this address."))
    now = timezone.now()
    for previous in organization.invitations.filter(Invitation.OPEN, email__iexact=email):
        previous.revoked_at, previous.revoked_by = now, by
        previous._history_user = by
        previous._change_reason = "replaced by a new invitation"
        previous.save(update_fields=["revoked_at", "revoked_by"])
    token, digest = new_token()
    invitation = Invitation(
        organization=organization,
        email=email,
        is_admin=bool(is_admin),
        invited_by=by,
        token_hash=digest,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation._history_user = by
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:
        if not unique_violation(exc, Invitation, "one_open_invitation_per_address"):
            raise
        # A simultaneous invite of the same address won; the answer is the same.
        return organization.invitations.get(Invitation.OPEN, email__iexact=email)
    invitation.token = token
    _send(invitation, token, by=by, account=_applicant_account(email))
    return invitation


def _addressed_to(invitation: Invitation, by) -> None:
    """Only the applicant account using the invited address answers (403 for anyone else).

    The message never repeats the address: whoever holds another's link learns nothing from it.
    """
    if not permissions.can_be_member(by):
        raise forbidden(
            _(
                "Only an applicant account can act for an organisation; log in with your "
                "applicant account."
            )
        )
    if (by.email or "").strip().casefold() != invitation.email.strip().casefold():
        raise forbidden(
            _(
                "This invitation was sent to another e-mail address; log in with the account "
                "that uses it."
            )
        )


def _still_open(invitation: Invitation) -> None:
    """409 for an invitation that can no longer be answered, saying why."""
    status = invitation.status
    if status == Invitation.Status.ACCEPTED:
        raise conflict(_("This invitation has already been accepted."))
    if status == Invitation.Status.DECLINED:
        raise conflict(_("This invitation was declined; ask for a new one."))
    if status == Invitation.Status.REVOKED:
        raise conflict(_("This invitation was withdrawn; ask for a new one if you need it."))
    if status == Invitation.Status.EXPIRED:
        raise conflict(_("This invitation has expired; ask for a new one."))


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by) -> Membership:
    """The invited person accepts: they become a member (an administrator if so invited).

    The row lock makes a double click wait and then be refused as "already accepted"; the
    unique (user, organisation) constraint decides if a membership was made meanwhile, which is
    then the one kept — there is never a second.
    """
    invitation = lock(invitation)
    _addressed_to(invitation, by)
    _still_open(invitation)
    organization = invitation.organization
    try:
        with transaction.atomic():
            membership = Membership(
                user=by, organization=organization, is_admin=invitation.is_admin
            )
            membership._history_user = by
            membership._change_reason = "invitation accepted"
            membership.save()
    except IntegrityError as exc:
        if not unique_violation(exc, Membership, "unique_membership"):
            raise
        membership = Membership.objects.get(user=by, organization=organization)  # already one
    invitation.accepted_at, invitation.accepted_by = timezone.now(), by
    invitation._history_user = by
    invitation._change_reason = "accepted"
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    by.__dict__.pop("_cesi_org_ids", None)
    inviter = invitation.invited_by
    if inviter is not None and inviter.is_active:
        notify(
            [inviter],
            notices.INVITATION_ACCEPTED,
            params={
                "user": by.get_full_name() or by.get_username(),
                "org": notices.org_name(organization),
            },
            link=(
                organization.get_absolute_url()
                if permissions.is_member(inviter, organization)
                else reverse("admin:applications_organization_change", args=[organization.pk])
            ),
        )
    return membership


@transaction.atomic
def invitation_decline(*, invitation: Invitation, by) -> Invitation:
    """The invited person says no; the invitation is closed and nobody is told more."""
    invitation = lock(invitation)
    _addressed_to(invitation, by)
    _still_open(invitation)
    invitation.declined_at = timezone.now()
    invitation._history_user = by
    invitation._change_reason = "declined"
    invitation.save(update_fields=["declined_at"])
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by) -> Invitation:
    """Withdraw an open invitation (an expired one too); its link stops working."""
    if not permissions.can_manage_members(by, invitation.organization):
        raise forbidden(
            _(
                "Only an administrator of the organisation or customer service can withdraw invitations."
            )
        )
    invitation = lock(invitation)
    if not invitation.is_open:
        raise conflict(_("This invitation was already answered or withdrawn."))
    invitation.revoked_at, invitation.revoked_by = timezone.now(), by
    invitation._history_user = by
    invitation._change_reason = "withdrawn"
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation

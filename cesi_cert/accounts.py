"""Applicant sign-up: anyone may create an applicant account, then register an organisation.

**Every sign-up confirms its e-mail address first.** The person at the keyboard is never told
whether an address already has an account (that would let anyone test addresses, and issue 6
found "该电子邮箱已注册账户" doing exactly that). So the answer to every valid sign-up is the same
page, "check your e-mail", and the difference goes only to the owner of the address:

- a new address gets a link that creates the account and logs it in
  (:func:`signup_confirm`) — until then nothing is created, so a pending sign-up reserves no
  username and a second request cannot tell the two cases apart either;
- an address that already has an account gets "you already have an account", with its username
  and the links to log in and to reset the password; nothing is created.

Logging new addresses in at once (as before) would be usable but not indistinguishable: a known
address could not be logged in, and the difference would show. One e-mail round trip for honest
new users is the price, and the confirmed address is also what invitations rely on.
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .db import unique_violation
from .errors import conflict, invalid
from .models import SignupConfirmation
from .notifications import email_on_commit
from .roles import Role
from .tokens import new_token, token_hash
from .validators import validate_phone


class SignupForm(UserCreationForm):
    first_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name", "email", "phone")

    def clean_email(self):
        # Deliberately no "this address is registered" here (see the module docstring).
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        validate_phone(phone)
        return phone

    def _get_validation_exclusions(self):
        # The model's case-insensitive unique address constraint would answer "an account with
        # this address exists" at the keyboard; that news goes to the address's owner by e-mail,
        # and the constraint decides at confirmation (signup_confirm).
        exclusions = super()._get_validation_exclusions()
        exclusions.add("email")
        return exclusions


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _language(language: str | None) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _mail(*, to: str, language: str, subject, template: str, context: dict) -> None:
    with translation.override(_language(language)):
        email_on_commit(
            to=to,
            subject=str(subject),
            body=render_to_string(template, {"cb_name": settings.CB_NAME, **context}),
        )


@transaction.atomic
def signup_request(form: SignupForm, *, language: str) -> None:
    """Start a sign-up from a valid ``form``; the caller answers "check your e-mail" whatever
    happened here."""
    data = form.cleaned_data
    now = timezone.now()
    SignupConfirmation.objects.filter(expires_at__lte=now).delete()  # housekeeping
    account = get_user_model().objects.filter(email__iexact=data["email"]).order_by("pk").first()
    if account is not None:
        _mail(
            to=data["email"],
            language=account.language,
            subject=_("You already have an account"),
            template="registration/signup_known_address_email.txt",
            context={
                "username": account.get_username(),
                "login_url": _site_url(reverse("login")),
                "reset_url": _site_url(reverse("password_reset")),
            },
        )
        return
    token, digest = new_token()
    unsaved = form.save(commit=False)  # not saved: it carries the hashed password
    SignupConfirmation.objects.create(
        email=data["email"],
        username=data["username"],
        first_name=data["first_name"],
        phone=data.get("phone", ""),
        password=unsaved.password,
        language=_language(language),
        token_hash=digest,
        expires_at=now + datetime.timedelta(hours=settings.SIGNUP_CONFIRMATION_HOURS),
    )
    _mail(
        to=data["email"],
        language=language,
        subject=_("Confirm your e-mail address"),
        template="registration/signup_confirm_email.txt",
        context={
            "username": data["username"],
            "confirm_url": _site_url(reverse("signup_confirm", args=[token])),
            "hours": settings.SIGNUP_CONFIRMATION_HOURS,
        },
    )


def pending_signup(token: str) -> SignupConfirmation | None:
    """The sign-up a link confirms, if it can still be confirmed."""
    return SignupConfirmation.objects.filter(
        token_hash=token_hash(token), expires_at__gt=timezone.now()
    ).first()


ADDRESS_HAS_ACCOUNT = _(
    "This address already has an account. Log in, or reset your password if you have forgotten it."
)
LINK_INVALID = _(
    "This link is no longer valid: it was used already, or it has expired. Sign up again, or "
    "log in if your account is ready."
)


@transaction.atomic
def signup_confirm(*, token: str):
    """Create the applicant account a confirmation link stands for and return it.

    The link works once. Who opens it has shown they read the address's mail, so only now may
    they hear that the address has an account meanwhile, or that the username was taken.
    """
    pending = (
        SignupConfirmation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    )
    if pending is None:
        raise conflict(LINK_INVALID)
    if pending.expires_at <= timezone.now():
        raise conflict(
            _("This link has expired. Sign up again; the new link works for %(hours)d hours.")
            % {"hours": settings.SIGNUP_CONFIRMATION_HOURS}
        )
    user_model = get_user_model()
    # Another sign-up with this address was confirmed first. (The unique constraint on e-mail
    # addresses decides a race; this early check only names the common case plainly.)
    if user_model.objects.filter(email__iexact=pending.email).exists():
        raise conflict(ADDRESS_HAS_ACCOUNT)
    user = user_model(
        username=pending.username,
        first_name=pending.first_name,
        email=pending.email,
        phone=pending.phone,
        language=pending.language,
        password=pending.password,
    )
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        if unique_violation(exc, user_model, "username"):
            raise invalid(
                "username",
                _("Someone took the username “%(username)s” meanwhile; sign up again with another.")
                % {"username": pending.username},
            ) from None
        if unique_violation(exc, user_model, "unique_user_email_ci"):
            raise conflict(ADDRESS_HAS_ACCOUNT) from None
        raise
    group, _created = Group.objects.get_or_create(name=Role.APPLICANT)
    user.groups.add(group)
    pending.delete()
    return user

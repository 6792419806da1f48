"""Applicant sign-up: anyone may create an applicant account, then register an organisation."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .db import unique_violation
from .errors import invalid
from .models import EMAIL_TAKEN
from .roles import Role


class SignupForm(UserCreationForm):
    first_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name", "email", "phone")

    def clean_email(self):
        # The early answer, next to the form's other errors; the constraint decides a race.
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(EMAIL_TAKEN)
        return email


@transaction.atomic
def applicant_signup(form: SignupForm):
    """Create the account in the ``applicant`` role, e-mailed in the language it signed up in.

    Someone signing up with the same username or address a moment earlier gets the form's own
    field error (a :class:`~cesi_cert.errors.DomainError`), decided by the unique constraints.
    """
    user = form.save(commit=False)
    if translation.get_language() in dict(settings.LANGUAGES):
        user.language = translation.get_language()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        User = get_user_model()
        if unique_violation(exc, User, "username"):
            taken = User._meta.get_field("username").error_messages["unique"]
            raise invalid("username", taken) from None
        if unique_violation(exc, User, "unique_user_email_ci"):
            raise invalid("email", EMAIL_TAKEN) from None
        raise
    group, _created = Group.objects.get_or_create(name=Role.APPLICANT)
    user.groups.add(group)
    return user

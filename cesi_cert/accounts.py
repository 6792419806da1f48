"""Applicant sign-up: anyone may create an applicant account, then register an organisation."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .roles import Role


class SignupForm(UserCreationForm):
    first_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name", "email", "phone")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail already exists."))
        return email


@transaction.atomic
def applicant_signup(form: SignupForm):
    """Create the account in the ``applicant`` role, e-mailed in the language it signed up in."""
    user = form.save(commit=False)
    if translation.get_language() in dict(settings.LANGUAGES):
        user.language = translation.get_language()
    user.save()
    group, _created = Group.objects.get_or_create(name=Role.APPLICANT)
    user.groups.add(group)
    return user

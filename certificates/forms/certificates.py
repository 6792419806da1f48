"""The forms of the certificate's transitions and of a reissue (admin, API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cesi_cert.limits import NOTE, SCOPE

from ..grounds import SuspensionGround, WithdrawalGround
from ..models import CertificateVersion


class SuspendForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground (§5.1.1)"), choices=SuspensionGround.choices)
    until = forms.DateField(
        label=_("Suspended until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "At most 6 months (§5.1.3); empty: the longest period. Ground f lasts until the "
            "licence decision and takes no date."
        ),
    )
    reason = forms.CharField(
        label=_("What was found"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReinstateForm(forms.Form):
    reason = forms.CharField(
        label=_("How the correction was verified"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class WithdrawForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground (§5.2.1)"), choices=WithdrawalGround.choices)
    reason = forms.CharField(
        label=_("What was found"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 4})
    )
    consent = forms.CharField(
        label=_("The organisation's consent"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed to withdraw a suspended certificate before its suspension period ends "
            "(§5.1.4): who agreed, when and how."
        ),
    )


REISSUE_CHOICES = [
    (k.value, k.label)
    for k in (
        CertificateVersion.Kind.NAME_ADDRESS,
        CertificateVersion.Kind.SCOPE,
        CertificateVersion.Kind.LEVEL,
        CertificateVersion.Kind.REDUCTION,
    )
]


class ReissueForm(forms.Form):
    kind = forms.ChoiceField(label=_("What changed"), choices=REISSUE_CHOICES)
    reason = forms.CharField(
        label=_("Reason"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    scope = forms.CharField(
        label=_("New scope"),
        required=False,
        max_length=SCOPE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Empty: the scope stays as printed."),
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: the sites stay as printed."),
    )
    level = forms.ChoiceField(label=_("New level"), required=False, choices=[])

    def __init__(self, *args, certificate=None, **kwargs):
        super().__init__(*args, **kwargs)
        from applications.models import Site

        self.fields["sites"].queryset = (
            Site.objects.filter(organization=certificate.organization)
            if certificate
            else Site.objects.none()
        )
        levels = certificate.scheme.level_choices() if certificate else []
        self.fields["level"].choices = [("", "—"), *levels]


class DocumentsReturnedForm(forms.Form):
    returned_on = forms.DateField(
        label=_("Returned on"), widget=forms.DateInput(attrs={"type": "date"})
    )

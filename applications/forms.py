"""Forms of the portal and of each application transition (shared by admin, portal and API)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cesi_cert.forms import IsoDateInput, KeepsUploadsMixin
from cesi_cert.limits import NOTE

from .models import Application, ApplicationDocument, DocumentKind, Organization, Site
from .services.checks import application_field_errors
from .services.organizations import ORGANIZATION_FIELDS, ORGANIZATION_FILES, organization_errors
from .validators import normalize_credit_code

# --- transition forms: the fields each transition takes ------------------------------------


class SubmitForm(forms.Form):
    reason = forms.CharField(
        label=_("Message to the reviewer"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RequestChangesForm(forms.Form):
    changes = forms.CharField(
        label=_("What must be completed or corrected"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    fresh_licence_required = forms.BooleanField(
        label=_("Ask for a fresh copy of the business licence"),
        required=False,
        help_text=_(
            "The licence on file with the organisation then no longer counts for this "
            "application until a fresh copy is uploaded to it."
        ),
    )


class AcceptForm(forms.Form):
    """§3.1.4 review findings."""

    requirements_clear = forms.BooleanField(
        label=_("The certification requirements are clear and agreed with the applicant"),
        required=False,
    )
    cb_capable = forms.BooleanField(
        label=_("The certification body is able to do the work (competence, scheme, capacity)"),
        required=False,
    )
    notes = forms.CharField(
        label=_("Review notes"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RejectForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons (sent to the applicant)"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )


class SignContractForm(forms.Form):
    number = forms.CharField(
        label=_("Contract number"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to number it from the application reference."),
    )
    signed_on = forms.DateField(
        label=_("Signed on"),
        initial=timezone.localdate,
        widget=IsoDateInput,
    )
    man_days = forms.DecimalField(
        label=_("Man-days"), max_digits=6, decimal_places=1, min_value=0.5
    )
    fee_quote = forms.DecimalField(
        label=_("Fee quote (CNY)"), max_digits=12, decimal_places=2, min_value=0
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContractAmendForm(forms.Form):
    signed_on = forms.DateField(
        label=_("Signed on"),
        initial=timezone.localdate,
        widget=IsoDateInput,
    )
    description = forms.CharField(
        label=_("What changes"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    man_days = forms.DecimalField(
        label=_("Man-days"), max_digits=6, decimal_places=1, min_value=0.5
    )
    fee_quote = forms.DecimalField(
        label=_("Fee quote (CNY)"), max_digits=12, decimal_places=2, min_value=0
    )


# --- portal forms -----------------------------------------------------------------------------


class OrganizationForm(KeepsUploadsMixin, forms.ModelForm):
    """An organisation's details and evidence (portal and admin), checked in one round: the
    form's own validation and the service's rules (:func:`organization_errors`) together, and a
    valid evidence file kept across rounds (``KeepsUploadsMixin``; pass ``uploader=``)."""

    keep_uploads = ORGANIZATION_FILES

    class Meta:
        model = Organization
        fields = [
            "name_zh",
            "name_en",
            "credit_code",
            "address_zh",
            "address_en",
            "applicant_type",
            "legal_status_evidence",
            "legal_status_valid_until",
            "part_of_legal_entity",
            "parent_entity_name",
            "independent_liability_evidence",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]
        widgets = {"applicant_type": forms.RadioSelect, "legal_status_valid_until": IsoDateInput}

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data["credit_code"])

    def clean(self):
        data = super().clean()
        fields = {k: v for k, v in self.service_fields().items() if k not in self.errors}
        stored = self.instance if self.instance.pk else None
        for field, messages in organization_errors(organization=stored, fields=fields).items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data

    def service_fields(self) -> dict:
        """What goes to ``organization_create``/``organization_update``: the values, and a file
        only when one is to be stored now (sent in this round or kept from an earlier one)."""
        data = {k: v for k, v in self.cleaned_data.items() if k in ORGANIZATION_FIELDS}
        return data | self.new_uploads

    def validate_unique(self):
        # The service reports a duplicate credit code with a friendlier message.
        pass

    def _get_validation_exclusions(self):
        # The code is checked once, by the service's rule in clean(), not again by the model.
        return {*super()._get_validation_exclusions(), "credit_code"}


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "address", "activities", "is_central"]
        widgets = {"activities": forms.Textarea(attrs={"rows": 3})}


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = [
            "scheme",
            "kind",
            "requested_level",
            "scope",
            "sites",
            "certificate",
        ]
        widgets = {
            "sites": forms.CheckboxSelectMultiple,
            "scope": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["sites"].queryset = organization.sites.all()
        self.fields["scheme"].queryset = self.fields["scheme"].queryset.filter(is_active=True)
        # Only this organisation's certificates are offered; another's id is "not one of the
        # available choices" (and the service refuses it again).
        certificate = self.fields["certificate"]
        certificate.queryset = certificate.queryset.filter(organization=organization).order_by(
            "number"
        )
        certificate.label_from_instance = lambda c: f"{c.number} · {c.get_state_display()}"
        levels = [("", _("— no level / not applicable —"))]
        from .models import Scheme

        for scheme in Scheme.objects.filter(is_active=True):
            levels += [(code, f"{scheme.name}: {label}") for code, label in scheme.level_choices()]
        self.fields["requested_level"] = forms.ChoiceField(
            label=_("Requested level"),
            choices=_dedupe(levels),
            required=False,
            help_text=_("Choose the level of the selected scheme, where it has levels."),
        )

    def clean(self):
        """The service's own check of the values (the kind's fields, a real scope …), so every
        error shows in one round, next to the form's own."""
        data = super().clean()
        instance = self.instance if self.instance.pk else None
        values = {
            name: data.get(name, getattr(instance, name, None))
            for name in (
                "scheme",
                "kind",
                "scope",
                "requested_level",
                "certificate",
            )
        }
        errors = application_field_errors(
            organization=self.organization, sites=data.get("sites"), **values
        )
        for field, messages in errors.items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data


def _dedupe(choices):
    seen, out = set(), []
    for code, label in choices:
        key = (code, label)
        if key not in seen:
            seen.add(key)
            out.append((code, label))
    return out


class DocumentForm(forms.ModelForm):
    class Meta:
        model = ApplicationDocument
        fields = ["kind", "file", "description"]

    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)


class DocumentReplaceForm(forms.Form):
    """A new version of a document; the one it replaces stays on record, marked superseded."""

    file = forms.FileField(label=_("New version"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class InviteForm(forms.Form):
    """Invite a colleague by e-mail (``services.membership_invite``); they accept to join."""

    email = forms.EmailField(
        label=_("Colleague's e-mail"),
        max_length=254,
        help_text=_(
            "We e-mail them a link. They accept with the applicant account that uses this "
            "address (or sign up with it first); until then they are not a member."
        ),
    )
    is_admin = forms.BooleanField(label=_("Can manage members"), required=False)

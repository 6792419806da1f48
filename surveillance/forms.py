"""Forms of notifications and cases: the portal's, the admin's and each transition's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Organization, Site
from cesi_cert.limits import NOTE, SCOPE

from .models import Case, ChangeRequest, OrganizationNotice
from .services.changes import ScopeChange


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (each is checked by the service, ``check_upload``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _attachments_field():
    return MultipleFileField(
        label=_("Attachments"),
        help_text=_("PDF, PNG, JPEG, DOCX or XLSX; the content is checked."),
    )


class LocalDateTimeInput(forms.DateTimeInput):
    """``<input type="datetime-local">``; the value is China time (the active time zone)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _occurred_field():
    return forms.DateTimeField(
        label=_("When it happened (China time)"),
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


class NoticeSubmitForm(forms.Form):
    """The portal's form: the organisation notifies an incident or change (§3.4.3)."""

    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    kind = forms.ChoiceField(
        label=_("What happened"),
        choices=OrganizationNotice.Kind.choices,
        widget=forms.RadioSelect,
    )
    occurred_at = _occurred_field()
    description = forms.CharField(
        label=_("Description"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 5})
    )
    special_reason = forms.CharField(
        label=_("Special reason for notifying later (a and b only)"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "§3.4.3: a and b are due within 48 hours; in a special case up to one week, "
            "with the reason recorded here."
        ),
    )
    attachments = _attachments_field()

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = organizations if organizations is not None else Organization.objects.none()
        self.fields["organization"].queryset = qs
        if qs.count() == 1:
            self.fields["organization"].initial = qs.get().pk
            self.fields["organization"].widget = forms.HiddenInput()


class NoticeOpenForm(forms.Form):
    """Staff record a situation learned elsewhere; the organisation must then notify it."""

    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.order_by("name_zh")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizationNotice.Kind.choices)
    occurred_at = _occurred_field()
    description = forms.CharField(
        label=_("Description"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 4})
    )
    source = forms.ChoiceField(
        label=_("How the certification body learned it"),
        choices=[c for c in OrganizationNotice.Source.choices if c[0] != "organization"],
    )
    source_note = forms.CharField(
        label=_("Note on the source"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attachments = _attachments_field()


class NotifyForm(forms.Form):
    """The organisation notifies one the certification body opened (the transition's fields; the
    API takes them as JSON)."""

    account = forms.CharField(
        label=_("Your account"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What happened or changed, its consequences and what you are doing."),
    )
    special_reason = NoticeSubmitForm.base_fields["special_reason"]


class NotifyWithFilesForm(NotifyForm):
    """The portal's notify form: the same fields and attachments."""

    attachments = _attachments_field()


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=OrganizationNotice.Decision.choices)
    reason = forms.CharField(
        label=_("Reason"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 4})
    )


class CaseOpenForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.order_by("name_zh")
    )
    proposal = forms.ChoiceField(label=_("Proposal"), choices=Case.Proposal.choices)
    ground = forms.ChoiceField(label=_("Ground"), choices=Case.Ground.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- change requests (§3.4.4) and scope reductions (§3.4.6) ---------------------------------


class MethodsForm(forms.Form):
    """认证业务部 chooses how the change is evaluated (§3.4.4)."""

    methods = forms.MultipleChoiceField(
        label=_("Evaluation methods"),
        choices=ChangeRequest.Method.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 4})
    )


def _certificate_field():
    from certificates.models import Certificate

    return forms.ModelChoiceField(label=_("Certificate"), queryset=Certificate.objects.none())


class _CertificateScopedForm(forms.Form):
    """A form whose certificate (and sites) are the user's organisations' own: another's id is
    "not a valid choice", never a hint."""

    def __init__(self, *args, certificates=None, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        from certificates.models import Certificate

        qs = certificates if certificates is not None else Certificate.objects.none()
        self.fields["certificate"].queryset = qs
        if "removed_sites" in self.fields:
            self.fields["removed_sites"].queryset = (
                sites if sites is not None else Site.objects.none()
            )


class ChangeRequestForm(_CertificateScopedForm):
    """The portal's "Request a change" form (§3.4.4)."""

    certificate = _certificate_field()
    kind = forms.ChoiceField(
        label=_("What changes"), choices=ChangeRequest.Kind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What changes, since when, and why."),
    )
    new_name_zh = forms.CharField(label=_("New name (Chinese)"), required=False, max_length=200)
    new_name_en = forms.CharField(label=_("New name (English)"), required=False, max_length=200)
    new_address_zh = forms.CharField(
        label=_("New registered address (Chinese)"), required=False, max_length=300
    )
    new_address_en = forms.CharField(
        label=_("New registered address (English)"), required=False, max_length=300
    )
    scope_change = forms.ChoiceField(
        label=_("For a scope change (2)"),
        choices=ScopeChange.CHOICES,
        initial=ScopeChange.REWORD,
        required=False,
    )
    new_scope = forms.CharField(
        label=_("New scope"),
        required=False,
        max_length=SCOPE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_level = forms.CharField(
        label=_("New level"),
        required=False,
        max_length=32,
        help_text=_("For a level change (4): the code of the scheme's level."),
    )
    attachments = _attachments_field()

    def clean_scope_change(self):
        return self.cleaned_data.get("scope_change") or ScopeChange.REWORD


class ScopeReductionForm(_CertificateScopedForm):
    """The portal's "Request a scope reduction" form (§3.4.6, 3.5.6.2 a)."""

    certificate = _certificate_field()
    removed_sites = forms.ModelMultipleChoiceField(
        label=_("Sites to remove"),
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_scope = forms.CharField(
        label=_("Narrower scope"),
        required=False,
        max_length=SCOPE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty when only sites are removed."),
    )
    reason = forms.CharField(
        label=_("Reasons"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(
        label=_("Evidence"),
        help_text=_("Required: PDF, PNG, JPEG, DOCX or XLSX; the content is checked."),
    )


class ScopeReductionOpenForm(ScopeReductionForm):
    """Staff open a reduction for a nonconformity in part of the scope (3.5.6.1 a)."""

    attachments = _attachments_field()

    def __init__(self, *args, **kwargs):
        from certificates.models import Certificate

        kwargs.setdefault(
            "certificates", Certificate.objects.filter(state__in=Certificate.HELD_STATES)
        )
        kwargs.setdefault("sites", Site.objects.all())
        super().__init__(*args, **kwargs)


class CombineExtensionForm(forms.Form):
    """§3.5.5.2 d: the extension evaluation that serves as the cycle's surveillance."""

    evaluation = forms.ModelChoiceField(
        label=_("Scope extension evaluation"),
        queryset=None,
        help_text=_("Its grant satisfies this cycle and replaces the certificate."),
    )

    def __init__(self, *args, cycle=None, **kwargs):
        from evaluations.models import Evaluation

        super().__init__(*args, **kwargs)
        self.fields["evaluation"].queryset = (
            Evaluation.objects.filter(
                kind=Evaluation.Kind.EXTENSION,
                application__certificate_id=cycle.certificate_id,
            )
            .exclude(state__in=Evaluation.FINAL_STATES)
            .order_by("-pk")
            if cycle
            else Evaluation.objects.none()
        )

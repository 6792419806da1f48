"""Forms of notifications and cases: the portal's, the admin's and each transition's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Organization, Site
from certificates.grounds import SuspensionGround, WithdrawalGround
from certificates.models import Certificate
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
    certificate = forms.ModelChoiceField(
        label=_("Certificate concerned"),
        queryset=Certificate.objects.none(),
        required=False,
        help_text=_("Your organisation holds several certificates: choose the one concerned."),
    )
    attachments = _attachments_field()

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = organizations if organizations is not None else Organization.objects.none()
        self.fields["organization"].queryset = qs
        if qs.count() == 1:
            self.fields["organization"].initial = qs.get().pk
            self.fields["organization"].widget = forms.HiddenInput()
        # Only the organisations' own held certificates: another's id is "not a valid choice".
        held = Certificate.objects.filter(
            organization__in=qs, state__in=Certificate.HELD_STATES
        ).order_by("number")
        self.fields["certificate"].queryset = held
        if held.count() <= 1:
            del self.fields["certificate"]  # none, or the only one is taken by the service

    def clean(self):
        cleaned = super().clean()
        certificate, organization = cleaned.get("certificate"), cleaned.get("organization")
        if certificate and organization and certificate.organization_id != organization.pk:
            self.add_error("certificate", _("Choose one of the organisation's own certificates."))
        return cleaned


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
    certificate = forms.ModelChoiceField(
        label=_("Certificate concerned"),
        queryset=Certificate.objects.filter(state__in=Certificate.HELD_STATES).order_by("number"),
        required=False,
        help_text=_("Empty: the organisation's only valid or suspended certificate, if one."),
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
    certificate = forms.ModelChoiceField(
        label=_("Certificate"),
        queryset=Certificate.objects.order_by("number"),
        required=False,
        help_text=_("Needed to accept a proposal to suspend or withdraw."),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # §3.4.4 (4): the levels of the schemes the organisation holds, by name — never a code
        # to type.
        levels, seen = [("", _("— not a level change —"))], set()
        certificates = self.fields["certificate"].queryset.select_related("scheme")
        schemes = {c.scheme_id: c.scheme for c in certificates}
        for scheme in schemes.values():
            for code, label in scheme.level_choices():
                if (code, label) not in seen:
                    seen.add((code, label))
                    levels.append((code, f"{scheme.name}: {label}"))
        self.fields["new_level"] = forms.ChoiceField(
            label=_("New level"),
            choices=levels,
            required=False,
            help_text=_("For a level change (4): a level of the certificate's scheme."),
        )

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


def _certificate_ground_choices():
    return [
        ("", "---------"),
        (_("Suspension (§5.1.1)"), [(f"suspension:{v}", n) for v, n in SuspensionGround.choices]),
        (_("Withdrawal (§5.2.1)"), [(f"withdrawal:{v}", n) for v, n in WithdrawalGround.choices]),
    ]


class CaseAcceptForm(forms.Form):
    """Accept a case: the fields the action on the certificate needs (§5)."""

    reason = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    until = forms.DateField(
        label=_("Suspended until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A suspension only: at most 6 months (§5.1.3); empty: the maximum."),
    )
    certificate_ground = forms.ChoiceField(
        label=_("Ground on the certificate"),
        required=False,
        choices=_certificate_ground_choices,
        help_text=_(
            "Only when the case's ground is not itself a ground of §5.1.1 or §5.2.1 "
            "(a notification, another ground)."
        ),
    )
    consent = forms.CharField(
        label=_("The organisation's consent"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "A withdrawal of a suspended certificate before its period ends: record the "
            "organisation's consent (§5.1.4)."
        ),
    )


class RequirementChangeForm(forms.Form):
    """认证业务部 drafts a change of requirements (§3.4.7)."""

    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 5})
    )
    effective_on = forms.DateField(
        label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    verify_by = forms.DateField(
        label=_("Conformity to be verified by"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        from applications.models import Scheme

        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = Scheme.objects.all()


class ConfirmConformityForm(forms.Form):
    """The organisation declares it meets the changed requirements (§3.4.7)."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you changed to meet the new requirements."),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, PNG, JPEG, DOCX or XLSX; the content is checked."),
    )


class RefuseRequirementsForm(forms.Form):
    note = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "§5.2.1 i: not meeting the new requirements leads to the withdrawal of the certificate."
        ),
    )


class ExtraSurveillanceForm(forms.Form):
    """§3.4.2 special cases: an extra surveillance evaluation outside the cycle."""

    certificate = forms.ModelChoiceField(
        label=_("Certificate"),
        queryset=Certificate.objects.filter(state__in=Certificate.HELD_STATES).order_by("number"),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label=_("Due by"), widget=forms.DateInput(attrs={"type": "date"}))

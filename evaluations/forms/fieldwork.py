"""Fields of the evaluation's work: an activity's result, evidence with photos, subcontracted
assessments. Each form gives exactly what its service takes; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import EvaluationMode, Site
from cesi_cert.forms import IsoDateInput
from cesi_cert.limits import NOTE

from ..models import Activity, Evidence


def _text(label, *, required=True, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class _EvaluationChoicesMixin:
    """Narrow the site (and activity) choices to one evaluation's. Without an evaluation the
    form only validates ids (the services check they belong to the evaluation); it is never
    rendered that way, so no other organisation's sites are listed."""

    def narrow(self, evaluation) -> None:
        if evaluation is None:
            return
        if "site" in self.fields:
            self.fields["site"].queryset = evaluation.sites.all()
        if "activity" in self.fields:
            self.fields["activity"].queryset = evaluation.activities.all()


class ActivityResultForm(_EvaluationChoicesMixin, forms.Form):
    """§3.2.3: the result of one evaluation activity, with an optional evidence file."""

    result = forms.ChoiceField(label=_("Result"), choices=Activity.Result.choices)
    findings = _text(
        _("Findings"),
        required=False,
        rows=4,
        help_text=_("Required unless it conforms: what was found, or why it does not apply."),
    )
    performed_on = forms.DateField(
        label=_("Done on"), required=False, widget=IsoDateInput, help_text=_("Empty: today.")
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.all(), required=False)
    file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("A test report, survey results or a scanned record (PDF, image, Word, Excel)."),
    )

    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow(activity.evaluation if activity else None)


class MultipleImageInput(forms.ClearableFileInput):
    """The phone's camera: ``accept="image/*" capture="environment"`` opens the back camera."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__(
            {"accept": "image/*", "capture": "environment", "multiple": True, **(attrs or {})}
        )


class MultipleImageField(forms.FileField):
    """Zero or more uploaded files (checked to be photos by the service)."""

    widget = MultipleImageInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class EvidenceForm(_EvaluationChoicesMixin, forms.Form):
    """§3.3.2.2 2: the quick evidence form of the auditor workspace (on a phone or tablet)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Evidence.Kind.choices)
    text = _text(_("What was found"), rows=4)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.all(), required=False)
    activity = forms.ModelChoiceField(
        label=_("Activity"), queryset=Activity.objects.all(), required=False
    )
    photos = MultipleImageField(
        label=_("Photos"),
        required=False,
        help_text=_("Take photos with the camera (JPEG, PNG or WebP)."),
    )

    def __init__(self, *args, evaluation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow(evaluation)


class SubcontractRequestForm(forms.Form):
    """§3.3.2.1: what is subcontracted, to whom, and when its report is due."""

    subcontractor = forms.CharField(label=_("Subcontracted body"), max_length=200)
    subcontractor_qualification = _text(
        _("Its qualification"),
        required=False,
        rows=2,
        help_text=_("Accreditation, recognition or other basis for using it."),
    )
    mode = forms.ChoiceField(label=_("Activity subcontracted"), choices=EvaluationMode.choices)
    scope = _text(_("What exactly is subcontracted"), required=False, rows=2)
    due_on = forms.DateField(label=_("Report due"), widget=IsoDateInput)


class SubcontractReceiveForm(forms.Form):
    report = forms.FileField(label=_("Report of the subcontracted body"))
    summary = _text(_("Summary of its results"), required=False)

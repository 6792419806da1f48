"""The fields of each execution transition (shared by the workspace, portal, admin and API) and
the auditor's quick nonconformity form. Each form gives exactly what its service takes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cesi_cert.forms import IsoDateInput
from cesi_cert.limits import NOTE

from ..models import Evaluation, Nonconformity


def _text(label, *, required=True, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class RectificationForm(forms.Form):
    """§3.2.2: what the documents lack and when the corrected ones are due."""

    findings = _text(_("Findings of the document review"), rows=5)
    due_on = forms.DateField(label=_("Corrected documents due"), widget=IsoDateInput)


class ResubmitForm(forms.Form):
    note = _text(_("Note to the team leader"), required=False)


class OpeningMeetingForm(forms.Form):
    """§3.3.2.2 1: the opening meeting."""

    attendees = _text(_("Attendees"), required=False, rows=2)
    restricted_areas = _text(_("Restricted areas"), required=False, rows=2)
    plan_confirmed = forms.BooleanField(
        label=_("The evaluation plan is confirmed with the organisation"), required=False
    )
    stopping_conditions = _text(
        _("Conditions that would stop the evaluation"),
        required=False,
        rows=2,
        help_text=_("As told to the organisation at the meeting (§3.3.2.2 1)."),
    )


class _ConclusionFields(forms.Form):
    attendees = _text(
        _("Attendees of the closing meeting"),
        required=False,
        rows=2,
        help_text=_("When the visit closes now (§3.3.2.2 4)."),
    )
    notes = _text(_("Notes on the conclusion"), required=False)
    disagreement = _text(
        _("The organisation's disagreement, if any"),
        required=False,
        help_text=_("Recorded and reported; the team leader's conclusion stands (§3.3.2.2 5)."),
    )


class CloseOnSiteForm(_ConclusionFields):
    """§3.3.2.2 4: the closing meeting when corrective actions must be verified first."""

    conclusion = forms.ChoiceField(
        label=_("Conclusion"),
        choices=[
            (Evaluation.Conclusion.AFTER_CORRECTIONS, Evaluation.Conclusion.AFTER_CORRECTIONS.label)
        ],
        initial=Evaluation.Conclusion.AFTER_CORRECTIONS,
    )
    field_order = ["conclusion", "attendees", "notes", "disagreement"]


class SubmitReportForm(_ConclusionFields):
    conclusion = forms.ChoiceField(
        label=_("Conclusion"),
        required=False,
        choices=[("", "—"), *Evaluation.Conclusion.choices],
        help_text=_(
            "From the visit: recommend or do not recommend. After corrective actions, leave it."
        ),
    )
    field_order = ["conclusion", "attendees", "notes", "disagreement"]


class AnswerForm(forms.Form):
    """§3.3.2.2 5: the organisation's answer to a nonconformity."""

    correction = _text(_("Correction"))
    root_cause = _text(_("Root cause"))
    corrective_action = _text(_("Corrective action"))


class VerifyForm(forms.Form):
    verification = forms.ChoiceField(
        label=_("How it was verified"), choices=Nonconformity.Verification.choices
    )


class RaiseNonconformityForm(forms.Form):
    """The quick form of the auditor workspace (on site, on a phone)."""

    clause = forms.CharField(label=_("Clause of the standard"), max_length=100)
    grade = forms.ChoiceField(label=_("Grade"), choices=Nonconformity.Grade.choices)
    description = _text(_("Description"))
    evidence = _text(_("Objective evidence"), required=False)
    due_on = forms.DateField(
        label=_("Answer due"),
        required=False,
        widget=IsoDateInput,
        help_text=_("Empty: the usual time for its grade."),
    )

"""The fields of the decision transitions (workspace, admin and API alike)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cesi_cert.limits import NOTE

from ..models import Condition, VoteChoice


class ConfirmConditionForm(forms.Form):
    condition = forms.ChoiceField(label=_("Condition (§3.3)"), choices=Condition.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What in the dossier shows it, if worth saying."),
    )


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"), choices=VoteChoice.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you reject: the refusal notice gives the reasons."),
    )


class RefusalNoticeForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons the organisation is not certified"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Printed in the written notice (§3.3); the unmet conditions are listed too."),
    )


class NewDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the decision is made again"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

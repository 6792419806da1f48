"""Schemes of 附录 2: reference data staff may correct."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cesi_cert.admin_tools import HistoryWithoutRevertMixin

from ..models import EvaluationMode, Scheme


class SchemeAdminForm(forms.ModelForm):
    evaluation_modes = forms.MultipleChoiceField(
        label=_("evaluation modes"),
        choices=EvaluationMode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The evaluation activities this scheme uses (§3.2.3)."),
    )

    class Meta:
        model = Scheme
        fields = (
            "code",
            "name_zh",
            "name_en",
            "is_active",
            "standards",
            "implementation_rule",
            "levels",
            "evaluation_modes",
            "validity_years",
            "surveillance_interval_months",
            "base_man_days",
        )
        help_texts = {
            "levels": _(
                'A JSON list, one object per level: {"code": "3", "name_zh": "…", "name_en": "…", '
                '"min_score": 80} (min_score only where a score decides the level). '
                "Leave [] for a scheme without levels."
            ),
        }

    def clean_levels(self):
        levels = self.cleaned_data.get("levels") or []
        if not isinstance(levels, list):
            raise ValidationError(_("Write the levels as a JSON list of objects."))
        codes = set()
        for n, level in enumerate(levels, start=1):
            if not isinstance(level, dict) or not all(
                str(level.get(key) or "").strip() for key in ("code", "name_zh", "name_en")
            ):
                raise ValidationError(
                    _("Level %(n)s needs a code, a Chinese name and an English name.") % {"n": n}
                )
            score = level.get("min_score")
            if score is not None and (
                isinstance(score, bool) or not isinstance(score, int | float)
            ):
                raise ValidationError(
                    _("The min_score of level %(n)s must be a number.") % {"n": n}
                )
            code = str(level["code"])
            if code in codes:
                raise ValidationError(_("Level code “%(code)s” is used twice.") % {"code": code})
            codes.add(code)
        return levels


@admin.register(Scheme)
class SchemeAdmin(HistoryWithoutRevertMixin, SimpleHistoryAdmin):
    form = SchemeAdminForm
    list_display = (
        "code",
        "name_zh",
        "name_en",
        "standards",
        "validity_years",
        "surveillance_interval_months",
        "base_man_days",
        "is_active",
    )
    list_filter = ("is_active",)
    search_fields = ("code", "name_zh", "name_en", "standards")
    fieldsets = (
        (None, {"fields": ("code", "name_zh", "name_en", "is_active")}),
        (
            _("Requirements"),
            {"fields": ("standards", "implementation_rule", "levels", "evaluation_modes")},
        ),
        (
            _("Certificate and effort"),
            {"fields": ("validity_years", "surveillance_interval_months", "base_man_days")},
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # The code is part of the public API (`scheme` by code); it never changes once used.
        return ("code",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False  # applications refer to it; close it with "open for applications" instead

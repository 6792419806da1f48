"""Contracts (§3.1.4): recorded by the "sign contract" action, changed only by amendments."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cesi_cert.admin_tools import (
    HistoryWithoutRevertMixin,
    ObjectAction,
    ObjectActionsMixin,
    ReadOnlyInlineMixin,
    ServiceOnlyAdminMixin,
)

from .. import forms as app_forms
from .. import permissions, services
from ..models import Contract, ContractAmendment


class ContractInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = Contract
    verbose_name_plural = _("contract")
    fields = (
        "contract_link",
        "signed_on",
        "man_days",
        "fee_quote",
        "notes",
        "signed_by",
        "amendment_list",
    )

    @admin.display(description=_("contract number"))
    def contract_link(self, contract):
        url = reverse(f"{self.admin_site.name}:applications_contract_change", args=[contract.pk])
        return format_html('<a href="{}">{}</a>', url, contract.number)

    @admin.display(description=_("amendments"))
    def amendment_list(self, contract):
        return _amendment_list(contract)


def _amendment_list(contract):
    rows = list(contract.amendments.all())
    if not rows:
        return _("none")
    line = _(
        "No. %(n)s, signed %(date)s: %(what)s (man-days %(days_before)s → %(days_after)s, "
        "fee %(fee_before)s → %(fee_after)s CNY)"
    )
    items = (
        (
            line
            % {
                "n": a.sequence,
                "date": date_format(a.signed_on),
                "what": a.description,
                "days_before": a.man_days_before,
                "days_after": a.man_days_after,
                "fee_before": a.fee_quote_before,
                "fee_after": a.fee_quote_after,
            },
        )
        for a in rows
    )
    return format_html("<ol>{}</ol>", format_html_join("", "<li>{}</li>", items))


class AmendmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ContractAmendment
    fields = (
        "sequence",
        "signed_on",
        "description",
        "man_days_change",
        "fee_change",
        "recorded_by",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    @admin.display(description=_("man-days (before → after)"))
    def man_days_change(self, amendment):
        return f"{amendment.man_days_before} → {amendment.man_days_after}"

    @admin.display(description=_("fee quote in CNY (before → after)"))
    def fee_change(self, amendment):
        return f"{amendment.fee_quote_before} → {amendment.fee_quote_after}"

    @admin.display(description=_("recorded by"))
    def recorded_by(self, amendment):
        return amendment.created_by


@admin.register(Contract)
class ContractAdmin(
    ServiceOnlyAdminMixin, ObjectActionsMixin, HistoryWithoutRevertMixin, SimpleHistoryAdmin
):
    """Contracts are recorded by the "sign contract" action and changed only by amendments."""

    change_form_template = "admin/applications/contract/change_form.html"
    object_actions = (
        ObjectAction(
            name="amend",
            route="amend",
            title=_("Record an amendment"),
            form_class=app_forms.ContractAmendForm,
            allowed=permissions.can_amend_contract,
            perform=lambda contract, by, data: services.contract_amend(
                contract=contract, by=by, **data
            ),
            success=lambda contract, amendment: (
                _("Amendment %(n)s to contract %(number)s is recorded.")
                % {"n": amendment.sequence, "number": contract.number}
            ),
            refused=_("You are not allowed to amend contracts."),
            help_text=_(
                "The contract's man-days and fee become the amended values; the previous ones are "
                "kept with the amendment, numbered 1, 2, … in order."
            ),
        ),
    )
    list_display = (
        "number",
        "application",
        "organization",
        "signed_on",
        "man_days",
        "fee_quote",
        "amendment_count",
    )
    search_fields = (
        "number",
        "application__reference",
        "application__organization__name_zh",
        "application__organization__name_en",
        "application__organization__credit_code",
    )
    date_hierarchy = "signed_on"
    list_select_related = ("application__organization",)
    fields = ("number", "application", "signed_on", "man_days", "fee_quote", "notes", "signed_by")
    readonly_fields = fields
    inlines = (AmendmentInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(amendments_total=Count("amendments"))

    @admin.display(description=_("organisation"), ordering="application__organization__name_zh")
    def organization(self, contract):
        return contract.application.organization

    @admin.display(description=_("amendments"), ordering="amendments_total")
    def amendment_count(self, contract):
        return contract.amendments_total

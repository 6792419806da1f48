"""Certificates in the admin: transition buttons (suspend, reinstate, withdraw with a ground
picker), a reissue action, the versions with their PDFs, the status changes with their notices,
and the month's regulator report (§5.3)."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cesi_cert.admin_tools import (
    HistoryWithoutRevertMixin,
    ObjectAction,
    ObjectActionsMixin,
    ReadOnlyInlineMixin,
    ServiceOnlyAdminMixin,
    TransitionAdminMixin,
)
from cesi_cert.pdf import PdfUnavailable

from .. import permissions, services
from ..actions import CERTIFICATE_ACTIONS
from ..downloads import notice_pdf_response, version_pdf_response
from ..exports import status_change_report
from ..forms import DocumentsReturnedForm, ReissueForm
from ..models import Certificate, CertificateVersion, StatusChange

REISSUE = ObjectAction(
    name="reissue",
    route="reissue",
    title=_("Reissue the certificate"),
    form_class=ReissueForm,
    form_kwargs=lambda cert, request: {"certificate": cert},
    allowed=lambda user, cert: permissions.can_manage(user) and cert.is_held,
    may_ever=lambda user, cert: permissions.can_manage(user),
    perform=lambda cert, by, data: services.certificate_reissue(
        certificate=cert,
        by=by,
        reason=data["reason"],
        kind=data["kind"],
        scope=data.get("scope") or None,
        sites=list(data.get("sites") or []) or None,
        level=data.get("level") or None,
    ),
    success=lambda cert, version: (
        _("Version %(n)s issued; the earlier versions stay on record.") % {"n": version.sequence}
    ),
    refused=_("Only a valid or suspended certificate is reissued."),
    help_text=_(
        "A new version with the same registration number and validity (a reduction, §3.4.6, "
        "keeps both); the PDFs are made once and stored."
    ),
    submit_label=_("Reissue"),
)


class VersionInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = CertificateVersion
    fields = ("sequence", "kind", "issued_on", "expires_on", "level_name", "reason", "pdfs")
    ordering = ("-sequence",)

    @admin.display(description=_("level"))
    def level_name(self, version):
        """The level as printed, in the reader's language (not the scheme's code)."""
        name = version.level_name_en if get_language() == "en" else version.level_name_zh
        return name or version.level or "—"

    @admin.display(description=_("PDF"))
    def pdfs(self, version):
        return format_html_join(
            " · ",
            '<a href="{}" data-testid="admin-pdf-{}">{}</a>',
            (
                (
                    reverse(
                        "admin:certificates_certificate_pdf",
                        args=[version.certificate_id, version.sequence, lang],
                    ),
                    lang,
                    label,
                )
                for lang, label in (("zh-hans", _("Chinese")), ("en", _("English")))
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class StatusChangeInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = StatusChange
    fields = ("kind", "ground", "effective_on", "suspended_until", "documents_returned_on", "link")
    ordering = ("-created_at",)

    @admin.display(description=_("status change"))
    def link(self, change):
        url = reverse("admin:certificates_statuschange_change", args=[change.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))

    def get_readonly_fields(self, request, obj=None):
        return self.fields


@admin.register(Certificate)
class CertificateAdmin(
    ObjectActionsMixin, ServiceOnlyAdminMixin, TransitionAdminMixin, SimpleHistoryAdmin
):
    action_set = CERTIFICATE_ACTIONS
    object_actions = (REISSUE,)
    change_form_template = "admin/certificates/certificate/change_form.html"
    view_on_site = False
    list_display = ("number", "organization_name", "scheme", "state", "expires_on")
    list_filter = ("state", "scheme")
    search_fields = ("number", "organization_name", "credit_code")
    list_select_related = ("scheme",)
    inlines = (VersionInline, StatusChangeInline)
    fields = (
        "number",
        "oid",
        "organization",
        "scheme",
        "state",
        "first_issued_on",
        "expires_on",
        "suspended_on",
        "suspended_until",
        "suspension_ground",
        "withdrawn_on",
        "withdrawal_ground",
        "verify_link",
    )
    readonly_fields = fields

    @admin.display(description=_("public verification"))
    def verify_link(self, cert):
        url = cert.get_verify_url()
        return format_html('<a href="{}">{}</a>', url, url)

    def get_urls(self):
        return [
            path(
                "<int:pk>/pdf/<int:sequence>/<str:language>/",
                self.admin_site.admin_view(self.pdf_view),
                name="certificates_certificate_pdf",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk, sequence, language):
        cert = self.get_object(request, str(pk))
        if cert is None or not self.has_view_permission(request, cert):
            raise Http404
        version = cert.versions.filter(sequence=sequence).first()
        if version is None:
            raise Http404
        try:
            return version_pdf_response(version, language)
        except PdfUnavailable as exc:
            return render(request, "503.html", {"message": str(exc)}, status=503)


DOCUMENTS_RETURNED = ObjectAction(
    name="documents_returned",
    route="documents-returned",
    title=_("Record the return of the certificate documents"),
    form_class=DocumentsReturnedForm,
    form_kwargs=lambda change, request: {"initial": {"returned_on": timezone.localdate()}},
    allowed=lambda user, change: (
        permissions.can_manage(user)
        and change.kind == StatusChange.Kind.WITHDRAWAL
        and change.documents_returned_on is None
    ),
    may_ever=lambda user, change: permissions.can_manage(user),
    perform=lambda change, by, data: services.status_change_documents_returned(
        status_change=change, by=by, returned_on=data["returned_on"]
    ),
    success=lambda change, result: _("The return of the documents is recorded (§5.2.2)."),
    refused=_("Only a withdrawal whose documents are not yet back takes this."),
    submit_label=_("Record"),
)


def _last_month(today: datetime.date) -> tuple[int, int]:
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


@admin.register(StatusChange)
class StatusChangeAdmin(
    ObjectActionsMixin, ServiceOnlyAdminMixin, HistoryWithoutRevertMixin, SimpleHistoryAdmin
):
    object_actions = (DOCUMENTS_RETURNED,)
    change_form_template = "admin/certificates/statuschange/change_form.html"
    change_list_template = "admin/certificates/statuschange/change_list.html"
    list_display = ("certificate", "kind", "ground", "effective_on", "documents_returned_on")
    list_filter = ("kind",)
    date_hierarchy = "effective_on"
    search_fields = ("certificate__number", "certificate__organization_name")
    list_select_related = ("certificate",)
    fields = (
        "certificate",
        "kind",
        "ground_text",
        "effective_on",
        "suspended_until",
        "until_licence_decision",
        "reason",
        "organization_consent",
        "documents_returned_on",
        "notice_link",
        "created_by",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description=_("ground"))
    def ground_text(self, change):
        return change.ground_label() or "—"

    @admin.display(description=_("notice (PDF)"))
    def notice_link(self, change):
        if change.kind == StatusChange.Kind.EXPIRY:
            return "—"
        url = reverse("admin:certificates_statuschange_notice", args=[change.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="certificates_statuschange_export",
            ),
            path(
                "<int:pk>/notice/",
                self.admin_site.admin_view(self.notice_view),
                name="certificates_statuschange_notice",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """``?month=YYYY-MM`` (default last month) ``&format=csv|xlsx``: the regulator report."""
        if not self.has_view_permission(request):
            raise Http404
        year, month = _last_month(timezone.localdate())
        raw = request.GET.get("month", "")
        if raw:
            try:
                parsed = datetime.datetime.strptime(raw, "%Y-%m")
            except ValueError:
                raise Http404 from None
            year, month = parsed.year, parsed.month
        fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
        return status_change_report(year, month, fmt)

    def notice_view(self, request, pk):
        change = self.get_object(request, str(pk))
        if change is None or not self.has_view_permission(request, change):
            raise Http404
        try:
            return notice_pdf_response(change)
        except PdfUnavailable as exc:
            return render(request, "503.html", {"message": str(exc)}, status=503)

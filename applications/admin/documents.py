"""Application materials: read-only, downloaded through the permission-checked view."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cesi_cert.admin_tools import (
    HistoryWithoutRevertMixin,
    ReadOnlyInlineMixin,
    ServiceOnlyAdminMixin,
)
from cesi_cert.errors import DomainError

from .. import permissions, selectors, services
from ..models import ApplicationDocument, DocumentKind


def _download_link(document: ApplicationDocument):
    return format_html('<a href="{}">{}</a>', document.get_download_url(), _("Download"))


class DocumentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ApplicationDocument
    fields = (
        "kind",
        "original_name",
        "description",
        "size_display",
        "uploader",
        "uploaded_at",
        "published",
        "version",
        "download",
    )
    show_change_link = True
    verbose_name_plural = _("materials and documents")

    def get_queryset(self, request):
        # Every version, superseded ones included: staff keep what was handed in.
        return super().get_queryset(request).select_related("uploaded_by", "previous_version")

    @admin.display(description=_("size"))
    def size_display(self, doc):
        return filesizeformat(doc.size)

    @admin.display(description=_("uploaded by"))
    def uploader(self, doc):
        return doc.uploaded_by

    @admin.display(description=_("version"))
    def version(self, doc):
        return _version_display(doc)

    @admin.display(description=_("file"))
    def download(self, doc):
        return _download_link(doc)


def _version_display(doc: ApplicationDocument):
    """Current or superseded (with when), and which file a new version replaces."""
    if doc.superseded_at:
        text = format_html(
            '<strong class="cesi-superseded">{}</strong>',
            _("Superseded on %(date)s")
            % {"date": date_format(timezone.localtime(doc.superseded_at), "Y-m-d H:i")},
        )
    else:
        text = _("Current")
    if doc.previous_version_id:
        text = format_html(
            "{}<br>{}",
            text,
            _("replaces “%(name)s”") % {"name": doc.previous_version.original_name},
        )
    return text


class StaffDocumentForm(forms.Form):
    """A document the CB adds to an application (kept internal unless published)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    published = forms.BooleanField(
        label=_("Visible to the applicant"),
        required=False,
        help_text=_("A CB document stays internal until it is published to the organisation."),
    )


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(
    ServiceOnlyAdminMixin, HistoryWithoutRevertMixin, SimpleHistoryAdmin
):
    list_display = (
        "original_name",
        "kind",
        "application_link",
        "uploader",
        "uploaded_at",
        "published",
        "download",
    )
    list_filter = ("kind", "published")
    search_fields = (
        "original_name",
        "description",
        "application__reference",
        "application__organization__name_zh",
        "application__organization__name_en",
    )
    date_hierarchy = "uploaded_at"
    list_select_related = ("application__organization", "uploaded_by")
    fields = (
        "application_link",
        "kind",
        "original_name",
        "description",
        "download",
        "file_type",
        "size_display",
        "checksum",
        "uploader",
        "uploaded_at",
        "published",
        "version",
    )
    readonly_fields = fields
    actions = ["publish"]

    def get_queryset(self, request):
        return selectors.documents_for(request.user)

    def has_publish_permission(self, request):
        return permissions.can_review(request.user)

    @admin.action(
        description=_("Publish the selected documents to the applicant"),
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        """One service call per document (never ``queryset.update``: history and notices)."""
        published = 0
        for document in queryset.filter(published=False):
            try:
                services.document_publish(document=document, by=request.user)
            except DomainError as err:
                self.message_user(request, err.message, messages.ERROR)
                return
            published += 1
        self.message_user(
            request,
            _("%(n)d document(s) published to the applicant.") % {"n": published},
            messages.SUCCESS,
        )

    @admin.display(description=_("application"), ordering="application__reference")
    def application_link(self, doc):
        url = reverse(
            f"{self.admin_site.name}:applications_application_change", args=[doc.application_id]
        )
        return format_html('<a href="{}">{}</a>', url, doc.application)

    @admin.display(description=_("uploaded by"), ordering="uploaded_by__username")
    def uploader(self, doc):
        return doc.uploaded_by

    @admin.display(description=_("version"))
    def version(self, doc):
        return _version_display(doc)

    @admin.display(description=_("file type"))
    def file_type(self, doc):
        return doc.content_type

    @admin.display(description=_("SHA-256 checksum"))
    def checksum(self, doc):
        return doc.sha256

    @admin.display(description=_("size"))
    def size_display(self, doc):
        return filesizeformat(doc.size)

    @admin.display(description=_("file"))
    def download(self, doc):
        return _download_link(doc)

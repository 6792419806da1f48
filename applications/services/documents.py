"""Application materials and CB documents: upload, remove, publish."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cesi_cert.errors import DomainError, conflict, forbidden, invalid
from cesi_cert.files import check_upload
from cesi_cert.notifications import notify
from cesi_cert.transitions import lock

from .. import notices, permissions
from ..models import (
    Application,
    ApplicationDocument,
    DocumentKind,
)
from ._common import members


@transaction.atomic
def document_upload(
    *,
    application: Application,
    by,
    kind: str,
    file,
    description: str = "",
    published: bool | None = None,
) -> ApplicationDocument:
    """Attach material to an application after checking size, type and content."""
    app = lock(application)
    if not permissions.can_ever_upload_document(by, app):
        raise forbidden(_("Your role cannot add materials to this application."))
    if not permissions.can_upload_document(by, app):
        raise DomainError(
            _(
                "Materials can be added only while the application is a draft or changes are requested."
            ),
            code=DomainError.CONFLICT,
        )
    checked = check_upload(file, field="file")
    if kind not in DocumentKind.values:
        raise invalid("kind", _("Choose what kind of document this is."))
    applicant_upload = permissions.is_member(by, app.organization)
    file.name = f"upload.{checked.extension}"
    doc = ApplicationDocument(
        application=app,
        kind=kind,
        file=file,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        description=description,
        uploaded_by=by,
        # What the applicant sends is theirs to see; a CB document stays internal until published.
        published=True if applicant_upload else bool(published),
    )
    doc._history_user = by
    doc.save()
    _fresh_licence_received(app, doc, by)
    return doc


def _fresh_licence_received(app: Application, doc: ApplicationDocument, by) -> None:
    """A licence uploaded to the application answers the clerk's request for a fresh copy."""
    if doc.kind == DocumentKind.LEGAL_STATUS and app.fresh_licence_required:
        app.fresh_licence_required = False
        app._history_user = by
        app._change_reason = "fresh business licence uploaded"
        app.save(update_fields=["fresh_licence_required"])


@transaction.atomic
def document_replace(
    *, document: ApplicationDocument, by, file, description: str | None = None
) -> ApplicationDocument:
    """Upload a new version of ``document``; the old one stays, marked superseded.

    A handed-in file is never deleted (the certification body may have reviewed it): this is
    how it is corrected. The new version takes the old one's kind, and its description unless
    one is given.
    """
    app = lock(document.application)
    document = ApplicationDocument.objects.select_for_update().get(pk=document.pk)
    document.application = app
    if not permissions.can_replace_document(by, document):
        if not document.is_current:
            raise conflict(_("A newer version of this document has already replaced it."))
        if not permissions.can_upload_document(by, app):
            raise conflict(
                _(
                    "Materials can be replaced only while the application is a draft or changes are requested."
                )
            )
        raise forbidden(_("You cannot replace this document."))
    checked = check_upload(file, field="file")
    file.name = f"upload.{checked.extension}"
    new = ApplicationDocument(
        application=app,
        kind=document.kind,
        file=file,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        description=document.description if description is None else description,
        uploaded_by=by,
        published=True if permissions.is_member(by, app.organization) else document.published,
        previous_version=document,
    )
    document.superseded_at = timezone.now()
    document._history_user = by
    document._change_reason = "superseded"
    document.save(update_fields=["superseded_at"])
    new._history_user = by
    new.save()
    _fresh_licence_received(app, new, by)
    return new


@transaction.atomic
def document_delete(*, document: ApplicationDocument, by) -> None:
    """Remove a file that was never handed in (a handed-in one is replaced instead)."""
    app = lock(document.application)
    document.application = app
    if not permissions.can_ever_delete_document(by, document):
        raise forbidden(
            _("Your role cannot remove this document: only its uploader or customer service can.")
        )
    if not permissions.can_delete_document(by, document):
        if not document.is_current:
            raise conflict(_("An earlier version is kept for the record; it cannot be removed."))
        if document.handed_in:
            raise conflict(
                _(
                    "“%(name)s” has been handed in to the certification body, so it is kept: replace it with a new version instead."
                )
                % {"name": document.original_name}
            )
        raise DomainError(_("This document can no longer be removed."), code=DomainError.CONFLICT)
    document._history_user = by
    stored = document.file
    document.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))


@transaction.atomic
def document_publish(*, document: ApplicationDocument, by) -> ApplicationDocument:
    """Make a CB document visible to the organisation (SPEC: drafts stay internal)."""
    if not permissions.can_review(by):
        raise forbidden(_("Only customer service publishes documents to the applicant."))
    document = lock(document)
    if document.published:
        return document
    document.published = True
    document._history_user = by
    document._change_reason = "published"
    document.save(update_fields=["published"])
    app = document.application
    notify(
        members(app.organization),
        notices.DOCUMENT_PUBLISHED,
        params={"ref": app.reference, "name": document.original_name},
        link=app.get_absolute_url(),
    )
    return document

"""Application materials: upload (size/type/content checked by the service), remove, download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cesi_cert.errors import DomainError
from cesi_cert.files import serve_private_file

from .. import permissions, selectors, services
from ..forms import DocumentForm, DocumentReplaceForm
from ._common import applicant_required, get_application, posted, posted_files, refused
from .applications import materials_checklist


@applicant_required
@require_http_methods(["GET", "POST"])
def document_upload(request, pk):
    app = get_application(request, pk)
    form = DocumentForm(
        posted(request), posted_files(request), initial={"kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            doc = services.document_upload(
                application=app,
                by=request.user,
                kind=data["kind"],
                file=data["file"],
                description=data.get("description", ""),
            )
        except DomainError as err:
            if response := refused(request, form, err, app):
                return response
        else:
            messages.success(
                request,
                _("“%(name)s” is uploaded as %(kind)s.")
                % {"name": doc.original_name, "kind": doc.get_kind_display()},
            )
            return redirect(f"{app.get_absolute_url()}#materials")
    elif not permissions.can_upload_document(request.user, app):
        messages.error(
            request,
            _(
                "Materials can be added only while the application is a draft or changes are requested."
            ),
        )
        return redirect(app)
    return render(
        request,
        "applications/document_form.html",
        {
            "application": app,
            "organization": app.organization,
            "form": form,
            "checklist": materials_checklist(app, [d for d in app.documents.all() if d.is_current]),
        },
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def document_replace(request, pk):
    """Upload a new version of a file; the old one stays with the certification body."""
    doc = get_object_or_404(selectors.documents_for(request.user), pk=pk)
    app = doc.application
    if not permissions.can_replace_document(request.user, doc):
        messages.error(request, _("This document cannot be replaced now."))
        return redirect(f"{app.get_absolute_url()}#materials")
    form = DocumentReplaceForm(
        posted(request), posted_files(request), initial={"description": doc.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.document_replace(
                document=doc,
                by=request.user,
                file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except DomainError as err:
            if response := refused(request, form, err, f"{app.get_absolute_url()}#materials"):
                return response
        else:
            messages.success(
                request,
                _("“%(new)s” replaces “%(old)s”; the earlier version stays on record.")
                % {"new": new.original_name, "old": doc.original_name},
            )
            return redirect(f"{app.get_absolute_url()}#materials")
    return render(
        request,
        "applications/document_replace.html",
        {"application": app, "organization": app.organization, "document": doc, "form": form},
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def document_delete(request, pk):
    doc = get_object_or_404(selectors.documents_for(request.user), pk=pk)
    app = doc.application
    if request.method == "POST":
        try:
            services.document_delete(document=doc, by=request.user)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("“%(name)s” is removed.") % {"name": doc.original_name})
        return redirect(f"{app.get_absolute_url()}#materials")
    return render(
        request,
        "applications/confirm_delete.html",
        {
            "title": _("Remove material"),
            "question": _("Remove “%(name)s” from application %(ref)s?")
            % {"name": doc.original_name, "ref": app.reference},
            "cancel_url": app.get_absolute_url(),
            "organization": app.organization,
            "application": app,
        },
    )


@login_required
def document_download(request, pk):
    """Stream a document to whoever may see it: the selector scopes it (another organisation's
    or an unpublished CB document is 404); staff follow the same link from the admin."""
    doc = get_object_or_404(selectors.documents_for(request.user), pk=pk)
    if not doc.file or not doc.file.storage.exists(doc.file.name):
        raise Http404
    return serve_private_file(
        doc.file, download_name=doc.original_name, content_type=doc.content_type
    )

"""The organisation's change requests (§3.4.4) and scope reductions (§3.4.6) in the portal
(``/portal/changes/``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from cesi_cert.errors import DomainError
from cesi_cert.files import serve_private_file
from cesi_cert.transitions import actions_for, transition_log
from cesi_cert.web import TransitionView, applicant_required, posted, posted_files, refused

from . import selectors, services
from .forms import ChangeRequestForm, ScopeReductionForm
from .models import ChangeRequest, ScopeReduction


def _initial_certificate(request, certificates):
    pk = request.GET.get("certificate", "")
    if pk.isdigit() and certificates.filter(pk=int(pk)).exists():
        return {"certificate": int(pk)}
    if certificates.count() == 1:
        return {"certificate": certificates.get().pk}
    return {}


@applicant_required
def change_list(request):
    return render(
        request,
        "surveillance/portal/change_list.html",
        {
            "requests": selectors.change_requests_for(request.user).order_by("-created_at"),
            "reductions": selectors.reductions_for(request.user).order_by("-created_at"),
            "has_certificates": selectors.changeable_certificates(request.user).exists(),
        },
    )


def _create(request, *, form_class, service, template, title):
    certificates = selectors.changeable_certificates(request.user)
    if not certificates.exists():
        messages.error(request, _("You have no valid certificate to change."))
        return redirect("portal:change_requests")
    form = form_class(
        posted(request),
        posted_files(request),
        certificates=certificates,
        sites=selectors.own_sites(request.user),
        initial=_initial_certificate(request, certificates),
    )
    if request.method == "POST" and form.is_valid():
        try:
            obj = service(by=request.user, **form.cleaned_data)
        except DomainError as err:
            response = refused(request, form, err, "portal:change_requests")
            if response is not None:
                return response
        else:
            messages.success(request, _("%(ref)s is sent.") % {"ref": obj.reference})
            return redirect(obj.get_absolute_url())
    return render(request, template, {"form": form, "title": title})


@applicant_required
def change_request_create(request):
    """§3.4.4: "Request a change"."""
    return _create(
        request,
        form_class=ChangeRequestForm,
        service=services.change_request_submit,
        template="surveillance/portal/change_form.html",
        title=_("Request a change"),
    )


@applicant_required
def scope_reduction_create(request):
    """§3.4.6: "Request a scope reduction" (reasons and evidence, 3.5.6.2 a)."""
    return _create(
        request,
        form_class=ScopeReductionForm,
        service=services.scope_reduction_request,
        template="surveillance/portal/change_form.html",
        title=_("Request a scope reduction"),
    )


def _steps(obj, order, ends):
    """The stepper: each step done, current or to come; a rejected or withdrawn request ends at
    its state."""
    labels = dict(type(obj).State.choices)
    state = obj.state
    if state in ends:
        # The path up to where it stopped, then the end state.
        passed = {row.source for row in transition_log(obj)}
        done = [{"label": labels[s], "status": "done"} for s in order if s in passed]
        return [*done, {"label": labels[state], "status": "current"}]
    index = order.index(state) if state in order else 0
    return [
        {
            "label": labels[s],
            "status": "done" if i < index else ("current" if i == index else "todo"),
        }
        for i, s in enumerate(order)
    ]


def _get(qs, pk):
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist:
        raise Http404 from None


@applicant_required
def change_request_detail(request, pk):
    cr = _get(selectors.change_requests_for(request.user), pk)
    order = list(ChangeRequest.STEPS)
    if cr.state == ChangeRequest.State.APPROVED and not cr.evaluation_id:
        order.remove(ChangeRequest.State.EVALUATING)  # approved after a document check only
    return render(
        request,
        "surveillance/portal/change_detail.html",
        {
            "object": cr,
            "cr": cr,
            "steps": _steps(
                cr,
                order,
                (ChangeRequest.State.REJECTED, ChangeRequest.State.WITHDRAWN),
            ),
            "actions": actions_for(cr).available(cr, request.user),
            "action_url": "portal:change_request_action",
        },
    )


@applicant_required
def scope_reduction_detail(request, pk):
    reduction = _get(selectors.reductions_for(request.user), pk)
    S = ScopeReduction.State
    return render(
        request,
        "surveillance/portal/reduction_detail.html",
        {
            "object": reduction,
            "reduction": reduction,
            "steps": _steps(reduction, [S.SUBMITTED, S.APPROVED], (S.REFUSED, S.WITHDRAWN)),
            "actions": actions_for(reduction).available(reduction, request.user),
            "action_url": "portal:scope_reduction_action",
        },
    )


def _download(attachment):
    if not attachment.file or not attachment.file.storage.exists(attachment.file.name):
        raise Http404
    return serve_private_file(
        attachment.file,
        download_name=attachment.original_name,
        content_type=attachment.content_type,
    )


@applicant_required
def change_attachment_download(request, pk):
    return _download(get_object_or_404(selectors.change_attachments_for(request.user), pk=pk))


@applicant_required
def reduction_attachment_download(request, pk):
    return _download(get_object_or_404(selectors.reduction_attachments_for(request.user), pk=pk))


@method_decorator(applicant_required, name="dispatch")
class ChangeRequestActionView(TransitionView):
    """``/portal/changes/<pk>/actions/<name>/`` (withdraw)."""

    template_name = "surveillance/portal/change_action.html"

    def get_object(self):
        return _get(selectors.change_requests_for(self.request.user), self.kwargs["pk"])


@method_decorator(applicant_required, name="dispatch")
class ScopeReductionActionView(TransitionView):
    template_name = "surveillance/portal/change_action.html"

    def get_object(self):
        return _get(selectors.reductions_for(self.request.user), self.kwargs["pk"])

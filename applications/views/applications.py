"""Applications (§3.1): create, edit while editable, the page with its status, and transitions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cesi_cert.errors import DomainError
from cesi_cert.web import TransitionView

from .. import permissions, selectors, services
from ..actions import APPLICATION_ACTIONS
from ..forms import ApplicationForm, DocumentForm
from ..models import REQUIRED_DOCUMENTS, Application, DocumentKind
from ..progress import later_steps
from ._common import (
    applicant_required,
    get_application,
    get_organization,
    posted,
    refused,
)

#: The main path an application takes (§3.1), shown as a progress bar.
MAIN_PATH = [
    Application.State.DRAFT,
    Application.State.SUBMITTED,
    Application.State.UNDER_REVIEW,
    Application.State.ACCEPTED,
    Application.State.CONTRACTED,
]


def progress_steps(app: Application) -> list[dict]:
    """The main path with what is done and where the application stands (changes requested
    counts as still under review; rejected and withdrawn stand nowhere on it)."""
    state = app.state
    if state == Application.State.CHANGES_REQUESTED:
        state = Application.State.UNDER_REVIEW
    index = MAIN_PATH.index(state) if state in MAIN_PATH else None
    steps = [
        {"label": s.label, "done": index is not None and i < index, "current": i == index}
        for i, s in enumerate(MAIN_PATH)
    ]
    if state == Application.State.CONTRACTED:
        # What downstream apps add (evaluated, certified): the last step reached is current.
        later = later_steps(app)
        reached = [i for i, step in enumerate(later) if step["reached"]]
        if reached:
            steps[-1].update(done=True, current=False)
        for i, step in enumerate(later):
            last = bool(reached) and i == reached[-1]
            steps.append(
                {
                    "label": step["label"],
                    "done": step["reached"] and not last,
                    "current": last,
                }
            )
    return steps


def materials_checklist(app: Application, documents) -> list[dict]:
    """§3.1.3: the materials this kind of application needs, with what is already uploaded.

    The business licence is there when the organisation's counts (``licence``): it is asked for
    once, at registration, and again only when expired or when the clerk asks for a fresh copy.
    """
    by_kind: dict[str, list] = {}
    for doc in documents:
        by_kind.setdefault(doc.kind, []).append(doc)
    missing = set(services.missing_documents(app))
    items = []
    for kind in REQUIRED_DOCUMENTS[app.kind]:
        item = {
            "kind": kind,
            "label": DocumentKind(kind).label,
            "documents": by_kind.get(kind, []),
            "present": kind not in missing,
            "licence": None,
        }
        if kind == DocumentKind.LEGAL_STATUS:
            item["licence"] = services.business_licence(app)
        items.append(item)
    return items


def _actor_for_applicant(actor, member_ids: set[int]) -> str:
    """Colleagues by name; the certification body's staff by their department only."""
    if actor is None:
        return _("System")
    if actor.pk in member_ids:
        return actor.get_full_name() or actor.username
    return _("Customer service department")


def _state_label(value: str) -> str:
    try:
        return Application.State(value).label
    except ValueError:
        return value


def timeline_rows(app: Application, member_ids: set[int]) -> list[dict]:
    """The state changes, oldest first; each submission says whether it was the first."""
    rows, submissions = [], 0
    for e in selectors.application_timeline(app):
        label = ""
        if e.transition == "submit":
            submissions += 1
            label = _("Submitted") if submissions == 1 else _("Submitted again")
        rows.append(
            {
                "entry": e,
                "label": label,
                "source": _state_label(e.source),
                "target": _state_label(e.target),
                "who": _actor_for_applicant(e.actor, member_ids),
            }
        )
    return rows


@applicant_required
@require_http_methods(["GET", "POST"])
def application_create(request, pk):
    org = get_organization(request, pk)
    if not permissions.can_act_for(request.user, org):
        raise Http404
    sites = list(org.sites.all())
    initial = {"sites": sites} if len(sites) == 1 else {}
    # A certificate page links here to renew or extend it (§3.5, §3.4.5): the kind and the
    # certificate arrive preselected; the form's choices still admit only the organisation's own.
    if request.GET.get("kind") in Application.CONTINUING_KINDS:
        initial["kind"] = request.GET["kind"]
        if request.GET.get("certificate", "").isdigit():
            initial["certificate"] = int(request.GET["certificate"])
    form = ApplicationForm(posted(request), organization=org, initial=initial)
    if "certificate" in initial:
        chosen = form.fields["certificate"].queryset.filter(pk=initial["certificate"]).first()
        if chosen is not None:
            form.initial["scheme"] = chosen.scheme_id
            # §3.5: a recertification renews the certificate as it stands — its level and
            # scope are offered, for the applicant to keep or amend.
            current = getattr(chosen, "current_version", None)
            if initial["kind"] == Application.Kind.RECERTIFICATION and current is not None:
                form.initial["requested_level"] = current.level
                form.initial["scope"] = current.scope
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_create(
                organization=org, by=request.user, **form.cleaned_data
            )
        except DomainError as err:
            if response := refused(request, form, err, org):
                return response
        else:
            messages.success(
                request,
                _(
                    "Draft application %(ref)s is created. Upload the required materials, then submit it."
                )
                % {"ref": app.reference},
            )
            return redirect(app)
    context = {"form": form, "organization": org, "application": None, "has_sites": bool(sites)}
    return render(request, "applications/application_form.html", context)


@applicant_required
def application_detail(request, pk):
    app = get_application(request, pk)
    user = request.user
    # Only what this user may see (selectors); earlier versions stay with the CB (admin).
    documents = [d for d in app.documents.all() if d.is_current]
    try:
        contract = app.contract
    except ObjectDoesNotExist:
        contract = None
    missing = services.missing_documents(app)
    member_ids = set(app.organization.memberships.values_list("user_id", flat=True))
    upload_form = None
    if permissions.can_upload_document(user, app):
        upload_form = DocumentForm(initial={"kind": missing[0] if missing else None})
    actions = APPLICATION_ACTIONS.available(app, user)
    # What stands in the way of submitting, for whoever may submit it; "Submit" stays disabled
    # until the list is empty (the service refuses anyway).
    can_submit = any(action.name == "submit" for action in actions)
    blockers = services.submission_blockers(app) if can_submit else []
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": app,
            "organization": app.organization,
            "level_label": app.scheme.level_label(app.requested_level)
            if app.requested_level
            else "",
            "steps": progress_steps(app),
            "documents": [
                (
                    d,
                    permissions.can_delete_document(user, d),
                    permissions.can_replace_document(user, d),
                )
                for d in documents
            ],
            "checklist": materials_checklist(app, documents),
            "missing": [DocumentKind(k).label for k in missing],
            "upload_form": upload_form,
            "can_edit": permissions.can_edit_application(user, app),
            # Exactly the transitions this user may run now, each with its form (ids kept apart).
            "actions": [
                (action, action.form_class(auto_id=f"id_{action.name}_%s")) for action in actions
            ],
            "can_submit": can_submit,
            "blockers": blockers,
            "timeline": timeline_rows(app, member_ids),
            "contract": contract,
            "amendments": contract.amendments.all() if contract else [],
            # §3.5.5.1 a–c, read-only for the organisation, once handed in.
            "extension_checks": services.extension_checklist(app)
            if app.kind == Application.Kind.EXTENSION and app.submitted_at
            else [],
        },
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    app = get_application(request, pk)
    if not permissions.can_edit_application(request.user, app):
        messages.error(
            request,
            _("The application can be changed only while it is a draft or changes are requested."),
        )
        return redirect(app)
    form = ApplicationForm(posted(request), instance=app, organization=app.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(application=app, by=request.user, **form.cleaned_data)
        except DomainError as err:
            if response := refused(request, form, err, app):
                return response
        else:
            messages.success(request, _("The application is saved."))
            return redirect(app)
    context = {
        "form": form,
        "organization": app.organization,
        "application": app,
        "has_sites": True,
    }
    return render(request, "applications/application_form.html", context)


@method_decorator(applicant_required, name="dispatch")
class ApplicationActionView(TransitionView):
    """Run one of the application's transitions (``APPLICATION_ACTIONS``) from the portal."""

    template_name = "applications/application_action.html"

    def get_object(self):
        return get_application(self.request, self.kwargs["pk"])

    def success_message(self, action, obj, action_set):
        return _("%(action)s: done. The application is now “%(state)s”.") % {
            "action": action.label,
            "state": obj.get_state_display(),
        }

    def get_context_data(self, **context):
        app, form = context["object"], context["form"]
        blockers = []
        if context["action"].name == "submit":
            blockers = services.submission_blockers(app)
            if blockers and form.is_bound:
                # The list says what the service refused for; keep only the form's own errors
                # (and what was typed) rather than repeating each blocker on top of the form.
                form = context["action"].form_class(data=self.request.POST)
        return {
            **context,
            "form": form,
            "application": app,
            "organization": app.organization,
            "blockers": blockers,
        }


application_action = ApplicationActionView.as_view()

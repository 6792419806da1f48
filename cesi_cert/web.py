"""What every page outside the admin shares: role gates, form helpers, DomainError mapping and the
one view that runs a transition of any model with a registered :class:`ActionSet`.

The portal (``/portal/``), the auditor workspace (``/auditor/``) and the committee workspace
(``/committee/``) are built from these, so a new stateful model needs a URL and a template, not a
copy of the view::

    @method_decorator(applicant_required, name="dispatch")
    class EvaluationActionView(TransitionView):
        template_name = "evaluations/evaluation_action.html"

        def get_object(self):
            return get_evaluation(self.request, self.kwargs["pk"])
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from .errors import DomainError
from .forms import add_domain_errors
from .roles import Role, has_role
from .transitions import Action, ActionSet, actions_for, check_transition, state_label


def role_required(*roles: str):
    """Only a signed-in user holding one of ``roles`` passes; anyone else goes to the login page
    (a signed-in user of another role too: it may be a shared computer, and the login page says
    whose account is signed in)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


#: The applicant portal's gate.
applicant_required = role_required(Role.APPLICANT)


def signed_in_required(view):
    """Any signed-in, active user (the inbox is everybody's)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_active):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def posted(request):
    """The submitted data on POST (even when empty, so the form is bound and validated)."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None


def refused(request, form, err: DomainError, back_to):
    """Map a service's refusal: bad input goes onto ``form`` (returns ``None``: re-render it);
    anything else (not allowed now, not this user's) is a message and a redirect to ``back_to``."""
    if err.code == DomainError.INVALID:
        add_domain_errors(form, err)
        return None
    messages.error(request, err.message)
    return redirect(back_to)


class TransitionView(View):
    """``…/<pk>/actions/<name>/``: the transition's form on GET, the service on POST.

    The object's :class:`ActionSet` comes from the registry (``register_actions``), so the
    buttons, this page, the admin and the API all run the same service. A transition that is not
    available now (already done, wrong stage, not this user's) answers with the reason and a
    redirect, so a double submit is refused cleanly; bad fields go back onto the form.

    Subclasses set ``template_name`` and ``get_object()`` (a scoped look-up that raises 404 for
    what the user may not see) and may add to ``get_context_data()``.
    """

    template_name: str = ""
    http_method_names = ["get", "post"]

    def get_object(self):
        raise NotImplementedError

    def get_success_url(self, obj) -> str:
        return obj.get_absolute_url()

    def success_message(self, action: Action, obj, action_set: ActionSet) -> str:
        return _("%(action)s: done. It is now “%(state)s”.") % {
            "action": action.label,
            "state": state_label(obj, action_set.field_name),
        }

    def get_context_data(self, **context) -> dict:
        return context

    def _setup(self):
        obj = self.get_object()
        action_set = actions_for(obj)
        action = action_set.get(self.kwargs["name"]) if action_set else None
        if action is None:
            raise Http404
        return obj, action_set, action

    def get(self, request, *args, **kwargs):
        obj, action_set, action = self._setup()
        if action not in action_set.available(obj, request.user):
            try:
                check_transition(obj, action.name, by=request.user)  # raises, saying why
                messages.error(request, _("This action is not available now."))
            except DomainError as err:
                messages.error(request, err.message)
            return redirect(self.get_success_url(obj))
        return self._render(obj, action, action.form_class())

    def post(self, request, *args, **kwargs):
        obj, action_set, action = self._setup()
        form = action.form_class(data=request.POST, files=request.FILES)
        try:
            obj = action_set.perform(
                obj, action.name, by=request.user, data=request.POST, files=request.FILES
            )
        except DomainError as err:
            if err.code != DomainError.INVALID:
                messages.error(request, err.message)
                return redirect(self.get_success_url(obj))
            if form.is_valid():  # otherwise the form shows its own errors already
                add_domain_errors(form, err)
        else:
            messages.success(request, self.success_message(action, obj, action_set))
            return redirect(self.get_success_url(obj))
        return self._render(obj, action, form)

    def _render(self, obj, action, form):
        context = self.get_context_data(object=obj, action=action, form=form)
        return render(self.request, self.template_name, context)

"""Admin building blocks for models whose state is a django-fsm machine.

``TransitionAdminMixin`` puts a model's :class:`~cesi_cert.transitions.ActionSet` on its admin
change page: one button per action the user may run now, each opening that action's form and
calling the action's service through ``ActionSet.perform`` — the same path as the portal and the
API, so the admin never writes a state field itself and every move lands in the transition log.

``HistoryWithoutRevertMixin`` keeps django-simple-history's history list but closes its revert
form. A revert saves an old copy of the whole row: it would move the state without a transition
(no permission check, no log row), and on a ``ConcurrentTransitionMixin`` model it even fails
with ``ConcurrentTransition`` — a 500. simple-history also lets anyone with mere *view*
permission post that form. Both are closed here for GET and POST.

Usage::

    @admin.register(Application)
    class ApplicationAdmin(TransitionAdminMixin, SimpleHistoryAdmin):
        action_set = APPLICATION_ACTIONS
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.forms import FileField
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .errors import DomainError
from .forms import add_domain_errors
from .transitions import ActionSet, check_transition, state_label, transition_log

ACTION_FORM_TEMPLATE = "admin/cesi_cert/action_form.html"


def admin_url(model_admin, view: str, pk, *args) -> str:
    """``reverse`` of one of ``model_admin``'s named admin URLs (``change``, ``history`` …).

    Only ``pk`` is admin-quoted (as the admin's own URLs do); ``args`` such as an action name
    are used as they are (quoting would turn ``request_changes`` into ``request_5Fchanges``).
    """
    opts = model_admin.model._meta
    return reverse(
        f"{model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}",
        args=[quote(pk), *args],
    )


def render_action_form(
    model_admin,
    request,
    *,
    obj,
    form,
    title,
    help_text="",
    submit_label=None,
    style="primary",
):
    """Render ``form`` for an action on ``obj`` inside the admin look (breadcrumbs, errors)."""
    opts = model_admin.model._meta
    request.current_app = model_admin.admin_site.name
    adminform = helpers.AdminForm(
        form, [(None, {"fields": list(form.fields)})], {}, model_admin=model_admin
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "subtitle": str(obj),
        "opts": opts,
        "original": obj,
        "adminform": adminform,
        "form": form,
        "errors": helpers.AdminErrorList(form, []),
        "help_text": help_text,
        "submit_label": submit_label or title,
        "style": style,
        "media": model_admin.media + form.media,
        "has_file_field": any(isinstance(f, FileField) for f in form.fields.values()),
        "change_url": admin_url(model_admin, "change", obj.pk),
        "has_view_permission": model_admin.has_view_permission(request, obj),
    }
    return TemplateResponse(request, ACTION_FORM_TEMPLATE, context)


def service_form_view(model_admin, request, *, obj, form, perform, success, **render_kwargs):
    """An admin page that runs one service with a form's data (amend a contract, add a file …).

    On a valid POST ``perform(cleaned_data)`` is called; its result goes to ``success(result)``
    for the message. A service refusal is a message and a redirect to the change page; a bad
    value goes back onto the form, next to its field. ``render_kwargs`` go to
    :func:`render_action_form` (title, help text, submit label).
    """
    change_url = admin_url(model_admin, "change", obj.pk)
    if request.method == "POST" and form.is_valid():
        try:
            result = perform(form.cleaned_data)
        except DomainError as err:
            if err.code != DomainError.INVALID:
                messages.error(request, err.message)
                return redirect(change_url)
            add_domain_errors(form, err)
        else:
            messages.success(request, success(result))
            return redirect(change_url)
    return render_action_form(model_admin, request, obj=obj, form=form, **render_kwargs)


class ServiceOnlyAdminMixin:
    """An admin that shows rows and never saves them: no add, change or delete form. Changes
    are made by the services, reached through transitions (:class:`TransitionAdminMixin`) and
    object actions (:class:`ObjectActionsMixin`), so they keep their rules and their log."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInlineMixin:
    """An inline that only shows rows: they change through services, never through the form."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@dataclass(frozen=True)
class ObjectAction:
    """A page on an admin object that runs one service with a form (not a state transition):
    add a document, record a contract amendment … Declared on the admin in ``object_actions``."""

    name: str  # URL name suffix: admin:<app>_<model>_<name>
    route: str  # below the object's URL, e.g. "amend"
    title: str
    form_class: type
    allowed: Callable  # allowed(user, obj) -> bool; the link shows only when True
    perform: Callable  # perform(obj, by, cleaned_data) -> result (a service call)
    success: Callable  # success(obj, result) -> message
    refused: str = _("You cannot do this now.")
    # may_ever(user, obj) -> bool: whether the user's role may run the action in some state. When
    # it says no, the refusal is ``forbidden`` ("your role cannot …"), otherwise ``refused`` (not
    # now); without it, ``allowed`` is taken to be about the role only and ``refused`` says so.
    may_ever: Callable | None = None
    forbidden: str = _("Your role cannot do this.")
    help_text: str = ""
    submit_label: str | None = None
    # form_kwargs(obj, request) -> extra keyword arguments for ``form_class``: the current values
    # as ``instance``/``initial``, or the object's own rows to choose from.
    form_kwargs: Callable | None = None
    # False for an action on one row of an inline (edit this site …): the row links to it.
    in_object_tools: bool = True


class ObjectActionsMixin:
    """Links in the change page's object tools, one URL and one view per :class:`ObjectAction`."""

    object_actions: tuple[ObjectAction, ...] = ()

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                f"<path:object_id>/{action.route}/",
                self.admin_site.admin_view(partial(self.object_action_view, action=action)),
                name=f"{opts.app_label}_{opts.model_name}_{action.name}",
            )
            for action in self.object_actions
        ] + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["object_action_links"] = [
                {
                    "url": admin_url(self, action.name, obj.pk),
                    "title": action.title,
                    "name": action.name,
                }
                for action in self.object_actions
                if action.in_object_tools and action.allowed(request.user, obj)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def object_action_view(self, request, object_id, *, action: ObjectAction):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        if action.may_ever is not None and not action.may_ever(request.user, obj):
            messages.error(request, action.forbidden)
            return redirect(admin_url(self, "change", obj.pk))
        if not action.allowed(request.user, obj):
            messages.error(request, action.refused)
            return redirect(admin_url(self, "change", obj.pk))
        data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
        kwargs = action.form_kwargs(obj, request) if action.form_kwargs else {}
        return service_form_view(
            self,
            request,
            obj=obj,
            form=action.form_class(*data, **kwargs),
            perform=lambda cleaned: action.perform(obj, request.user, cleaned),
            success=lambda result: action.success(obj, result),
            title=action.title,
            help_text=action.help_text,
            submit_label=action.submit_label,
        )


class HistoryWithoutRevertMixin:
    """Use before ``SimpleHistoryAdmin``: the history list stays, the revert form is closed."""

    object_history_list_template = "admin/cesi_cert/history_list.html"
    revert_refused_message = _(
        "Earlier versions can be read in the history but not restored: a revert would bypass "
        "the actions that record who changed what and why."
    )

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Nothing of simple-history's view runs: neither its form on GET nor its save on POST.
        messages.error(request, self.revert_refused_message)
        return redirect(admin_url(self, "history", unquote(object_id)))


class TransitionAdminMixin(HistoryWithoutRevertMixin):
    """Transition buttons, the transition form view and the timeline for a state-machine model.

    Set ``action_set`` to the model's :class:`ActionSet`. The state field is read-only on every
    admin form; it moves only through the actions.
    """

    action_set: ActionSet | None = None
    change_form_template = "admin/cesi_cert/transition_change_form.html"

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if self.action_set is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs an action_set.")
        if self.action_set.field_name in (self.list_editable or ()):
            raise ImproperlyConfigured(
                f"{type(self).__name__}: the state field cannot be in list_editable."
            )

    # --- the state field is never edited directly ---------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.action_set.field_name not in fields:
            fields.append(self.action_set.field_name)
        return fields

    # --- what the change page shows -------------------------------------------------------------

    def get_timeline(self, obj):
        """The state changes shown on the change page, oldest first (override to use a selector)."""
        return transition_log(obj)

    def transition_label(self, obj, action) -> str:
        """The action's name on its button, as its form's title and submit button, and in the
        message saying it is done (override to say what it does to this object)."""
        return action.admin_label

    def transition_form(self, obj, action, *args, **kwargs):
        """The action's form for ``obj`` (override to leave out the fields that do not apply to
        it; the service still validates with the whole form)."""
        return action.form_class(*args, **kwargs)

    def transition_buttons(self, request, obj) -> list[dict]:
        return [
            {
                "name": action.name,
                "label": self.transition_label(obj, action),
                "style": action.admin_style,
                "help_text": action.help_text,
                "url": admin_url(self, "transition", obj.pk, action.name),
            }
            for action in self.action_set.available(obj, request.user)
        ]

    def timeline_rows(self, obj) -> list[dict]:
        states = dict(self.model._meta.get_field(self.action_set.field_name).flatchoices)
        rows = []
        for entry in self.get_timeline(obj):
            action = self.action_set.get(entry.transition)
            rows.append(
                {
                    "at": entry.at,
                    "actor": entry.actor,
                    "action": action.admin_label if action else entry.transition,
                    "source": states.get(entry.source, entry.source),
                    "target": states.get(entry.target, entry.target),
                    "reason": entry.reason,
                }
            )
        return rows

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["transition_buttons"] = self.transition_buttons(request, obj)
            context["timeline"] = self.timeline_rows(obj)
            context["state_display"] = state_label(obj, self.action_set.field_name)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- <pk>/transition/<name>/ ----------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name=f"{opts.app_label}_{opts.model_name}_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, object_id, name):
        """GET: the action's form. POST: run it; a refusal is a message, never a 500."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        change_url = admin_url(self, "change", obj.pk)
        action = self.action_set.get(name)
        if action is None:
            messages.error(request, _("Unknown action “%(name)s”.") % {"name": name})
            return redirect(change_url)
        try:
            check_transition(obj, name, by=request.user)
        except DomainError as err:
            messages.error(request, err.message)
            return redirect(change_url)

        if request.method == "POST":
            try:
                self.action_set.perform(
                    obj, name, by=request.user, data=request.POST, files=request.FILES
                )
            except DomainError as err:
                if err.code != DomainError.INVALID:
                    messages.error(request, err.message)
                    return redirect(change_url)
                form = self.transition_form(obj, action, request.POST, request.FILES)
                if form.is_valid():  # the form passed; the service refused a value
                    add_domain_errors(form, err)
            else:
                obj.refresh_from_db()
                messages.success(
                    request,
                    _("“%(action)s” done: %(object)s is now “%(state)s”.")
                    % {
                        "action": self.transition_label(obj, action),
                        "object": obj,
                        "state": state_label(obj, self.action_set.field_name),
                    },
                )
                return redirect(change_url)
        else:
            form = self.transition_form(obj, action)

        return render_action_form(
            self,
            request,
            obj=obj,
            form=form,
            title=self.transition_label(obj, action),
            help_text=action.help_text,
            style=action.admin_style,
        )

"""The one path every state change takes.

``run_transition`` is called by a service inside its transaction. It refuses a transition the
user's role may never run (a :class:`DomainError` with code ``forbidden``, 403) or the state does
not allow now (``conflict``, 409), runs the pure ``@transition`` method, saves the row
(django-simple-history records actor and reason) and writes the
:class:`~cesi_cert.models.TransitionLog` row.

A transition's ``permission=`` answers both "may this user ever run it?" and "may they now?". When
the answer depends on the state as well (staff withdraw an application, but not a draft), declare
it as a :class:`Permission` with the two parts apart; a plain callable is taken to depend on the
user and the object only, never on the state.

``Action`` / ``ActionSet`` describe, per model, the transitions people can run from a screen:
label, the service to call and the form of that transition's fields. The admin buttons, the
portal buttons, the API's ``available_transitions`` and its transitions endpoint all read the
same ``ActionSet``, so the button a user sees is exactly what the service lets them do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, can_proceed, get_available_user_FIELD_transitions

from .errors import DomainError, conflict, forbidden
from .limits import NOTE
from .models import TransitionLog


class SystemActor:
    """The system itself acting: a deadline sweep, an event handler, a management command.

    It is not a user and has no row: the permission check of a transition is skipped for it —
    never the state or the conditions — and the log and history show "系统 / System" with the
    sweep's name as the reason. Only code can hold it; no form or API field turns into it,
    because every edge passes ``request.user`` and :meth:`ActionSet.perform` refuses it.
    """

    pk = None
    id = None
    is_authenticated = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __str__(self):
        return str(_("System"))

    def __repr__(self):
        return "SYSTEM"

    def get_full_name(self):
        return str(self)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return "SYSTEM"


#: The one :class:`SystemActor`; compare with ``is`` (or :func:`is_system`).
SYSTEM = SystemActor()


def is_system(actor) -> bool:
    return actor is SYSTEM


def lock(obj):
    """Re-read ``obj`` with a row lock (``SELECT … FOR UPDATE``) inside the current transaction.

    Two staff pressing the same button: the second waits for the first, then sees the new
    state and is refused cleanly instead of both succeeding.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock() must run inside transaction.atomic()")
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def _fsm_field(obj, name: str):
    method = getattr(obj, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise ValueError(f"{type(obj).__name__}.{name} is not a transition")
    return method, meta.field


def state_label(obj, field_name: str = "state") -> str:
    return str(getattr(obj, f"get_{field_name}_display")())


@dataclass(frozen=True)
class Permission:
    """A transition's ``permission=`` in two parts, so a refusal can say which one failed.

    ``role(obj, user)``: may ``user`` run the transition on ``obj`` in *some* state (their role,
    their organisation)? False → ``forbidden`` (403, "your role cannot"). ``now(obj, user)``, if
    given: what else the current state asks of that user. False → ``conflict`` (409, "not now").
    django-fsm calls it as one permission: both parts must hold.
    """

    role: Callable
    now: Callable | None = None

    def __call__(self, obj, user) -> bool:
        return bool(self.role(obj, user)) and (self.now is None or bool(self.now(obj, user)))


def _role_allows(permission, obj, user) -> bool:
    if permission is None:
        return True
    if isinstance(permission, Permission):
        return bool(permission.role(obj, user))
    if callable(permission):
        return bool(permission(obj, user))  # depends on who, not on the state
    return user.has_perm(permission)


def may_ever(obj, name: str, user) -> bool:
    """Whether ``user`` may run transition ``name`` on ``obj`` in some state (403 if not)."""
    if user is SYSTEM:
        return True
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    method, _field = _fsm_field(obj, name)
    return any(
        _role_allows(t.permission, obj, user) for t in method._django_fsm.transitions.values()
    )


def _action_label(obj, name: str) -> str:
    action_set = actions_for(obj)
    action = action_set.get(name) if action_set else None
    return str(action.label) if action else name


def check_transition(obj, name: str, *, by) -> None:
    """Raise a DomainError saying why ``by`` cannot run ``name`` on ``obj`` now.

    ``forbidden`` (403) when ``by``'s role may never run it, whatever the state — checked first,
    so a read-only role hears about its role, not about the state; ``conflict`` (409) when the
    role may, but not in this state, not under these conditions, or not at this stage.
    """
    method, fsm_field = _fsm_field(obj, name)
    if not may_ever(obj, name, by):
        raise forbidden(
            _("Your role cannot run “%(action)s”.") % {"action": _action_label(obj, name)}
        )
    source = getattr(obj, fsm_field.attname)
    if not can_proceed(method, check_conditions=False):
        raise conflict(
            _("This cannot be done while it is “%(state)s”.")
            % {"state": state_label(obj, fsm_field.name)}
        )
    meta = method._django_fsm
    for condition in meta.get_transition(source).conditions:
        if not condition(obj):
            raise conflict(getattr(condition, "message", None))
    if by is SYSTEM:
        return  # the system is trusted by code; state and conditions were checked above
    if not meta.has_transition_perm(obj, source, by):
        raise conflict(_("You are not allowed to do this at this stage."))


def begin(obj, name: str, by):
    """Lock ``obj``'s row and refuse early (403 or 409) when ``by`` cannot run ``name`` now.

    The first line of a service whose transition takes fields: the state is checked before the
    fields, so a stale button answers "not now" rather than complaining about its form.
    """
    locked = lock(obj)
    check_transition(locked, name, by=by)
    return locked


def run_transition(obj, name: str, *, by, reason: str = "", **kwargs):
    """Run transition ``name`` on ``obj`` for user ``by``; record it; return ``obj``.

    Must be called inside ``transaction.atomic()`` on a row fetched with :func:`lock`. With
    ``by=SYSTEM`` the ``reason`` is required: it names the sweep or event that acted.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("run_transition() must run inside transaction.atomic()")
    if by is SYSTEM and not reason:
        raise ValueError("the system acts only with a reason (the sweep's or event's name)")
    check_transition(obj, name, by=by)
    method, fsm_field = _fsm_field(obj, name)
    source = getattr(obj, fsm_field.attname)

    method(by=by, **kwargs)
    obj._history_user = None if by is SYSTEM else by
    obj._change_reason = (reason or name)[:100]
    try:
        obj.save()
    except ConcurrentTransition:
        raise conflict(_("Someone else changed this a moment ago; reload and try again.")) from None

    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        transition=name,
        source=source,
        target=getattr(obj, fsm_field.attname),
        actor=None if by is SYSTEM else by,
        reason=reason,
    )
    return obj


def transition_log(obj):
    """The state changes of ``obj``, oldest first, with their actors."""
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("actor")


class ReasonForm(forms.Form):
    """Default form of a transition: an optional note."""

    reason = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )


class RequiredReasonForm(forms.Form):
    """A transition that must say why (rejections, change requests, staff withdrawals)."""

    reason = forms.CharField(
        label=_("Reason"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 4})
    )


@dataclass(frozen=True)
class Action:
    """One transition as people see it: a label, its form and the service that runs it."""

    name: str
    label: str
    service: Callable  # service(*, <subject>=obj, by, **cleaned_data) -> obj
    form_class: type[forms.Form] = ReasonForm
    style: str = "primary"  # primary | secondary | danger: how the button looks
    help_text: str = ""
    #: How the admin (the CB's own screen) names and shows it, when that differs: staff record
    #: an applicant's withdrawal; they do not withdraw for themselves.
    staff_label: str = ""
    staff_style: str = ""

    @property
    def admin_label(self) -> str:
        return self.staff_label or self.label

    @property
    def admin_style(self) -> str:
        return self.staff_style or self.style


@dataclass
class ActionSet:
    """The actions of one model's state field."""

    field_name: str
    subject: str  # keyword under which services take the object, e.g. "application"
    actions: list[Action] = field(default_factory=list)

    def __post_init__(self):
        self._by_name = {a.name: a for a in self.actions}

    def get(self, name: str) -> Action | None:
        return self._by_name.get(name)

    def available(self, obj, user) -> list[Action]:
        """Actions ``user`` may run on ``obj`` now, in declaration order."""
        if user is SYSTEM or not getattr(user, "is_authenticated", False):
            return []
        fsm_field = obj._meta.get_field(self.field_name)
        names = {t.name for t in get_available_user_FIELD_transitions(obj, user, fsm_field)}
        return [a for a in self.actions if a.name in names]

    def perform(self, obj, name: str, *, by, data=None, files=None):
        """Validate ``data`` with the action's form and call its service.

        Raises :class:`DomainError`: ``forbidden`` for an action ``by``'s role may never run,
        ``conflict`` for an unknown action or one not available now, ``invalid`` with per-field
        ``errors`` for bad input.
        """
        if by is SYSTEM:  # edges act for a person; the system calls services directly
            raise ValueError("ActionSet.perform() is for people; call the service with by=SYSTEM")
        action = self.get(name)
        if action is None:
            raise conflict(_("Unknown action “%(name)s”.") % {"name": name})
        check_transition(obj, name, by=by)
        form = action.form_class(data=data or {}, files=files)
        if not form.is_valid():
            errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
            raise DomainError(_("Please correct the errors below."), errors=errors)
        return action.service(**{self.subject: obj}, by=by, **form.cleaned_data)


# --- the actions registry (ARCHITECTURE "The kernel's extension points") ----------------------

_action_sets: dict[type, ActionSet] = {}


def register_actions(model: type, action_set: ActionSet) -> None:
    """Declare ``action_set`` as the actions of ``model`` (called in ``AppConfig.ready()``)."""
    _action_sets[model] = action_set


def actions_for(model_or_obj) -> ActionSet | None:
    """The registered :class:`ActionSet` of a model (or of an object's model)."""
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return _action_sets.get(model._meta.concrete_model if hasattr(model, "_meta") else model)


def registered_actions() -> dict[type, ActionSet]:
    """Every registered model with its action set (tests check each one)."""
    return dict(_action_sets)

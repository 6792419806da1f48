"""Forms of the planning side: the plan, the team picker, the notification, objections.

The team picker offers only the people eligible for the roles on the plan's dates and says in
its help text why the others are missing; the service checks again when it saves, so a stale
page cannot put an ineligible person on the team.
"""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from applications.models import Site
from cesi_cert.forms import IsoDateInput
from cesi_cert.limits import NOTE
from cesi_cert.roles import Role, users_with_role

from ..models import Objection, TeamMember
from ..sampling import iaf_md1_size
from ..services.planning import ALL_SITES_KINDS, sites_in_scope
from ..services.register import eligibility_problems, person_name

#: How many missing people the help text names before "…".
MISSING_SHOWN = 20


def _note(label, *, required=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


def candidates(evaluation, roles) -> tuple[list[int], list[str]]:
    """Ids of the active auditor-role accounts eligible for one of ``roles`` on the plan's dates,
    not on the team yet; and, for the others, why each is missing."""
    on_team = {m.person_id for m in evaluation.active_members()}
    people = (
        users_with_role(Role.AUDITOR)
        .exclude(pk__in=on_team)
        .prefetch_related("qualifications", "conflict_declarations")
        .order_by("username")
    )
    ok, missing = [], []
    for person in people:
        problems = [
            eligibility_problems(person, evaluation, role, evaluation.starts_on, evaluation.ends_on)
            for role in roles
        ]
        if any(not p for p in problems):
            ok.append(person.pk)
        else:
            missing.append(" ".join(str(m) for m in problems[-1]))
    return ok, missing


def _missing_help(missing: list[str]):
    if not missing:
        return ""
    shown = missing[:MISSING_SHOWN] + (["…"] if len(missing) > MISSING_SHOWN else [])
    return format_lazy(
        "{} {}", _("Not offered, as not eligible on the visit dates:"), " ".join(shown)
    )


class PlanForm(forms.Form):
    starts_on = forms.DateField(label=_("visit starts"), widget=IsoDateInput)
    ends_on = forms.DateField(label=_("visit ends"), widget=IsoDateInput)
    plan = _note(
        _("plan"), required=False, help_text=_("Activities by day, sites and times (§3.2.2.4).")
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("sites"),
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    service_running_confirmed = forms.BooleanField(
        label=_("the service runs normally on the visit dates"),
        required=False,
        help_text=_("§3.2.2.3: the visit falls when the certified service runs normally."),
    )
    man_days_difference_reason = _note(
        _("why the plan's man-days differ from the contract"), required=False
    )
    sample_size = forms.IntegerField(
        label=_("sample size"),
        required=False,
        min_value=0,
        max_value=10_000,
        help_text=_(
            "Sites to visit besides the central function (§3.2.2.2, surveillance). Empty: the "
            "IAF MD 1 size. The sites you tick are visited; the rest of the sample (at least a "
            "quarter) is drawn at random."
        ),
    )
    sample_override_reason = _note(_("why the sample size differs"), required=False)

    def __init__(self, *args, evaluation=None, **kwargs):
        if evaluation is not None and not args:
            kwargs.setdefault(
                "initial",
                {
                    "starts_on": evaluation.starts_on,
                    "ends_on": evaluation.ends_on,
                    "plan": evaluation.plan,
                    "sites": list(evaluation.sites.all()),
                    "service_running_confirmed": evaluation.service_running_confirmed,
                    "man_days_difference_reason": evaluation.man_days_difference_reason,
                    "sample_size": evaluation.sample_size,
                    "sample_override_reason": evaluation.sample_override_reason,
                },
            )
        super().__init__(*args, **kwargs)
        if evaluation is not None:
            self.fields["sites"].queryset = Site.objects.filter(
                organization=evaluation.organization
            )
            if evaluation.kind in ALL_SITES_KINDS:
                # §3.2.2.2: every site of the application is visited; nothing to sample.
                del self.fields["sample_size"], self.fields["sample_override_reason"]
            else:
                scope = sites_in_scope(evaluation)
                others = sum(1 for s in scope if not s.is_central)
                self.fields["sample_size"].help_text = format_lazy(
                    "{} {}",
                    _("IAF MD 1 offers %(offered)s of %(count)s sites.")
                    % {
                        "offered": iaf_md1_size(evaluation.kind, others),
                        "count": others,
                    },
                    self.fields["sample_size"].help_text,
                )


class TeamMemberAddForm(forms.Form):
    """``roles``: the roles this picker is for (leader and auditors, or the others)."""

    person = PersonChoiceField(label=_("person"), queryset=None)
    role = forms.ChoiceField(label=_("role"), choices=TeamMember.Role.choices)
    man_days = forms.DecimalField(
        label=_("man-days"), min_value=0, max_digits=5, decimal_places=1, initial=0
    )

    def __init__(self, *args, evaluation=None, roles=tuple(TeamMember.Role.values), **kwargs):
        super().__init__(*args, **kwargs)
        model = users_with_role(Role.AUDITOR).model
        self.fields["role"].choices = [(r, TeamMember.Role(r).label) for r in roles]
        if evaluation is None or evaluation.starts_on is None or evaluation.ends_on is None:
            self.fields["person"].queryset = model.objects.none()
            self.fields["person"].help_text = _(
                "Set the visit dates in the plan before choosing the team."
            )
            return
        ok, missing = candidates(evaluation, roles)
        self.fields["person"].queryset = model.objects.filter(pk__in=ok).order_by("username")
        self.fields["person"].help_text = _missing_help(missing)
        if not set(roles) & set(TeamMember.COUNTED_ROLES):
            self.fields["man_days"].help_text = _("§3.2.2.1: these roles add no man-days.")


class ReplaceMemberForm(forms.Form):
    member = forms.ModelChoiceField(label=_("member"), queryset=TeamMember.objects.none())
    person = PersonChoiceField(label=_("replaced by"), queryset=None)
    reason = _note(_("reason"))

    def __init__(self, *args, evaluation=None, **kwargs):
        super().__init__(*args, **kwargs)
        model = users_with_role(Role.AUDITOR).model
        if evaluation is None or evaluation.starts_on is None:
            self.fields["person"].queryset = model.objects.none()
            return
        self.fields["member"].queryset = TeamMember.objects.filter(
            evaluation=evaluation, removed_at__isnull=True
        ).select_related("person")
        # The replacement takes the member's role; the service checks that role's rules.
        ok, missing = candidates(evaluation, tuple(TeamMember.Role.values))
        self.fields["person"].queryset = model.objects.filter(pk__in=ok).order_by("username")
        self.fields["person"].help_text = _missing_help(missing)


class NotifyPlanForm(forms.Form):
    man_days_difference_reason = _note(
        _("why the plan's man-days differ from the contract"),
        required=False,
        help_text=_("Needed only when the team's man-days differ from the contract's."),
    )
    reason = _note(_("Note"), required=False)


class ObjectionForm(forms.Form):
    reason = _note(_("reason"), help_text=_("Why this person should not evaluate you."))


class ResolveObjectionForm(forms.Form):
    objection = forms.ModelChoiceField(label=_("objection"), queryset=Objection.objects.none())
    outcome = forms.ChoiceField(label=_("outcome"), choices=Objection.Outcome.choices)
    replacement = PersonChoiceField(label=_("replaced by"), queryset=None, required=False)
    note = _note(_("resolution"), required=False)

    def __init__(self, *args, evaluation=None, **kwargs):
        super().__init__(*args, **kwargs)
        model = users_with_role(Role.AUDITOR).model
        self.fields["replacement"].queryset = model.objects.none()
        if evaluation is None:
            return
        self.fields["objection"].queryset = Objection.objects.filter(
            evaluation=evaluation, resolved_at__isnull=True
        ).select_related("member__person")
        if evaluation.starts_on is not None:
            ok, missing = candidates(evaluation, tuple(TeamMember.Role.values))
            self.fields["replacement"].queryset = model.objects.filter(pk__in=ok)
            self.fields["replacement"].help_text = _missing_help(missing)

"""What every evaluation service shares."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from applications import selectors
from applications.notices import org_name


def team_people(evaluation):
    """The active team's accounts (recipients of a notice to the team)."""
    ids = [m.person_id for m in evaluation.active_members()]
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def organization_members(evaluation):
    return selectors.organization_members(evaluation.organization_id)


def notice_params(evaluation, **more) -> dict:
    return {"ref": evaluation.reference, "org": org_name(evaluation.organization), **more}

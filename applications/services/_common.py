"""Helpers the service modules share."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from cesi_cert.transitions import check_transition, lock

from ..models import Application


def begin(application: Application, name: str, by) -> Application:
    """Lock the row and refuse early (409) when ``by`` cannot run ``name`` now.

    The state is checked before the fields, so a stale button answers "not now" rather than
    complaining about its form.
    """
    app = lock(application)
    check_transition(app, name, by=by)
    return app


def staff(role):
    """Active users in a CB role (recipients of a notification)."""
    return get_user_model().objects.filter(groups__name=role, is_active=True)


def members(organization):
    """Active users acting for ``organization``."""
    return get_user_model().objects.filter(memberships__organization=organization, is_active=True)

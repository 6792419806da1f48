"""Helpers the service modules share."""

from __future__ import annotations

from django.contrib.auth import get_user_model


def members(organization):
    """Active users acting for ``organization``."""
    return get_user_model().objects.filter(memberships__organization=organization, is_active=True)

"""Helpers the service modules share."""

from __future__ import annotations


def members(organization):
    """Active users acting for ``organization``."""
    from ..selectors import organization_members

    return organization_members(organization)

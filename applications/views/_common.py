"""Look-ups every portal view shares: an object is found only among what the user may see."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from cesi_cert.forms import add_domain_errors
from cesi_cert.web import applicant_required, posted, posted_files, refused

from .. import selectors
from ..models import Application

__all__ = [
    "add_domain_errors",
    "applicant_required",
    "get_application",
    "get_organization",
    "posted",
    "posted_files",
    "refused",
]


def get_organization(request, pk):
    return get_object_or_404(selectors.organizations_for(request.user), pk=pk)


def get_application(request, pk) -> Application:
    try:
        return selectors.application_detail(request.user, pk)
    except Application.DoesNotExist:
        raise Http404 from None

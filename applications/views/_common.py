"""What every portal view shares: the applicant gate, object look-ups, DomainError mapping."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect

from cesi_cert.errors import DomainError
from cesi_cert.forms import add_domain_errors
from cesi_cert.roles import Role, has_role

from .. import selectors
from ..models import Application


def applicant_required(view):
    """Only a logged-in applicant reaches the portal; anyone else is sent to the login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_role(request.user, Role.APPLICANT):
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


def get_organization(request, pk):
    return get_object_or_404(selectors.organizations_for(request.user), pk=pk)


def get_application(request, pk) -> Application:
    try:
        return selectors.application_detail(request.user, pk)
    except Application.DoesNotExist:
        raise Http404 from None

"""Download an audit history: auditors their own, planners and customer service anyone's."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404

from cesi_cert.roles import Role
from cesi_cert.web import role_required

from .. import permissions
from ..exports import audit_history_response


@role_required(Role.AUDITOR, Role.CERTIFICATION_BUSINESS, Role.CUSTOMER_SERVICE)
def audit_history(request, fmt):
    person = request.user
    wanted = request.GET.get("person")
    if wanted and wanted != str(request.user.pk):
        if not permissions.can_follow(request.user) or not wanted.isascii() or not wanted.isdigit():
            raise Http404
        person = get_user_model().objects.filter(pk=int(wanted)).first()
        if person is None:
            raise Http404
    return audit_history_response(person, fmt)

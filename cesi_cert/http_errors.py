"""Error answers given outside DRF's views: JSON under ``/api/``, the site's own pages elsewhere.

A request that fails before a DRF view answers, or outside one — an unknown URL, a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE``, a control character in the URL, a crash — is answered by Django's
``handler400/403/404/500``, which render HTML. A client of the API reads JSON, so under ``/api/``
these answer in the shapes the schema documents (``cesi_cert.api``): a 400 is
``{"field": ["message"]}`` (``non_field_errors`` when no field is to blame), anything else
``{"detail": "message"}``. The root URLconf installs them (``cesi_cert/urls.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token
from rest_framework.settings import api_settings

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def too_large_message() -> str:
    return _("The request is too large: send at most %(limit)s besides files.") % {
        "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    }


def bad_request_message(exception=None) -> str:
    """What to tell the client about a request Django could not read (never the exception's own
    text, which may quote what was sent)."""
    if isinstance(exception, RequestDataTooBig):
        return too_large_message()
    if isinstance(exception, TooManyFieldsSent):
        return _("The request has too many fields.")
    if isinstance(exception, TooManyFilesSent):
        return _("The request has too many files.")
    return _("The request could not be read.")


def field_errors_response(errors: dict[str, list[str]], status: int = 400) -> JsonResponse:
    return JsonResponse(errors, status=status)


def non_field_error(message: str) -> dict[str, list[str]]:
    return {api_settings.NON_FIELD_ERRORS_KEY: [str(message)]}


def bad_request_page(request, message: str) -> HttpResponseBadRequest:
    # No request context: no context processor may read the session or the user of a request
    # refused for what it carries (400.html needs neither).
    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}))


@requires_csrf_token
def bad_request(request, exception):
    message = bad_request_message(exception)
    if is_api(request):
        return field_errors_response(non_field_error(message))
    return bad_request_page(request, message)


@requires_csrf_token
def permission_denied(request, exception):
    if is_api(request):
        return JsonResponse({"detail": _("You are not allowed to do this.")}, status=403)
    return defaults.permission_denied(request, exception)


@requires_csrf_token
def page_not_found(request, exception):
    if is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


@requires_csrf_token
def server_error(request):
    if is_api(request):
        return JsonResponse(
            {"detail": _("Server error: it has been logged. Please try again in a moment.")},
            status=500,
        )
    return defaults.server_error(request)

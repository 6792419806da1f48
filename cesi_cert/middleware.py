"""Middleware of the whole site: refuse control characters at the door; send a
Content-Security-Policy with every answer."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _

from . import http_errors

#: C0 controls and DEL. Tab, CR and LF are left to the forms: a search pasted from a document
#: may carry them, and they harm nothing.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: In a header even CR and LF are refused (tab is legal whitespace there).
_HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class ControlCharactersMiddleware:
    """Answer 400 to a request whose path, query string or headers hold a control character.

    PostgreSQL cannot store NUL in text, so a NUL that reaches a query — a list filter, a search
    box, a lookup by code, a token, a session cookie — is a database error, a 500, in whichever view forgot to
    check (issue 6 item 2). No address, filter or header of this site needs a control
    character, so they are refused here, once, before any view runs: the API answers
    ``{"<parameter>": ["…"]}`` (the documented 400 shape), a page says which parameter.
    Form and JSON bodies are checked where they are read (Django's and DRF's fields refuse NUL,
    ``cesi_cert.parsers.JSONParser`` refuses it in keys too).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def refusal(self, request):
        if _CONTROL.search(request.path_info):
            return self.refuse(request, None)
        for name, values in request.GET.lists():
            if _CONTROL.search(name):
                return self.refuse(request, None)
            if any(_CONTROL.search(value) for value in values):
                return self.refuse(request, name)
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str) and _HEADER_CONTROL.search(value):
                return self.refuse(request, None)
        # A quoted cookie may spell NUL as "\000", which Python's cookie parser decodes: a
        # session key holding it was a 500 on PostgreSQL on every page.
        if any(_CONTROL.search(k) or _CONTROL.search(v) for k, v in request.COOKIES.items()):
            return self.refuse(request, None)
        return None

    def refuse(self, request, parameter: str | None):
        if http_errors.is_api(request):
            if parameter is None:
                errors = http_errors.non_field_error(
                    _("The request contains a control character (such as NUL).")
                )
            else:
                errors = {
                    parameter: [
                        _(
                            "This value contains a control character (such as NUL); "
                            "remove it and try again."
                        )
                    ]
                }
            return http_errors.field_errors_response(errors)
        if parameter is None:
            message = _("The request contains a control character (such as NUL).")
        else:
            message = _(
                "“%(parameter)s” contains a control character (such as NUL); "
                "remove it and try again."
            ) % {"parameter": parameter}
        return http_errors.bad_request_page(request, message)


class ContentSecurityPolicyMiddleware:
    """Send ``Content-Security-Policy`` (settings ``CONTENT_SECURITY_POLICY``, changed per path
    prefix by ``CONTENT_SECURITY_POLICY_PATHS``) with every answer that has none yet.

    Django 5.2 has no CSP of its own; the policy is built once per path prefix.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        base = dict(settings.CONTENT_SECURITY_POLICY)
        self.default = self.header(base)
        self.by_prefix = [
            (prefix, self.header({**base, **changes}))
            for prefix, changes in settings.CONTENT_SECURITY_POLICY_PATHS.items()
        ]

    @staticmethod
    def header(directives: dict[str, str]) -> str:
        return "; ".join(f"{name} {value}".strip() for name, value in directives.items())

    def policy_for(self, path: str) -> str:
        for prefix, policy in self.by_prefix:
            if path.startswith(prefix):
                return policy
        return self.default

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy_for(request.path_info)
        return response

"""API tokens: the endpoint that hands one out for a username and password.

A token ends when its user's password changes (``User.save``, issue 6 item 8), so a leaked
token dies with the password that was reset because of the leak.
"""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .api import ErrorDetailSerializer, error_responses


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _(
        "Too many failed sign-ins for this account from your address. Wait a while, then try again."
    )
    default_code = "locked_out"


class ObtainTokenApi(ObtainAuthToken):
    """``POST /api/v1/auth/token/``: DRF's token view, with two changes.

    - It reads JSON with our parser (``DEFAULT_PARSER_CLASSES``), whose nesting limit keeps a
      hostile body a 400; DRF's view names its own parsers.
    - During django-axes' lockout it answers 429, as the admin and the portal do, instead of
      DRF's 400 "unable to log in", with ``Retry-After`` set to the cool-off.
    """

    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    @extend_schema(
        summary="Get your API token",
        description=(
            "Send your username and password; use the token as `Authorization: Token <token>`. "
            "Changing your password ends your token."
        ),
        request=AuthTokenSerializer,
        responses={
            200: AuthTokenSerializer,
            **error_responses(400),
            429: OpenApiResponse(
                ErrorDetailSerializer,
                description="Too many failed sign-ins: locked for the time in `Retry-After`.",
            ),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():  # validated once: each try counts once towards the lockout
            if getattr(request, "axes_locked_out", False):
                # django-axes flags the request it refused, or whose failure reached the limit.
                raise locked_out(request)
            raise ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


def locked_out(request) -> LockedOut:
    exc = LockedOut()
    cool_off = get_cool_off(request)
    if cool_off:
        exc.wait = int(cool_off.total_seconds())  # DRF sends it as Retry-After
    return exc

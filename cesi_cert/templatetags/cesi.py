"""Template helpers every page uses: ``{% load cesi %}``."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def cb_name() -> str:
    """The certification body's name (``settings.CB_NAME``) for headers and titles."""
    return settings.CB_NAME


@register.inclusion_tag("admin/cesi_cert/_panels.html", takes_context=True)
def home_panels(context, place: str):
    """The panels apps registered for ``place`` (the admin home uses ``"admin"``)."""
    from ..panels import panels_for

    return {"panels": panels_for(place, context["request"].user), "request": context["request"]}

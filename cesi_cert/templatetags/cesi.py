"""Template helpers every page uses: ``{% load cesi %}``."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def cb_name() -> str:
    """The certification body's name (``settings.CB_NAME``) for headers and titles."""
    return settings.CB_NAME

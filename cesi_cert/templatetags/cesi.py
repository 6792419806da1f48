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


@register.filter
def human_join(items) -> str:
    """``{{ names|human_join }}``: 「甲、乙、丙」 in Chinese, "a, b, c" in English."""
    from ..text import human_join as join

    return join(items or [])


@register.simple_tag
def rule(clause: str):
    """``{% rule "3.1.3" %}``: a small "§3.1.3" after a plain-words sentence, for those who want
    to look the rule up; hovering (or a screen reader) names the document it is from."""
    from django.utils.html import format_html
    from django.utils.translation import gettext

    title = gettext("Clause %(clause)s of the service certification procedure rules (CESI-SC-OD01)")
    return format_html(
        '<small class="rule-ref" title="{}">§{}</small>', title % {"clause": clause}, clause
    )

"""The customer-service work queue on the admin home page."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("admin/applications/_queue.html", takes_context=True)
def application_queue(context):
    user = context["request"].user
    if not user.has_perm("applications.view_application"):
        return {"queue": []}
    return {"queue": selectors.application_queue()}

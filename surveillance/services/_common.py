"""What every surveillance service shares."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone, translation

from applications.notices import org_name
from applications.selectors import organization_members
from cesi_cert.notifications import bilingual


def members_of(organization):
    return organization_members(organization)


def choice_param(obj, field: str) -> dict:
    """A choice's label in both languages (a notice parameter)."""
    getter = getattr(obj, f"get_{field}_display")
    with translation.override("zh-hans"):
        zh = str(getter())
    with translation.override("en"):
        en = str(getter())
    return bilingual(zh, en)


def local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def notice_params(notice, **more) -> dict:
    return {
        "ref": notice.reference,
        "org": org_name(notice.organization),
        "kind": choice_param(notice, "kind"),
        "occurred": local(notice.occurred_at),
        "due": local(notice.due_at),
        **more,
    }


def notice_staff_link(notice) -> str:
    return reverse("admin:surveillance_organizationnotice_change", args=[notice.pk])


def case_staff_link(case) -> str:
    return reverse("admin:surveillance_case_change", args=[case.pk])


def held_certificates(organization):
    """The organisation's own active or suspended certificates (§3.4: those kept alive)."""
    from certificates.models import Certificate

    return Certificate.objects.filter(
        organization=organization, state__in=Certificate.HELD_STATES
    ).order_by("number")


def notice_certificate(organization, certificate):
    """The certificate a notification concerns: the one given (it must be the organisation's
    own, held), or the organisation's only held certificate, or none."""
    from django.utils.translation import gettext_lazy as _

    from cesi_cert.errors import invalid

    held = held_certificates(organization)
    if certificate is not None:
        if not held.filter(pk=certificate.pk).exists():
            raise invalid("certificate", _("Choose one of the organisation's own certificates."))
        return certificate
    only = list(held[:2])
    return only[0] if len(only) == 1 else None

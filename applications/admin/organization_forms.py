"""The forms of the organisation admin's actions (:mod:`.organizations`).

Each feeds one service; the forms only shape the input. A form acting on one of the
organisation's rows (a site, a membership) chooses among that organisation's rows only, and
when opened from the row's link shows that row without letting the post change it.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..forms import InviteForm, OrganizationForm, SiteForm
from ..models import Invitation, Membership, Site
from ..services import ORGANIZATION_FILES

__all__ = [
    "AdminInviteForm",
    "InvitationChoiceForm",
    "MemberChoiceForm",
    "OrganizationDetailsForm",
    "SiteChoiceForm",
    "SiteEditForm",
    "SiteForm",
]


class OrganizationDetailsForm(OrganizationForm):
    """The portal's organisation form, prefilled with the current values.

    The evidence files are optional: one uploaded now goes to ``organization_update``, which
    content-checks it and replaces the file on record; none uploaded keeps the file on record.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep = _("PDF or image; leave empty to keep the file on record.")
        for name in ORGANIZATION_FILES:
            field = self.fields[name]
            field.widget = forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"})
            field.help_text = (
                format_lazy("{} {}", field.help_text, keep) if field.help_text else keep
            )

    def clean(self):
        super().clean()
        # Only what the service takes: the values, and a file only when one is to be stored
        # now (uploaded in this round or kept from an earlier one), never the file on record.
        return self.service_fields()


def _choose_row(form, name: str, queryset, selected):
    """Limit ``form.fields[name]`` to ``queryset``; fix it to the row ``selected`` if it is one."""
    field = form.fields[name]
    field.queryset = queryset
    # ASCII digits of a database id only: str.isdigit() also takes "²", which the lookup refuses.
    is_id = re.fullmatch(r"[0-9]{1,18}", str(selected or "")) is not None
    row = queryset.filter(pk=selected).first() if is_id else None
    if row is not None:
        field.initial = row.pk
        field.disabled = True  # a disabled field takes its initial value, never the posted one
    return row


class SiteChoiceForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())

    def __init__(self, *args, organization, selected=None, **kwargs):
        super().__init__(*args, **kwargs)
        _choose_row(self, "site", organization.sites.all(), selected)


class SiteEditForm(SiteForm):
    """The site to change and its new values (prefilled from the site opened from its row)."""

    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    field_order = ["site"]

    def __init__(self, *args, organization, selected=None, **kwargs):
        super().__init__(*args, **kwargs)
        site = _choose_row(self, "site", organization.sites.all(), selected)
        if site is not None:
            self.initial.update({name: getattr(site, name) for name in SiteForm.Meta.fields})


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        user = membership.user
        name = user.get_full_name() or user.username
        return f"{name} <{user.email}>" if user.email else name


class MemberChoiceForm(forms.Form):
    membership = MemberChoiceField(label=_("Member"), queryset=Membership.objects.none())

    def __init__(self, *args, organization, selected=None, **kwargs):
        super().__init__(*args, **kwargs)
        members = organization.memberships.select_related("user").order_by("-is_admin", "pk")
        _choose_row(self, "membership", members, selected)


class InvitationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, invitation):
        return f"{invitation.email} ({invitation.get_status_display()})"


class InvitationChoiceForm(forms.Form):
    invitation = InvitationChoiceField(label=_("Invitation"), queryset=Invitation.objects.none())

    def __init__(self, *args, organization, selected=None, **kwargs):
        super().__init__(*args, **kwargs)
        _choose_row(self, "invitation", organization.invitations.filter(Invitation.OPEN), selected)


class AdminInviteForm(InviteForm):
    """The portal's "invite a colleague" form, worded for the certification body's staff."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address to invite")

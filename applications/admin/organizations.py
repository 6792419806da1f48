"""Organisations (§2) with their sites and member users: read here, changed only by actions.

Each action is a form on its own page that calls one service of
``applications.services`` — the same functions the portal and the API call — so the §2.2 a
rules, the content check of evidence uploads, "members join only by accepting an invitation"
and "an organisation keeps one administrator" hold in the admin too. The forms are in
:mod:`.organization_forms`.
"""

from __future__ import annotations

import mimetypes

from django.contrib import admin
from django.contrib.admin.utils import display_for_value, quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cesi_cert.admin_tools import (
    HistoryWithoutRevertMixin,
    ObjectAction,
    ObjectActionsMixin,
    ReadOnlyInlineMixin,
    ServiceOnlyAdminMixin,
    admin_url,
)
from cesi_cert.files import serve_private_file

from .. import permissions, selectors, services
from ..models import Invitation, Membership, Organization, Site
from .organization_forms import (
    AdminInviteForm,
    InvitationChoiceForm,
    MemberChoiceForm,
    OrganizationDetailsForm,
    SiteChoiceForm,
    SiteEditForm,
    SiteForm,
)

EVIDENCE_FIELDS = services.ORGANIZATION_FILES

CHANGE_REFUSED = _("You are not allowed to change this organisation.")
MEMBERS_REFUSED = _("You are not allowed to change the members of this organisation.")


def _row_action_url(inline, action: str, organization_pk, **query) -> str:
    url = reverse(
        f"{inline.admin_site.name}:applications_organization_{action}",
        args=[quote(organization_pk)],
    )
    return f"{url}?{urlencode(query)}"


def _row_links(links):
    return format_html_join(" · ", '<a href="{}">{}</a>', links)


class RowActionsInlineMixin:
    """A read-only inline whose rows link to the organisation's actions on that row.

    The links column is shown only to users allowed to run them (``row_actions_allowed``).
    """

    row_actions_allowed = None  # row_actions_allowed(user, organization) -> bool

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None or not self.row_actions_allowed(request.user, obj):
            fields.remove("row_actions")
        return fields


class SiteInline(RowActionsInlineMixin, ReadOnlyInlineMixin, admin.TabularInline):
    model = Site
    fields = ("name", "address", "activities", "is_central", "row_actions")
    row_actions_allowed = staticmethod(permissions.can_edit_organization)

    @admin.display(description=_("Actions"))
    def row_actions(self, site):
        org = site.organization_id
        return _row_links(
            [
                (_row_action_url(self, "site_edit", org, site=site.pk), _("Edit")),
                (_row_action_url(self, "site_delete", org, site=site.pk), _("Delete")),
            ]
        )


class MembershipInline(RowActionsInlineMixin, ReadOnlyInlineMixin, admin.TabularInline):
    model = Membership
    fields = ("user", "email", "is_admin", "member_since", "row_actions")
    verbose_name = _("member")
    verbose_name_plural = _("members (applicant users acting for the organisation)")
    row_actions_allowed = staticmethod(permissions.can_manage_members)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description=_("E-mail"))
    def email(self, membership):
        return membership.user.email

    @admin.display(description=_("member since"))
    def member_since(self, membership):
        return display_for_value(membership.created_at, "-")

    @admin.display(description=_("Actions"))
    def row_actions(self, membership):
        org = membership.organization_id
        toggle = (
            ("member_revoke_admin", _("Revoke administrator"))
            if membership.is_admin
            else ("member_make_admin", _("Make administrator"))
        )
        return _row_links(
            [
                (_row_action_url(self, toggle[0], org, membership=membership.pk), toggle[1]),
                (
                    _row_action_url(self, "member_remove", org, membership=membership.pk),
                    _("Remove"),
                ),
            ]
        )


class InvitationInline(RowActionsInlineMixin, ReadOnlyInlineMixin, admin.TabularInline):
    """Invitations of the organisation not yet answered nor withdrawn (nobody is a member until
    they accept); each can be withdrawn from its row."""

    model = Invitation
    fields = ("email", "is_admin", "invited_by", "sent", "expires", "status", "row_actions")
    verbose_name = _("open invitation")
    verbose_name_plural = _("open invitations (not members until accepted)")
    row_actions_allowed = staticmethod(permissions.can_manage_members)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(Invitation.OPEN).select_related("invited_by")

    @admin.display(description=_("invited"))
    def sent(self, invitation):
        return display_for_value(invitation.created_at, "-")

    @admin.display(description=_("expires"))
    def expires(self, invitation):
        return display_for_value(invitation.expires_at, "-")

    @admin.display(description=_("status"))
    def status(self, invitation):
        return invitation.get_status_display()

    @admin.display(description=_("Actions"))
    def row_actions(self, invitation):
        url = _row_action_url(
            self, "invitation_revoke", invitation.organization_id, invitation=invitation.pk
        )
        return _row_links([(url, _("Withdraw"))])


# --- what each action does: one service call ----------------------------------------------------


def _details_kwargs(org, request):
    # A copy: the form writes the posted values onto its instance while validating.
    return {"instance": Organization.objects.get(pk=org.pk), "uploader": request.user}


def _rows_kwargs(param: str):
    def form_kwargs(org, request):
        return {"organization": org, "selected": request.GET.get(param)}

    return form_kwargs


def _delete_site(org, by, data) -> Site:
    services.site_delete(site=data["site"], by=by)
    return data["site"]


def _remove_member(org, by, data) -> Membership:
    services.membership_remove(membership=data["membership"], by=by)
    return data["membership"]


def _who(membership) -> str:
    return membership.user.get_full_name() or membership.user.username


ORGANIZATION_ACTIONS = (
    ObjectAction(
        name="edit",
        # Not "edit": <path:object_id>/edit/ would also match …/sites/edit/.
        route="details",
        title=_("Edit details"),
        form_class=OrganizationDetailsForm,
        form_kwargs=_details_kwargs,
        allowed=permissions.can_edit_organization,
        perform=lambda org, by, data: services.organization_update(organization=org, by=by, **data),
        success=lambda org, result: _("The organisation's details are saved."),
        refused=CHANGE_REFUSED,
        help_text=_(
            "§2.2 a: an organisation that is part of a legal entity names that entity and has "
            "evidence that it can bear legal liability independently. An uploaded file replaces "
            "the one on file; uploads are checked like the applicant's."
        ),
        submit_label=_("Save"),
    ),
    ObjectAction(
        name="site_add",
        route="sites/add",
        title=_("Add a site"),
        form_class=SiteForm,
        allowed=permissions.can_edit_organization,
        perform=lambda org, by, data: services.site_create(organization=org, by=by, **data),
        success=lambda org, site: _("Site “%(name)s” is added.") % {"name": site.name},
        refused=CHANGE_REFUSED,
    ),
    ObjectAction(
        name="site_edit",
        route="sites/edit",
        title=_("Edit site"),
        form_class=SiteEditForm,
        form_kwargs=_rows_kwargs("site"),
        allowed=permissions.can_edit_organization,
        perform=lambda org, by, data: services.site_update(site=data.pop("site"), by=by, **data),
        success=lambda org, site: _("The site is saved."),
        refused=CHANGE_REFUSED,
        submit_label=_("Save"),
        in_object_tools=False,
    ),
    ObjectAction(
        name="site_delete",
        route="sites/delete",
        title=_("Delete site"),
        form_class=SiteChoiceForm,
        form_kwargs=_rows_kwargs("site"),
        allowed=permissions.can_edit_organization,
        perform=_delete_site,
        success=lambda org, site: _("Site “%(name)s” is deleted.") % {"name": site.name},
        refused=CHANGE_REFUSED,
        help_text=_("A site that is part of an application already handed in cannot be deleted."),
        submit_label=_("Delete"),
        in_object_tools=False,
    ),
    ObjectAction(
        name="member_invite",
        route="members/invite",
        title=_("Invite member"),
        form_class=AdminInviteForm,
        allowed=permissions.can_manage_members,
        perform=lambda org, by, data: services.membership_invite(organization=org, by=by, **data),
        # The same answer whether or not the address has an account (no name, no "unknown").
        success=lambda org, invitation: services.INVITATION_SENT % {"email": invitation.email},
        refused=MEMBERS_REFUSED,
        help_text=_(
            "The address gets an e-mail with a link; the person becomes a member only by "
            "accepting it with an applicant account using that address. Staff of the "
            "certification body are never members of an organisation."
        ),
        submit_label=_("Send the invitation"),
    ),
    ObjectAction(
        name="invitation_revoke",
        route="invitations/revoke",
        title=_("Withdraw invitation"),
        form_class=InvitationChoiceForm,
        form_kwargs=_rows_kwargs("invitation"),
        allowed=permissions.can_manage_members,
        perform=lambda org, by, data: services.invitation_revoke(
            invitation=data["invitation"], by=by
        ),
        success=lambda org, invitation: (
            _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        ),
        refused=MEMBERS_REFUSED,
        submit_label=_("Withdraw"),
        in_object_tools=False,
    ),
    ObjectAction(
        name="member_remove",
        route="members/remove",
        title=_("Remove member"),
        form_class=MemberChoiceForm,
        form_kwargs=_rows_kwargs("membership"),
        allowed=permissions.can_manage_members,
        perform=_remove_member,
        success=lambda org, membership: (
            _("%(user)s is no longer a member.") % {"user": _who(membership)}
        ),
        refused=MEMBERS_REFUSED,
        submit_label=_("Remove"),
        in_object_tools=False,
    ),
    ObjectAction(
        name="member_make_admin",
        route="members/make-admin",
        title=_("Make administrator"),
        form_class=MemberChoiceForm,
        form_kwargs=_rows_kwargs("membership"),
        allowed=permissions.can_manage_members,
        perform=lambda org, by, data: services.membership_set_admin(
            membership=data["membership"], by=by, is_admin=True
        ),
        success=lambda org, membership: (
            _("%(user)s now manages the organisation's members.") % {"user": _who(membership)}
        ),
        refused=MEMBERS_REFUSED,
        in_object_tools=False,
    ),
    ObjectAction(
        name="member_revoke_admin",
        route="members/revoke-admin",
        title=_("Revoke administrator"),
        form_class=MemberChoiceForm,
        form_kwargs=_rows_kwargs("membership"),
        allowed=permissions.can_manage_members,
        perform=lambda org, by, data: services.membership_set_admin(
            membership=data["membership"], by=by, is_admin=False
        ),
        success=lambda org, membership: (
            _("%(user)s no longer manages the organisation's members.") % {"user": _who(membership)}
        ),
        refused=MEMBERS_REFUSED,
        help_text=_("An organisation always keeps at least one administrator."),
        in_object_tools=False,
    ),
)


@admin.register(Organization)
class OrganizationAdmin(
    ServiceOnlyAdminMixin, ObjectActionsMixin, HistoryWithoutRevertMixin, SimpleHistoryAdmin
):
    """Organisations are read here; there is no "add": applicants register their organisation
    in the portal and become its first member (``services.organization_create``).

    The change page is read-only, sites and members included. Customer service changes an
    organisation through the actions on that page (edit the details, add a site, invite a
    member; edit, delete, remove, make or revoke administrator, withdraw an invitation from a
    row), each calling its service.
    Other staff roles only read.
    """

    # The portal pages are the applicant's; staff work here.
    view_on_site = False
    change_form_template = "admin/applications/organization/change_form.html"
    object_actions = ORGANIZATION_ACTIONS
    list_display = (
        "name_zh",
        "name_en",
        "credit_code",
        "applicant_type",
        "contact_name",
        "created_at",
    )
    list_filter = ("applicant_type", "part_of_legal_entity")
    search_fields = ("name_zh", "name_en", "credit_code")
    date_hierarchy = "created_at"
    inlines = (SiteInline, MembershipInline, InvitationInline)
    fieldsets = (
        (None, {"fields": ("name_zh", "name_en", "credit_code", "applicant_type")}),
        (_("Addresses"), {"fields": ("address_zh", "address_en")}),
        (
            _("Legal status (§2.2 a)"),
            {
                "fields": (
                    "legal_status_evidence_link",
                    "part_of_legal_entity",
                    "parent_entity_name",
                    "independent_liability_evidence_link",
                )
            },
        ),
        (
            _("Contact"),
            {"fields": ("contact_name", "contact_phone", "contact_email", "created_at")},
        ),
    )
    # Every field is shown read-only (no change permission); these are the computed ones.
    readonly_fields = (
        "legal_status_evidence_link",
        "independent_liability_evidence_link",
        "created_at",
    )

    def get_queryset(self, request):
        return selectors.organizations_for(request.user)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/evidence/<str:field>/",
                self.admin_site.admin_view(self.evidence_view),
                name="applications_organization_evidence",
            ),
            *super().get_urls(),
        ]

    def _evidence_link(self, org, field):
        if not org or not org.pk or not getattr(org, field):
            return _("not uploaded")
        return format_html(
            '<a href="{}">{}</a>', admin_url(self, "evidence", org.pk, field), _("Download")
        )

    @admin.display(description=_("legal status evidence"))
    def legal_status_evidence_link(self, org):
        return self._evidence_link(org, "legal_status_evidence")

    @admin.display(description=_("evidence of independent legal liability"))
    def independent_liability_evidence_link(self, org):
        return self._evidence_link(org, "independent_liability_evidence")

    def evidence_view(self, request, object_id, field):
        """Stream an evidence file (stored privately, never under a public URL)."""
        org = self.get_object(request, unquote(object_id))
        if org is None or field not in EVIDENCE_FIELDS or not getattr(org, field):
            raise Http404
        if not self.has_view_or_change_permission(request, org):
            raise PermissionDenied
        stored = getattr(org, field)
        ext = stored.name.rsplit(".", 1)[-1].lower()
        return serve_private_file(
            stored,
            download_name=f"{org.credit_code}-{field}.{ext}",
            content_type=mimetypes.guess_type(stored.name)[0] or "application/octet-stream",
        )

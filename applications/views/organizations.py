"""Organisations (§2) and their sites (§3.2.2.2)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cesi_cert.errors import DomainError
from cesi_cert.files import ALLOWED_TYPES, serve_private_file

from .. import permissions, selectors, services
from ..forms import OrganizationForm, SiteForm
from ..models import Membership, Organization
from ..validators import normalize_credit_code, validate_credit_code
from ._common import (
    add_domain_errors,
    applicant_required,
    get_organization,
    posted,
    posted_files,
    refused,
)


class PortalOrganizationForm(OrganizationForm):
    """The shared organisation form, with the credit code checked only by the service's rule.

    The model field's ``max_length`` would answer a 19-character code with a generic message;
    :func:`validate_credit_code` (which the service runs too) says exactly what is wrong
    (GB 32100-2015). The file inputs have no "clear" box: evidence is replaced, not removed.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["credit_code"]
        code.max_length = None
        code.validators = []
        code.widget.attrs.update({"maxlength": "18", "autocomplete": "off", "spellcheck": "false"})
        for name in services.ORGANIZATION_FILES:
            self.fields[name].widget = forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"})

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        try:
            validate_credit_code(code)
        except ValidationError as e:
            raise ValidationError(e.messages[0]) from None
        return code


@applicant_required
@require_http_methods(["GET", "POST"])
def organization_create(request):
    """Register an organisation; the service makes the applicant its member."""
    form = PortalOrganizationForm(posted(request), posted_files(request), uploader=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(by=request.user, **form.service_fields())
        except DomainError as err:
            add_domain_errors(form, err)
        else:
            form.discard_kept()
            messages.success(
                request,
                _(
                    "%(name)s is registered. Add the sites where the service is provided, then apply."
                )
                % {"name": org.name},
            )
            return redirect(org)
    context = {"form": form, "organization": None}
    return render(request, "applications/organization_form.html", context)


@applicant_required
def organization_detail(request, pk):
    org = get_organization(request, pk)
    user = request.user
    manages = permissions.can_manage_members(user, org)
    return render(
        request,
        "applications/organization_detail.html",
        {
            "organization": org,
            "sites": org.sites.all(),
            "applications": selectors.applications_for(user).filter(organization=org),
            "can_edit": permissions.can_edit_organization(user, org),
            "can_apply": permissions.can_act_for(user, org),
            "memberships": org.memberships.select_related("user").order_by(
                "-is_admin", "created_at"
            ),
            "can_manage_members": manages,
            "invitations": selectors.open_invitations(org) if manages else [],
        },
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def organization_edit(request, pk):
    org = get_organization(request, pk)
    form = PortalOrganizationForm(
        posted(request),
        posted_files(request),
        # A copy: validating writes the posted values onto the instance, and the page must go
        # on showing what is stored (its name, whether evidence is on file), not what was typed.
        instance=Organization.objects.get(pk=org.pk),
        uploader=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(organization=org, by=request.user, **form.service_fields())
        except DomainError as err:
            if response := refused(request, form, err, org):
                return response
        else:
            form.discard_kept()
            messages.success(request, _("The organisation's details are saved."))
            return redirect(org)
    context = {"form": form, "organization": org}
    return render(request, "applications/organization_form.html", context)


@applicant_required
@require_http_methods(["GET", "POST"])
def site_create(request, pk):
    org = get_organization(request, pk)
    form = SiteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_create(organization=org, by=request.user, **form.cleaned_data)
        except DomainError as err:
            if response := refused(request, form, err, org):
                return response
        else:
            messages.success(request, _("Site “%(name)s” is added.") % {"name": site.name})
            return redirect(f"{org.get_absolute_url()}#sites")
    context = {"form": form, "organization": org, "site": None}
    return render(request, "applications/site_form.html", context)


@applicant_required
@require_http_methods(["GET", "POST"])
def site_edit(request, pk):
    site = get_object_or_404(selectors.sites_for(request.user), pk=pk)
    org = site.organization
    form = SiteForm(posted(request), instance=site)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(site=site, by=request.user, **form.cleaned_data)
        except DomainError as err:
            if response := refused(request, form, err, org):
                return response
        else:
            messages.success(request, _("The site is saved."))
            return redirect(f"{org.get_absolute_url()}#sites")
    context = {"form": form, "organization": org, "site": site}
    return render(request, "applications/site_form.html", context)


@applicant_required
@require_http_methods(["GET", "POST"])
def site_delete(request, pk):
    site = get_object_or_404(selectors.sites_for(request.user), pk=pk)
    org = site.organization
    if request.method == "POST":
        try:
            services.site_delete(site=site, by=request.user)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("Site “%(name)s” is deleted.") % {"name": site.name})
        return redirect(f"{org.get_absolute_url()}#sites")
    return render(
        request,
        "applications/confirm_delete.html",
        {
            "title": _("Delete site"),
            "question": _("Delete the site “%(name)s”?") % {"name": site.name},
            "cancel_url": org.get_absolute_url(),
            "organization": org,
        },
    )


@login_required
def organization_evidence(request, pk, field):
    """Stream an organisation's evidence file to its members and to CB staff (404 otherwise)."""
    if field not in services.ORGANIZATION_FILES:
        raise Http404
    org = get_organization(request, pk)
    stored = getattr(org, field)
    if not stored:
        raise Http404
    ext = stored.name.rsplit(".", 1)[-1].lower()
    content_type = ALLOWED_TYPES.get(ext, ("application/octet-stream",))[0]
    return serve_private_file(
        stored, download_name=f"{org.credit_code}-{field}.{ext}", content_type=content_type
    )


@applicant_required
@require_http_methods(["POST"])
def member_remove(request, pk):
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organization").filter(
            organization__in=selectors.organizations_for(request.user)
        ),
        pk=pk,
    )
    org = membership.organization
    try:
        services.membership_remove(membership=membership, by=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        who = membership.user.get_full_name() or membership.user.username
        messages.success(request, _("%(user)s is no longer a member.") % {"user": who})
    return redirect(f"{org.get_absolute_url()}#members")

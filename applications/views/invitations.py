"""Invitations to act for an organisation: sent from the organisation page, answered by the
invited person from the e-mailed link or the portal home (``services.membership_invite`` …)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cesi_cert.errors import DomainError
from cesi_cert.tokens import token_hash

from .. import selectors, services
from ..forms import InviteForm
from ..models import Invitation
from ._common import applicant_required, get_organization, posted, refused


@applicant_required
@require_http_methods(["GET", "POST"])
def member_invite(request, pk):
    """Invite a colleague by e-mail; the answer is the same whether the address has an account."""
    org = get_organization(request, pk)
    form = InviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.membership_invite(
                organization=org, by=request.user, **form.cleaned_data
            )
        except DomainError as err:
            if response := refused(request, form, err, org):
                return response
        else:
            messages.success(request, services.INVITATION_SENT % {"email": invitation.email})
            return redirect(f"{org.get_absolute_url()}#members")
    return render(request, "applications/member_form.html", {"form": form, "organization": org})


@applicant_required
@require_http_methods(["POST"])
def invitation_revoke(request, pk):
    invitation = get_object_or_404(selectors.invitations_managed_by(request.user), pk=pk)
    org = invitation.organization
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
    return redirect(f"{org.get_absolute_url()}#members")


@applicant_required
def invitation_open(request, token):
    """The e-mailed link (after logging in, the login page brings the person back here).

    Only the hash of the token is stored; the link leads to the invitation's page when it was
    sent to the signed-in account's address, and says so — without the address — otherwise."""
    invitation = Invitation.objects.filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise Http404
    if not selectors.invitations_for(request.user).filter(pk=invitation.pk).exists():
        messages.error(
            request,
            _(
                "This invitation was sent to another e-mail address; log in with the account "
                "that uses it."
            ),
        )
        return redirect("portal:home")
    return redirect(invitation)


@applicant_required
@require_http_methods(["GET", "POST"])
def invitation_detail(request, pk):
    """An invitation to the signed-in person: what it is, and accept or decline (404 for others)."""
    invitation = get_object_or_404(selectors.invitations_for(request.user), pk=pk)
    if request.method == "POST":
        decision = request.POST.get("decision")
        service = {
            "accept": services.invitation_accept,
            "decline": services.invitation_decline,
        }.get(decision)
        if service is None:
            messages.error(request, _("Choose to accept or to decline the invitation."))
            return redirect(invitation)
        try:
            service(invitation=invitation, by=request.user)
        except DomainError as err:
            messages.error(request, err.message)
            return redirect(invitation)
        org = invitation.organization
        if decision == "accept":
            messages.success(request, _("You can now act for %(org)s.") % {"org": org.name})
            return redirect(org)
        messages.success(request, _("You declined the invitation of %(org)s.") % {"org": org.name})
        return redirect("portal:home")
    return render(request, "applications/invitation.html", {"invitation": invitation})

"""The notices this app sends (cesi_cert.notifications): a one-line subject and a body each,
rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from cesi_cert.notifications import NoticeKind, bilingual

APPLICATION_SUBMITTED = NoticeKind(
    "application.submitted",
    subject=_("Application %(ref)s submitted"),
    body=_("%(org)s submitted application %(ref)s."),
)
APPLICATION_RESUBMITTED = NoticeKind(
    "application.resubmitted",
    subject=_("Application %(ref)s: change request answered"),
    body=_("%(org)s answered the change request on application %(ref)s."),
)
APPLICATION_CHANGES_REQUESTED = NoticeKind(
    "application.changes_requested",
    subject=_("Application %(ref)s needs changes"),
    body=_("Application %(ref)s needs changes: %(changes)s"),
)
APPLICATION_ACCEPTED = NoticeKind(
    "application.accepted",
    subject=_("Application %(ref)s accepted"),
    body=_("Application %(ref)s was accepted; the contract follows."),
)
APPLICATION_REJECTED = NoticeKind(
    "application.rejected",
    subject=_("Application %(ref)s rejected"),
    body=_("Application %(ref)s was rejected: %(reasons)s"),
)
APPLICATION_WITHDRAWN = NoticeKind(
    "application.withdrawn",
    subject=_("Application %(ref)s withdrawn"),
    body=_("Application %(ref)s was withdrawn."),
)
CONTRACT_SIGNED = NoticeKind(
    "contract.signed",
    subject=_("Contract %(number)s recorded"),
    body=_("Contract %(number)s for application %(ref)s is recorded."),
)
DOCUMENT_PUBLISHED = NoticeKind(
    "document.published",
    subject=_("New document for application %(ref)s"),
    body=_("A new document is available for application %(ref)s: %(name)s"),
)
INVITATION_RECEIVED = NoticeKind(
    "invitation.received",
    subject=_("Invitation to act for %(org)s"),
    body=_(
        "%(org)s invites you to act for it in the portal. Open the invitation to accept or "
        "decline it; until you accept, you are not a member."
    ),
)
INVITATION_ACCEPTED = NoticeKind(
    "invitation.accepted",
    subject=_("%(user)s joined %(org)s"),
    body=_("%(user)s accepted the invitation and can now act for %(org)s."),
)


def org_name(organization) -> dict[str, str]:
    """An organisation's name as a notice parameter: Chinese or English by the reader."""
    return bilingual(organization.name_zh, organization.name_en)

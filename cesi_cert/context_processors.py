from .notifications import unread_count
from .roles import STAFF_ROLES, Role, has_role


def roles(request):
    user = request.user
    return {
        "is_staff_role": has_role(user, *STAFF_ROLES),
        "is_applicant": has_role(user, Role.APPLICANT),
        "is_auditor": has_role(user, Role.AUDITOR),
        "is_committee_member": has_role(user, Role.TECHNICAL_COMMITTEE),
        "unread_notifications": unread_count(user),
    }

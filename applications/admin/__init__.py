"""Customer service's screens: schemes, organisations, applications, documents and contracts.

Nothing here writes an application's state: the change page offers the actions of
``APPLICATION_ACTIONS`` (cesi_cert.admin_tools), contracts are amended through
``services.contract_amend``, staff documents are added through ``services.document_upload``, and
organisations, their sites and members change through the actions on the organisation's page,
which call the services of ``applications.services.organizations``.
There are deliberately no bulk actions that change state (``queryset.update(state=…)`` would
bypass the transition log), and no deleting of anything whose history must stay.

Importing this package registers every model admin (Django's admin autodiscovery).
"""

from .application import ApplicationAdmin
from .contracts import ContractAdmin
from .documents import ApplicationDocumentAdmin
from .organizations import OrganizationAdmin
from .schemes import SchemeAdmin

__all__ = [
    "ApplicationAdmin",
    "ApplicationDocumentAdmin",
    "ContractAdmin",
    "OrganizationAdmin",
    "SchemeAdmin",
]

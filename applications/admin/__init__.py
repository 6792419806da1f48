"""Customer service's screens: schemes, organisations, applications, documents and contracts.

Nothing here writes an application's state: the change page offers the actions of
``APPLICATION_ACTIONS`` (cesi_cert.admin_tools), contracts are amended through
``services.contract_amend`` and staff documents are added through ``services.document_upload``.
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

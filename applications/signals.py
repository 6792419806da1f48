"""Facts this app announces to downstream apps (cesi_cert.events), sent after commit."""

from cesi_cert.events import Event

#: The contract of an application is signed (§3.1.4): evaluation planning can start.
#: Sent with ``application`` and ``contract``.
contract_signed = Event("applications.contract_signed")

#: An application was withdrawn by the applicant, by staff or by the system.
#: Sent with ``application`` and ``by`` (a user, or ``SYSTEM``).
application_withdrawn = Event("applications.application_withdrawn")

"""Facts this app announces to downstream apps (cesi_cert.events), sent after commit."""

from cesi_cert.events import Event

#: The team leader submitted the evaluation report (§3.3.2.2): the technical committee's
#: decision can be prepared (certificates app). Sent with ``evaluation``.
report_submitted = Event("evaluations.report_submitted")

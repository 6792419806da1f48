"""Facts this app announces to downstream apps (cesi_cert.events), sent after commit."""

from cesi_cert.events import Event

#: The technical committee made a decision (granted or refused, §3.3). Sent with ``decision``;
#: a grant is where certificate issuing and surveillance cycles start.
decision_made = Event("certificates.decision_made")

"""Facts this app announces to downstream apps (cesi_cert.events), sent after commit."""

from cesi_cert.events import Event

#: The technical committee made a decision (granted or refused, §3.3). Sent with ``decision``;
#: a grant is where certificate issuing and surveillance cycles start.
decision_made = Event("certificates.decision_made")

#: A new certificate was issued (§3.3, §4.1) — not a renewal or a reissue of an existing one.
#: Sent with ``certificate``; surveillance opens the certificate's first cycle (§3.4.2).
certificate_issued = Event("certificates.certificate_issued")

#: A recertification renewed a certificate (§3.5): same number, validity extended from the old
#: expiry. Sent with ``certificate`` and ``previous_expires_on``; surveillance starts the cycles
#: of the new period (§3.4.2).
certificate_renewed = Event("certificates.certificate_renewed")

#: A certificate ended: withdrawn (§5.2) or expired (§3.5). Sent with ``certificate``;
#: surveillance cancels what was still owed on it (its open cycle).
certificate_ended = Event("certificates.certificate_ended")

"""One-time tokens for e-mailed links (confirm a sign-up, accept an invitation).

The link carries a random token; the database keeps only its SHA-256, so a copy of the database
(a backup, a history table, the admin) cannot open anybody's link. A token has 256 bits of
randomness, so an unsalted fast hash is enough: there is nothing to guess by brute force.
"""

from __future__ import annotations

import hashlib
import secrets


def token_hash(token: str) -> str:
    """The stored form of ``token``: 64 hex characters."""
    return hashlib.sha256(str(token).encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh ``(token, hash)``: the token goes into the link, the hash into the row."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)

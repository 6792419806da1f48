"""How much free text a field takes: every limit in one place (issue 6 item 9).

Without a bound a 4.9 MB "scope" was accepted, stored, shown on every page and mailed. The
limits are generous for what a person writes by hand; longer material belongs in an uploaded
document. Characters, not bytes: a Chinese character counts one (PostgreSQL's and SQLite's
``LENGTH`` and Python's ``len`` agree on that).

A ``TextField``'s ``max_length`` is only a hint to forms and serializers, so :func:`bounded_text`
adds the validator the model checks, and :func:`length_check` the check constraint with which
the database refuses whatever a door let through.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

#: The scope of certification (§3.1): a paragraph printed on the certificate, not a document.
SCOPE = 2000
#: What is done at one site (§3.2.2.2): a few lines per site.
ACTIVITIES = 2000
#: Notes, reasons, change requests, amendment descriptions: up to a page, written by a clerk or an
#: applicant and sent by e-mail.
NOTE = 4000
#: The reason of a state change: it holds the note, reasons or change request of its transition,
#: so never less than :data:`NOTE`.
REASON = NOTE


def bounded_text(limit: int) -> dict:
    """Keyword arguments of a ``TextField`` holding at most ``limit`` characters."""
    return {"max_length": limit, "validators": [MaxLengthValidator(limit)]}


def length_check(table: str, field: str, limit: int) -> models.CheckConstraint:
    """The database's own refusal of more than ``limit`` characters in ``field``.

    ``table`` makes the constraint's name unique in the database (``<table>_<field>_length``).
    """
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit), name=f"{table}_{field}_length"
    )

"""Letting the database decide what is unique.

Checking ``exists()`` and then inserting is a race: two requests both find nothing, both insert,
and the loser gets an ``IntegrityError`` — a 500. The database's constraint is the only judge
that cannot be raced, so a service inserts (or updates) inside a savepoint and turns the
violation of *that* constraint into the field error a person understands::

    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError as exc:
        if unique_violation(exc, Contract, "number"):
            raise invalid("number", …) from None
        raise  # another constraint: a bug, not bad input

A friendly ``exists()`` check before it may stay (it answers early, alongside other errors),
but correctness never depends on it.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, connections, models, router

#: SQLite: ``UNIQUE constraint failed: table.col, table.col`` or ``… failed: index 'name'``.
_SQLITE_UNIQUE = re.compile(
    r"^UNIQUE constraint failed: (?:index '(?P<index>[^']+)'|(?P<cols>.+))$"
)
_PG_UNIQUE_VIOLATION = "23505"


def _target(model: type[models.Model], name: str) -> tuple[str | None, frozenset[str] | None]:
    """``(constraint name, columns)`` of ``model``'s uniqueness called ``name``.

    ``name`` is a ``UniqueConstraint``'s name, or the name of a field declared ``unique=True``
    (whose constraint the database names itself, so only its column is known).
    """
    opts = model._meta
    for constraint in opts.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.name == name:
            columns = (
                frozenset(opts.get_field(f).column for f in constraint.fields)
                if constraint.fields
                else None  # on expressions: known by its name only
            )
            return name, columns
    field = next((f for f in opts.concrete_fields if f.name == name), None)
    if field is not None and field.unique:
        return None, frozenset([field.column])
    raise ValueError(f"{opts.label} has no unique constraint or unique field named {name!r}")


def unique_violation(exc: IntegrityError, model: type[models.Model], name: str) -> bool:
    """Whether ``exc`` broke ``model``'s uniqueness ``name`` (a constraint or a unique field).

    PostgreSQL reports the violated constraint's name; for a ``unique=True`` field that name is
    the database's own, so its columns are read from the catalogue and compared. SQLite reports
    the columns, or the index name for a constraint on expressions (``Lower("email")``). Call it
    once the failed savepoint is rolled back — outside the ``atomic()`` block that raised — since
    on PostgreSQL it may query. Other databases are not supported: the answer is ``False``, so
    the error is re-raised rather than mistaken for bad input.
    """
    expected_name, expected_columns = _target(model, name)
    table = model._meta.db_table
    cause = exc.__cause__
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)  # psycopg 3 / 2
        diag = getattr(cause, "diag", None)
        if code != _PG_UNIQUE_VIOLATION or diag is None or diag.table_name != table:
            return False
        if diag.constraint_name == expected_name:
            return True
        if expected_columns is None:
            return False
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, table)
        info = found.get(diag.constraint_name) or {}
        return bool(info.get("unique")) and frozenset(info.get("columns") or ()) == expected_columns
    if connection.vendor == "sqlite":
        if getattr(cause, "sqlite_errorname", None) != "SQLITE_CONSTRAINT_UNIQUE":
            return False
        match = _SQLITE_UNIQUE.match(str(cause))
        if match is None:
            return False
        if match["index"] is not None:
            return match["index"] == expected_name
        columns = [c.strip().rsplit(".", 1) for c in match["cols"].split(",")]
        return (
            expected_columns is not None
            and all(len(c) == 2 and c[0] == table for c in columns)
            and frozenset(c[1] for c in columns) == expected_columns
        )
    return False

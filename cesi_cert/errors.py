"""The one domain error services raise; each edge (API, form, admin) maps it."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the action.

    ``code`` tells the edge how to answer: ``invalid`` (bad or missing input → 400, attached to
    ``field`` when there is one), ``conflict`` (not allowed now → 409), ``forbidden`` (this user
    may never do it → 403; callers answer 404 instead where existence must not leak).
    ``errors`` carries several per-field messages at once (a whole form that failed).
    """

    INVALID = "invalid"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"

    def __init__(self, message, *, code: str = INVALID, field: str | None = None, errors=None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
        self.errors: dict[str, list[str]] = errors or {}

    def field_errors(self) -> dict[str, list[str]]:
        """Per-field messages; a message without a field goes under ``non_field_errors``."""
        if self.errors:
            return {k: [str(m) for m in v] for k, v in self.errors.items()}
        return {self.field or "non_field_errors": [str(self.message)]}


def conflict(message=None) -> DomainError:
    return DomainError(message or _("This action is not allowed now."), code=DomainError.CONFLICT)


def forbidden(message=None) -> DomainError:
    return DomainError(message or _("You are not allowed to do this."), code=DomainError.FORBIDDEN)


def invalid(field: str | None, message) -> DomainError:
    return DomainError(message, code=DomainError.INVALID, field=field)


def invalid_fields(errors: dict[str, list], message=None) -> DomainError:
    """One ``invalid`` error carrying every field's messages, so a form shows them in one round.

    ``field`` is the first field named; with a single message that message is also the error's
    own (what an edge showing only one message says), otherwise ``message`` or a general one.
    """
    messages = [m for msgs in errors.values() for m in msgs]
    if len(messages) == 1:
        message = messages[0]
    return DomainError(
        message or _("Please correct the errors below."),
        code=DomainError.INVALID,
        field=next(iter(errors), None),
        errors=errors,
    )

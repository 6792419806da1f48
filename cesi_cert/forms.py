"""Form helpers shared by the portal, the workspaces and the admin."""

from django import forms

from .errors import DomainError


def add_domain_errors(form, err: DomainError) -> None:
    """Put a service's per-field messages next to the matching fields (others on top)."""
    for field, msgs in err.field_errors().items():
        target = field if field in form.fields else None
        for msg in msgs:
            form.add_error(target, msg)


class IsoDateInput(forms.DateInput):
    """``<input type="date">`` with its value always in ISO (``2026-11-26``).

    A date input accepts nothing else; Django would render the active language's first input
    format instead (``2026/11/26`` in Chinese), which the browser shows as an empty field — and
    the form then answers "this field is required" for a date the user never saw. Parsing is
    unaffected: ISO is among every language's input formats.
    """

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")

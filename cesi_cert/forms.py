"""Form helpers shared by the portal, the workspaces and the admin."""

from .errors import DomainError


def add_domain_errors(form, err: DomainError) -> None:
    """Put a service's per-field messages next to the matching fields (others on top)."""
    for field, msgs in err.field_errors().items():
        target = field if field in form.fields else None
        for msg in msgs:
            form.add_error(target, msg)

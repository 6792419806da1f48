"""Staff screens of the certificates app: read here, changed only by actions and services."""

from . import decisions  # noqa: F401

"""Staff screens of the certificates app: read here, changed only by actions and services."""

from . import certificates, decisions  # noqa: F401

"""Staff screens for certificates: read here, changed only by their actions and services."""

from . import certificates  # noqa: F401

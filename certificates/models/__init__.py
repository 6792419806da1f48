"""The certificates app's models: what the CB decides (decisions) and issues (certificates)."""

from .decisions import *  # noqa: F403

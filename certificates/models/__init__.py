"""The certificates app's models: what the CB decides (decisions) and issues (certificates)."""

from .certificates import *  # noqa: F403
from .decisions import *  # noqa: F403

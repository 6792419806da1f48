from .certificates import *  # noqa: F403

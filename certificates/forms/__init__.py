"""Forms of the certificates app (the fields of its transitions and object actions)."""

from .certificates import *  # noqa: F403 — the certificates half; decisions is a submodule

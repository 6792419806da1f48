"""The transitions of the certificates app as people see them (ActionSets)."""

from .certificates import *  # noqa: F403 — the certificates half; decisions is a submodule

"""Read queries of the certificates app, scoped to who may see them (another's id is a 404)."""

from .certificates import *  # noqa: F403 — the certificates half; decisions is a submodule

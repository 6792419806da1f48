"""Who may do what in the certificates app (STYLE §8): named checks shared by transitions,
services, views, templates and the API."""

from .certificates import *  # noqa: F403 — the certificates half; decisions is a submodule

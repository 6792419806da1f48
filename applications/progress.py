"""Steps after the contract on an application's progress bar, added by downstream apps.

The application's own path ends at "contracted"; what follows (evaluated, certified) belongs to
apps to its right, which register, in ``AppConfig.ready()``, a function
``steps(application) -> [{"label", "done", "reached"}, …]`` (ARCHITECTURE: no upstream app
imports a downstream one).
"""

from __future__ import annotations

from collections.abc import Callable

_providers: dict[str, Callable] = {}


def register(name: str, provider: Callable) -> None:
    _providers[name] = provider


def later_steps(application) -> list[dict]:
    steps: list[dict] = []
    for _name, provider in sorted(_providers.items()):
        steps.extend(provider(application))
    return steps

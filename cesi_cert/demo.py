"""Demo data from every app: ``seed_demo`` (applications) creates the users and organisations,
then calls the seeders downstream apps register here (an auditor's qualifications …), so the
command never imports an app to its right."""

from __future__ import annotations

from collections.abc import Callable

_seeders: list[tuple[int, str, Callable]] = []


def register(name: str, seeder: Callable[[dict], None], *, order: int = 100) -> None:
    """``seeder(users)`` gets the demo users by username; it must be idempotent."""
    global _seeders
    _seeders = [s for s in _seeders if s[1] != name]
    _seeders.append((order, name, seeder))


def run_seeders(users: dict) -> None:
    for _order, _name, seeder in sorted(_seeders, key=lambda s: (s[0], s[1])):
        seeder(users)

"""Multi-site sampling (§3.2.2.2, with IAF MD 1 as the pattern SPEC.md names).

§3.2.2.2: initial certification and recertification are evaluated at every site in scope; a
surveillance of an organisation whose sites do the certified activities in a similar way, under
its authority and control, may sample them. The sizes offered follow IAF MD 1 — with x sites
besides the central function: ⌈√x⌉ at initial, ⌈0.6·√x⌉ at surveillance, ⌈0.8·√x⌉ at
recertification — and at least a quarter of the sample is drawn at random. Staff may override
the size with a justification; the calculation and the override are stored with the plan.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

#: IAF MD 1 factor of √x by evaluation kind; kinds without one are evaluated at every site.
FACTORS = {"initial": 1.0, "surveillance": 0.6, "recertification": 0.8}
#: Kinds that must cover every site whatever the sample size would be (§3.2.2.2).
EVERY_SITE_KINDS = ("initial", "recertification")
RANDOM_SHARE = 0.25


def iaf_md1_size(kind: str, other_sites: int) -> int:
    """The IAF MD 1 figure for ``other_sites`` sites besides the central function."""
    if other_sites <= 0 or kind not in FACTORS:
        return max(other_sites, 0)
    # Round before the ceiling: 0.6·√25 is 3.0000000000000004 in floating point.
    return min(other_sites, math.ceil(round(FACTORS[kind] * math.sqrt(other_sites), 9)))


def sample_size(kind: str, other_sites: int) -> int:
    """Sites to visit besides the central function: all of them where §3.2.2.2 asks for every
    site (and for kinds IAF MD 1 has no factor for), the IAF MD 1 figure otherwise."""
    if kind in EVERY_SITE_KINDS or kind not in FACTORS:
        return max(other_sites, 0)
    return iaf_md1_size(kind, other_sites)


@dataclass(frozen=True)
class Sample:
    chosen: tuple  # the sites to visit
    at_random: tuple  # those of them drawn at random
    size: int


def draw(sites: Sequence, size: int, *, chosen_by_staff: Sequence = (), seed=None) -> Sample:
    """Pick ``size`` of ``sites``: at least ⌈25 %⌉ at random, the rest as staff chose.

    ``chosen_by_staff`` (in preference order) fills the non-random part; the random part is
    drawn from the remaining sites with ``seed`` (stored, so the draw can be shown again).
    """
    size = max(0, min(size, len(sites)))
    n_random = math.ceil(size * RANDOM_SHARE) if size else 0
    picked = [s for s in chosen_by_staff if s in sites][: size - n_random]
    rest = [s for s in sites if s not in picked]
    rng = random.Random(seed)  # noqa: S311 — a documented, repeatable draw, not a secret
    at_random = tuple(rng.sample(rest, min(len(rest), size - len(picked))))
    return Sample(chosen=tuple(picked) + at_random, at_random=at_random, size=size)

"""§3.2.2.2 multi-site sampling with IAF MD 1 sizes; a quarter of the sample at random."""

import pytest

from evaluations.sampling import draw, iaf_md1_size, sample_size


@pytest.mark.parametrize(
    ("kind", "sites", "expected"),
    [
        ("surveillance", 25, 3),  # ⌈0.6·5⌉ (and not 4 from floating-point noise)
        ("surveillance", 10, 2),  # ⌈0.6·3.16⌉
        ("surveillance", 1, 1),
        ("surveillance", 0, 0),
        ("initial", 25, 25),  # §3.2.2.2: every site at initial certification
        ("recertification", 25, 25),  # … and at recertification
        ("special", 7, 7),
    ],
)
def test_sample_sizes(kind, sites, expected):
    assert sample_size(kind, sites) == expected


@pytest.mark.parametrize(
    ("kind", "sites", "expected"),
    [("initial", 25, 5), ("recertification", 25, 4), ("surveillance", 100, 6), ("initial", 2, 2)],
)
def test_the_iaf_md1_figures(kind, sites, expected):
    assert iaf_md1_size(kind, sites) == expected


def test_a_quarter_of_the_sample_is_drawn_at_random_and_the_draw_repeats():
    sites = [f"site-{i}" for i in range(20)]
    sample = draw(sites, 8, chosen_by_staff=sites[:8], seed=42)
    assert len(sample.chosen) == 8 and len(set(sample.chosen)) == 8
    assert len(sample.at_random) == 2  # ⌈8 × 25 %⌉
    assert set(sample.chosen) - set(sample.at_random) == set(sites[:6])
    assert not set(sample.at_random) & set(sites[:6])
    assert draw(sites, 8, chosen_by_staff=sites[:8], seed=42) == sample


def test_a_sample_never_exceeds_the_sites():
    sample = draw(["a", "b"], 5, seed=1)
    assert sorted(sample.chosen) == ["a", "b"] and sample.size == 2

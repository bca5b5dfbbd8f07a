"""The Kuril agreement space: its issues, sizes, constraint and registration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import kurilsim
from kurilsim import InvalidModelError, kuril_space
from kurilsim.kuril import (
    economic_package,
    fisheries_arrangement,
    island_transfer,
    security_regime,
    sovereignty_form,
)


# -- enumeration --------------------------------------------------------------------
def expected_kuril_size(
    islands: str = "nested", sovereignty: bool = False, fisheries: bool = False
) -> int:
    """Product of the issue sizes, minus what the "no islands" constraint removes.

    Without a transfer the security regime (and the sovereignty form) must take
    their first option; the economic package and fisheries stay free.
    """
    n_islands = 16 if islands == "subsets" else 5
    n_security, n_economic = 3, 3
    n_sovereignty = 3 if sovereignty else 1
    n_fisheries = 3 if fisheries else 1
    free = n_economic * n_fisheries
    with_transfer = (n_islands - 1) * n_security * n_sovereignty * free
    without_transfer = 1 * 1 * 1 * free
    return with_transfer + without_transfer


@pytest.mark.parametrize(
    ("kwargs", "literal"),
    [
        ({}, 39),
        ({"islands": "subsets"}, 138),
        ({"sovereignty": True}, 111),
        ({"fisheries": True}, 117),
        ({"sovereignty": True, "fisheries": True}, 333),
        ({"islands": "subsets", "sovereignty": True, "fisheries": True}, 1224),
    ],
)
def test_kuril_space_sizes(kwargs: dict[str, object], literal: int) -> None:
    space = kuril_space(**kwargs)  # type: ignore[arg-type]
    assert len(space) == expected_kuril_size(**kwargs) == literal  # type: ignore[arg-type]
    assert space.options.shape == (literal, len(space.issues))
    assert len(set(space)) == literal  # all distinct


def test_kuril_space_issues() -> None:
    space = kuril_space(sovereignty=True, fisheries=True)
    assert space.issue_names == (
        "islands",
        "security",
        "economic",
        "sovereignty",
        "fisheries",
    )
    assert space.issue("security") == security_regime()
    assert space.issue("economic") == economic_package()
    assert space.issue("sovereignty") == sovereignty_form()
    assert space.issue("fisheries") == fisheries_arrangement()
    assert space.issue("islands") == island_transfer()
    assert len(island_transfer("subsets")) == 16
    with pytest.raises(InvalidModelError, match="'chain'"):
        island_transfer("chain")  # type: ignore[arg-type]
    with pytest.raises(InvalidModelError, match="-1"):
        economic_package((0.0, 1.0, -1.0))


def test_island_transfer_features() -> None:
    issue = island_transfer("subsets")
    count = issue.feature_values("count")
    members = sum(
        issue.feature_values(key)
        for key in ("habomai", "shikotan", "kunashir", "iturup")
    )
    np.testing.assert_array_equal(count, members)
    np.testing.assert_array_equal(issue.feature_values("any"), count > 0)
    assert issue.feature_values("area_share")[issue.option_index("H+S+K+I")] == (
        pytest.approx(1.0)
    )
    assert issue.labels[issue.option_index("H+S")] == "Habomai+Shikotan"
    assert issue.labels[-1] == "all four islands"
    assert issue.labels[0] == "no islands"


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"islands": "subsets"}, {"sovereignty": True, "fisheries": True}],
)
def test_constraint_is_applied(kwargs: dict[str, object]) -> None:
    space = kuril_space(**kwargs)  # type: ignore[arg-type]
    for deal in space:
        if deal["islands"] == "none":
            assert deal["security"] == "us-forces-allowed"
            if "sovereignty" in space.issue_names:
                assert deal["sovereignty"] == "full"
    rows = space.select(islands="none")
    n_free = 3 * (3 if "fisheries" in space.issue_names else 1)
    assert len(rows) == n_free
    # Every other combination is there.
    assert len(space.select(islands="H", security="demilitarised")) == n_free * (
        3 if "sovereignty" in space.issue_names else 1
    )


# -- the "kuril" space builder of scenario files --------------------------------------
def test_kuril_space_is_a_registered_space_builder() -> None:
    builder = kurilsim.space_builder("kuril")
    assert builder.build is kuril_space
    assert builder.options == {
        "islands": ("nested", "subsets"),
        "sovereignty": (False, True),
        "fisheries": (False, True),
    }
    assert builder.space() == kuril_space()
    assert builder.space(islands="subsets", fisheries=True) == kuril_space(
        islands="subsets", fisheries=True
    )


def test_the_kuril_builder_recognises_every_variant() -> None:
    builder = kurilsim.space_builder("kuril")
    for islands, sovereignty, fisheries in itertools.product(
        ("nested", "subsets"), (False, True), (False, True)
    ):
        space = kuril_space(islands=islands, sovereignty=sovereignty, fisheries=fisheries)
        assert builder.recognise(space) == {
            "islands": islands,
            "sovereignty": sovereignty,
            "fisheries": fisheries,
        }
    assert builder.recognise(kuril_space().without_issues("economic")) is None

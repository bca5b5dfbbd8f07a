"""The Kuril agreement space: its issues, sizes, constraint and registration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import kurilsim
from kurilsim import InvalidModelError, kuril_space
from kurilsim.kuril import (
    NAGATO_YEN_BN,
    PHASED_OPTIONS,
    economic_package,
    fisheries_arrangement,
    island_transfer,
    security_regime,
    sovereignty_form,
)


# -- enumeration --------------------------------------------------------------------
def expected_kuril_size(
    islands: str = "nested",
    sovereignty: bool = False,
    fisheries: bool = False,
    phased: bool = True,
) -> int:
    """Product of the issue sizes, minus what the "no islands" constraint removes.

    Without a transfer the security regime (and the sovereignty form) must take
    their first option; the economic package and fisheries stay free.
    """
    n_islands = (16 if islands == "subsets" else 5) + (2 if phased else 0)
    n_security, n_economic = 3, 2
    n_sovereignty = 3 if sovereignty else 1
    n_fisheries = 3 if fisheries else 1
    free = n_economic * n_fisheries
    with_transfer = (n_islands - 1) * n_security * n_sovereignty * free
    without_transfer = 1 * 1 * 1 * free
    return with_transfer + without_transfer


@pytest.mark.parametrize(
    ("kwargs", "literal"),
    [
        ({}, 38),
        ({"phased": False}, 26),
        ({"islands": "subsets"}, 104),
        ({"sovereignty": True}, 110),
        ({"fisheries": True}, 114),
        ({"sovereignty": True, "fisheries": True}, 330),
        ({"islands": "subsets", "sovereignty": True, "fisheries": True}, 924),
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
    assert len(island_transfer("subsets")) == 18
    assert len(island_transfer("subsets", phased=False)) == 16
    with pytest.raises(InvalidModelError, match="'chain'"):
        island_transfer("chain")  # type: ignore[arg-type]
    with pytest.raises(InvalidModelError, match="phased"):
        island_transfer(phased="yes")  # type: ignore[arg-type]


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
    n_free = 2 * (3 if "fisheries" in space.issue_names else 1)
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
        "phased": (True, False),
        "sovereignty": (False, True),
        "fisheries": (False, True),
    }
    assert builder.space() == kuril_space()
    assert builder.space(islands="subsets", fisheries=True) == kuril_space(
        islands="subsets", fisheries=True
    )


def test_the_kuril_builder_recognises_every_variant() -> None:
    builder = kurilsim.space_builder("kuril")
    for islands, phased, sovereignty, fisheries in itertools.product(
        ("nested", "subsets"), (True, False), (False, True), (False, True)
    ):
        space = kuril_space(
            islands=islands, phased=phased, sovereignty=sovereignty, fisheries=fisheries
        )
        assert builder.recognise(space) == {
            "islands": islands,
            "phased": phased,
            "sovereignty": sovereignty,
            "fisheries": fisheries,
        }
    assert builder.recognise(kuril_space().without_issues("economic")) is None


# -- what an agreement settles: phased deals, renunciation, the 1956 islands --------
@pytest.mark.parametrize("chain", ["nested", "subsets"])
def test_settlement_features_follow_their_definitions(chain: str) -> None:
    issue = island_transfer(chain)  # type: ignore[arg-type]
    f = {name: issue.feature_values(name) for name in issue.features}
    count, talks, joint = f["count"], f["talks"], f["joint"]
    small = f["habomai"] + f["shikotan"]
    large = f["kunashir"] + f["iturup"]
    assert set(talks) == set(joint) == {0.0, 1.0}
    assert np.all(talks * joint == 0)  # one phased form at a time
    np.testing.assert_array_equal(f["final"], 1.0 - talks)
    np.testing.assert_array_equal(f["renounced"], (1.0 - talks) * (count < 4))
    np.testing.assert_array_equal(f["renounced_count"], (1.0 - talks) * (4 - count))
    np.testing.assert_array_equal(f["within_1956"], (count > 0) & (large == 0))
    np.testing.assert_array_equal(f["beyond_1956"], large > 0)
    # Phased options transfer exactly Habomai and Shikotan.
    phased = (talks + joint) > 0
    assert np.all(small[phased] == 2)
    assert np.all(large[phased] == 0)
    for key, _, has_talks, has_joint in PHASED_OPTIONS:
        k = issue.option_index(key)
        assert (talks[k], joint[k]) == (has_talks, has_joint)
    assert f["renounced"][issue.option_index("H+S+K+I")] == 0.0
    assert f["renounced"][issue.option_index("none")] == 1.0  # all four renounced


def test_the_status_quo_settles_and_renounces_nothing() -> None:
    space = kuril_space(islands="subsets")
    for name in ("talks", "joint", "final", "renounced", "within_1956", "beyond_1956"):
        assert space.feature(f"islands.{name}")[-1] == 0.0
    assert space.feature("economic.package")[-1] == 0.0


def test_objection_and_veto_rules_can_name_the_new_features() -> None:
    space = kuril_space()
    for rule in ("islands.renounced", "islands.beyond_1956", "islands.any"):
        assert space.has_feature(rule)
    # The 1956 Declaration's structure (two islands, talks to continue) is
    # within the 1956 islands and renounces nothing.
    deal = space.agreement(
        islands="H+S+talks", security="no-us-forces", economic="none"
    )
    row = space.index(deal)
    assert space.feature("islands.renounced")[row] == 0.0
    assert space.feature("islands.within_1956")[row] == 1.0
    assert space.feature("islands.beyond_1956")[row] == 0.0


def test_economic_package_labels_state_the_size() -> None:
    issue = economic_package()
    assert issue.options == ("none", "package")
    assert "Nagato-scale" not in " ".join(issue.labels)
    assert f"~¥{NAGATO_YEN_BN:.0f} bn" in issue.labels[1]
    assert "{japan.package_size}" in issue.labels[1]
    space = kuril_space()
    deal = space.agreement(islands="H+S", security="no-us-forces", economic="package")
    assert "{japan.package_size} x Nagato" in str(deal)

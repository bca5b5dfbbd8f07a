"""Issues, constraints, agreements and agreement spaces; named space builders."""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

import numpy as np
import pytest

from kurilsim import (
    NO_DEAL,
    STATUS_QUO,
    Agreement,
    AgreementSpace,
    Constraint,
    InvalidArgumentError,
    InvalidModelError,
    Issue,
    kuril_space,
)
from kurilsim.kuril import (
    fisheries_arrangement,
    security_regime,
)
from kurilsim.model import (
    SpaceBuilder,
    StatusQuo,
    agreements,
    register_space_builder,
    registered_space_builders,
    space_builder,
)


def small_space() -> AgreementSpace:
    size = Issue(
        name="size",
        options=["small", "large"],
        labels=["a small piece", "a large piece"],
        features={"km2": [1.0, 10.0]},
        status_quo={"km2": -1.0},
    )
    bases = Issue(name="bases", options=["yes", "no"])
    return AgreementSpace([size, bases])


# -- Issue --------------------------------------------------------------------------
def test_issue_defaults_and_normalisation() -> None:
    issue = Issue(name="fisheries", options=["none", "quota"], features={"f": [0, 1]})
    assert issue.options == ("none", "quota")
    assert issue.labels == issue.options
    assert issue.features == {"f": (0.0, 1.0)}
    assert all(isinstance(x, float) for x in issue.features["f"])
    assert len(issue) == 2
    np.testing.assert_array_equal(issue.feature_values("f"), [0.0, 1.0])


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"name": "a", "options": ["x", "y", "x"]}, "'x'"),
        ({"name": "a", "options": ["x", "y"], "labels": ["only"]}, "'only'"),
        ({"name": "a", "options": ["x", "y"], "labels": ["p", "q", "r"]}, "'r'"),
        ({"name": "a", "options": ["x", "y"], "labels": ["p", 3]}, "3"),
        ({"name": "a", "options": ["x", "y"], "features": {"f": [1.0]}}, "'f'"),
        ({"name": "a", "options": ["x", "y"], "features": {"f": [1, 2, 3]}}, "3"),
        (
            {"name": "a", "options": ["x", "y"], "features": {"f": [1.0, math.nan]}},
            "nan",
        ),
        (
            {"name": "a", "options": ["x", "y"], "features": {"f": [math.inf, 1.0]}},
            "inf",
        ),
        (
            {"name": "a", "options": ["x", "y"], "features": {"f": ["p", "q"]}},
            "'p'",
        ),
        ({"name": "a", "options": ["x", "y"], "features": {"g=h": [1, 2]}}, "'g=h'"),
        (
            {"name": "a", "options": ["x", "y"], "status_quo": {"ghost": 1.0}},
            "'ghost'",
        ),
        (
            {
                "name": "a",
                "options": ["x", "y"],
                "features": {"f": [1, 2]},
                "status_quo": {"f": math.nan},
            },
            "nan",
        ),
        ({"name": "a.b", "options": ["x"]}, "'a.b'"),
        ({"name": "a=b", "options": ["x"]}, "'a=b'"),
        ({"name": "a*b", "options": ["x"]}, "'a*b'"),
        ({"name": "w[a]", "options": ["x"]}, "'w[a]'"),
        ({"name": "", "options": ["x"]}, "''"),
        ({"name": "   ", "options": ["x"]}, "'   '"),
        ({"name": 3, "options": ["x"]}, "3"),
        ({"name": "a", "options": []}, "'a'"),
        ({"name": "a", "options": "xy"}, "'xy'"),
        ({"name": "a", "options": ["x", ""]}, "''"),
        ({"name": "a", "options": ["x", "y*z"]}, "'y*z'"),
        ({"name": "a", "options": ["x", "y\nz"]}, r"'y\nz'"),
    ],
)
def test_issue_validation_names_the_bad_value(
    kwargs: dict[str, object], named: str
) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(named)):
        Issue(**kwargs)  # type: ignore[arg-type]


def test_issue_option_lookup_by_key_and_label() -> None:
    issue = security_regime()
    assert issue.option_index("no-us-forces") == 1
    assert issue.option_index("no US forces") == 1
    assert issue.option_index("FULL DEMILITARISATION") == 2
    assert issue.option_index(" us-forces-allowed ") == 0
    with pytest.raises(InvalidModelError, match="'bases'") as info:
        issue.option_index("bases")
    assert "'us-forces-allowed'" in str(info.value)


def test_issue_key_takes_precedence_over_label() -> None:
    # A label that spells another option's key does not shadow the key.
    issue = Issue(name="a", options=["x", "y"], labels=["y", "x"])
    assert issue.option_index("x") == 0
    assert issue.option_index("y") == 1


def test_issue_unknown_feature() -> None:
    with pytest.raises(InvalidModelError, match="'area'") as info:
        security_regime().feature_values("area")
    assert "demilitarised" in str(info.value)


def test_issue_equality_and_hash() -> None:
    a = Issue(name="a", options=["x", "y"], features={"f": [1, 2]})
    b = Issue(name="a", options=("x", "y"), features={"f": (1.0, 2.0)})
    c = Issue(name="a", options=["x", "y"], features={"f": [1, 3]})
    assert a == b
    assert hash(a) == hash(b)
    assert a != c


# -- Constraint ---------------------------------------------------------------------
def test_constraint_semantics() -> None:
    rule = Constraint(
        when={"islands": ["none"], "economic": ["none", "nagato"]},
        require={"security": "us-forces-allowed", "sovereignty": ["full"]},
    )
    assert rule.when == {"islands": ("none",), "economic": ("none", "nagato")}
    assert rule.require == {
        "security": ("us-forces-allowed",),
        "sovereignty": ("full",),
    }
    base = {"islands": "none", "economic": "none", "sovereignty": "full"}
    assert rule.allows({**base, "security": "us-forces-allowed"})
    assert not rule.allows({**base, "security": "no-us-forces"})
    # Every "require" must hold.
    assert not rule.allows(
        {**base, "security": "us-forces-allowed", "sovereignty": "lease"}
    )
    # The condition needs every "when" to hold.
    assert rule.allows({**base, "economic": "larger", "security": "no-us-forces"})
    assert rule.allows({**base, "islands": "H", "security": "no-us-forces"})


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"when": {}, "require": {"a": ["x"]}}, "when"),
        ({"when": {"a": ["x"]}, "require": {}}, "require"),
        ({"when": ["a"], "require": {"a": ["x"]}}, "when"),
        ({"when": {"a": ["x"]}, "require": {"b=c": ["x"]}}, "'b=c'"),
        ({"when": {"a": ["x*"]}, "require": {"b": ["x"]}}, "'x*'"),
    ],
)
def test_constraint_validation(kwargs: dict[str, object], named: str) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(named)):
        Constraint(**kwargs)  # type: ignore[arg-type]


def test_constraint_equality() -> None:
    one = Constraint(when={"a": "x"}, require={"b": ["y"]})
    two = Constraint(when={"a": ["x"]}, require={"b": ("y",)})
    assert one == two
    assert hash(one) == hash(two)
    assert one != Constraint(when={"a": "x"}, require={"b": ["z"]})


def test_unconstrained_product_order() -> None:
    space = small_space()
    assert len(space) == 4
    assert [deal.as_dict() for deal in space] == [
        {"size": "small", "bases": "yes"},
        {"size": "small", "bases": "no"},
        {"size": "large", "bases": "yes"},
        {"size": "large", "bases": "no"},
    ]
    np.testing.assert_array_equal(space.options, [[0, 0], [0, 1], [1, 0], [1, 1]])


def test_callable_constraint() -> None:
    def no_big_base(deal: Agreement) -> bool:
        return not (deal["size"] == "large" and deal["bases"] == "yes")

    issues = small_space().issues
    space = AgreementSpace(issues, [no_big_base])
    assert len(space) == 3
    assert Agreement((("size", "large"), ("bases", "yes"))) not in space
    rule = Constraint(when={"size": ["small"]}, require={"bases": ["no"]})
    both = AgreementSpace(issues, [rule, no_big_base])
    assert [deal.as_dict() for deal in both] == [
        {"size": "small", "bases": "no"},
        {"size": "large", "bases": "no"},
    ]
    assert both.features.shape == (2, len(both.feature_names))


def test_space_validation() -> None:
    issues = small_space().issues
    with pytest.raises(InvalidModelError, match="'size'"):
        AgreementSpace([issues[0], issues[0]])
    with pytest.raises(InvalidModelError, match="'ghost'"):
        AgreementSpace(
            issues, [Constraint(when={"ghost": "x"}, require={"size": "small"})]
        )
    with pytest.raises(InvalidModelError, match="'medium'"):
        AgreementSpace(
            issues, [Constraint(when={"size": "medium"}, require={"bases": "no"})]
        )
    with pytest.raises(InvalidModelError, match="no feasible"):
        AgreementSpace(issues, [lambda deal: False])
    with pytest.raises(InvalidModelError, match="42"):
        AgreementSpace(issues, [42])  # type: ignore[list-item]
    with pytest.raises(InvalidModelError, match="non-empty"):
        AgreementSpace([])
    with pytest.raises(InvalidModelError, match="Issue"):
        AgreementSpace(["size"])  # type: ignore[list-item]


# -- features -----------------------------------------------------------------------
def test_feature_matrix() -> None:
    space = kuril_space()
    n = len(space)
    assert space.outcome_features.shape == (n + 1, len(space.feature_names))
    assert space.features.shape == (n, len(space.feature_names))
    np.testing.assert_array_equal(space.features, space.outcome_features[:-1])
    np.testing.assert_array_equal(space.status_quo_features, space.outcome_features[-1])
    for k, name in enumerate(space.feature_names):
        np.testing.assert_array_equal(space.feature(name), space.outcome_features[:, k])
        assert space.has_feature(name)
    # The status quo is the last row: no treaty.
    treaty = space.feature("treaty")
    status_quo = space.feature("status_quo")
    assert treaty.shape == (n + 1,)
    assert treaty[-1] == 0.0
    assert status_quo[-1] == 1.0
    assert np.all(treaty[:-1] == 1.0)
    assert np.all(status_quo[:-1] == 0.0)
    assert not space.has_feature("islands.area")


def test_feature_columns_follow_the_options() -> None:
    space = kuril_space(islands="subsets", sovereignty=True)
    for k, deal in enumerate(space):
        for issue in space.issues:
            option = issue.option_index(deal[issue.name])
            for feature, values in issue.features.items():
                assert space.feature(f"{issue.name}.{feature}")[k] == values[option]
            for key in issue.options:
                indicator = space.feature(f"{issue.name}={key}")[k]
                assert indicator == float(key == deal[issue.name])
    # Indicators are 0 for the status quo; each issue's indicators sum to one.
    for issue in space.issues:
        block = np.stack(
            [space.feature(f"{issue.name}={key}") for key in issue.options]
        )
        np.testing.assert_array_equal(block.sum(axis=0)[:-1], 1.0)
        assert block[:, -1].sum() == 0.0
    area = space.feature("islands.area_share")
    assert area[
        space.index(
            space.agreement(
                islands="H+S",
                security="no-us-forces",
                economic="none",
                sovereignty="full",
            )
        )
    ] == (pytest.approx(346 / 5004))


def test_feature_status_quo_values_and_default() -> None:
    space = small_space()
    np.testing.assert_array_equal(space.feature("size.km2"), [1, 1, 10, 10, -1])
    np.testing.assert_array_equal(space.feature("size=large"), [0, 0, 1, 1, 0])
    np.testing.assert_array_equal(
        space.feature("missing", default=2.0), [2, 2, 2, 2, 0]
    )
    with pytest.raises(InvalidModelError, match="'missing'") as info:
        space.feature("missing")
    assert "size.km2" in str(info.value)


def test_arrays_are_read_only() -> None:
    space = kuril_space()
    arrays = [
        space.options,
        space.outcome_features,
        space.features,
        space.status_quo_features,
        space.feature("treaty"),
        space.feature("absent", default=1.0),
    ]
    for array in arrays:
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[..., 0] = 7


# -- agreements ---------------------------------------------------------------------
def test_agreement_equality_ignores_issue_order() -> None:
    one = Agreement((("islands", "H"), ("security", "no-us-forces")))
    two = Agreement((("security", "no-us-forces"), ("islands", "H")), ("x", "y"))
    assert one == two
    assert hash(one) == hash(two)
    assert len({one, two}) == 1
    assert one != Agreement((("islands", "H+S"), ("security", "no-us-forces")))
    assert one != "islands=H"
    assert one["islands"] == "H"
    with pytest.raises(KeyError):
        one["economic"]
    assert one.as_dict() == {"islands": "H", "security": "no-us-forces"}
    assert str(one) == "H, no-us-forces"  # without labels, the keys


def test_agreement_str_uses_labels() -> None:
    space = kuril_space()
    deal = space.agreement(islands="H+S", security="no-us-forces", economic="package")
    assert str(deal) == (
        "Habomai+Shikotan, no US forces, "
        "package of {japan.package_size} x Nagato (~¥300 bn each)"
    )
    four = space.agreement(islands="H+S+K+I", security="demilitarised", economic="none")
    assert str(four) == "all four islands, full demilitarisation, no economic package"


def test_agreement_found_in_a_permuted_space() -> None:
    space = kuril_space()
    permuted = AgreementSpace(tuple(reversed(space.issues)), space.constraints)
    assert len(permuted) == len(space)
    assert set(permuted) == set(space)
    for deal in space:
        other = permuted[permuted.index(deal)]
        assert other == deal
        assert other.choices != deal.choices  # same choices, another order


def test_agreement_by_keys_and_labels() -> None:
    space = kuril_space()
    by_keys = space.agreement(
        islands="H+S", security="no-us-forces", economic="package"
    )
    by_labels = space.agreement(
        islands="Habomai+Shikotan",
        security="no US forces",
        economic="package of {japan.package_size} x Nagato (~¥300 bn each)",
    )
    by_mapping = space.agreement(
        {"islands": "H+S", "security": "no-us-forces"}, economic="package"
    )
    assert by_keys == by_labels == by_mapping
    assert space.agreement(islands="none", economic="none")["security"] == (
        "us-forces-allowed"
    )


@pytest.mark.parametrize(
    ("choices", "named"),
    [
        ({"islands": "H+S"}, "6 feasible agreements"),
        ({"islands": "none"}, "'economic'"),
        (
            {"islands": "none", "security": "no-us-forces", "economic": "none"},
            "no feasible",
        ),
        ({"islands": "H", "straits": "open"}, "'straits'"),
        ({"islands": "Urup"}, "'Urup'"),
    ],
)
def test_agreement_errors(choices: dict[str, str], named: str) -> None:
    with pytest.raises(InvalidModelError, match=named):
        kuril_space().agreement(choices)


def test_partial_specification_lists_missing_issues() -> None:
    with pytest.raises(InvalidModelError, match="also choose") as info:
        kuril_space().agreement(islands="H+S")
    assert "'security'" in str(info.value)
    assert "'economic'" in str(info.value)


def test_index_and_outcome() -> None:
    space = kuril_space()
    for k in range(len(space)):
        deal = space[k]
        assert space.index(deal) == k
        assert space.agreements[k] is deal
        assert space.outcome(k) is deal
        assert deal in space
    assert space.index(STATUS_QUO) == NO_DEAL == -1
    assert space.outcome(NO_DEAL) is STATUS_QUO
    assert StatusQuo() is STATUS_QUO
    assert repr(STATUS_QUO) == "STATUS_QUO"
    assert STATUS_QUO not in space
    infeasible = Agreement(
        (("islands", "none"), ("security", "no-us-forces"), ("economic", "none"))
    )
    assert infeasible not in space
    with pytest.raises(InvalidModelError, match="not a feasible agreement"):
        space.index(infeasible)
    with pytest.raises(InvalidModelError, match="not a feasible agreement"):
        space.index([1, 2])  # type: ignore[arg-type]


def test_select() -> None:
    space = kuril_space()
    assert len(space.select(islands="H+S")) == 6
    assert len(space.select(islands=["H", "H+S"])) == 12
    assert len(space.select(islands="none")) == 2
    rows = space.select(islands=("H+S",), security="no US forces")
    assert [space[k]["economic"] for k in rows] == ["none", "package"]
    assert all(space[k]["security"] == "no-us-forces" for k in rows)
    np.testing.assert_array_equal(space.select(), np.arange(len(space)))
    with pytest.raises(InvalidModelError, match="'straits'"):
        space.select(straits="open")
    with pytest.raises(InvalidModelError, match="'Urup'"):
        space.select(islands="Urup")


def test_with_and_without_issues() -> None:
    space = kuril_space()
    bigger = space.with_issues(fisheries_arrangement())
    assert bigger == kuril_space(fisheries=True)
    assert len(bigger) == 3 * len(space)
    assert bigger.without_issues("fisheries") == space
    # Dropping an issue drops the constraints that name it.
    no_security = space.without_issues("security")
    assert no_security.constraints == ()
    assert len(no_security) == 7 * 2
    only_islands = space.without_issues("security", "economic")
    assert len(only_islands) == 7
    assert only_islands.issue_names == ("islands",)
    with pytest.raises(InvalidModelError, match="'straits'"):
        space.without_issues("straits")
    rule = Constraint(when={"fisheries": "joint"}, require={"islands": ["H+S+K+I"]})
    constrained = space.with_issues(fisheries_arrangement(), constraints=[rule])
    assert len(constrained) == len(bigger) - len(
        bigger.select(
            fisheries="joint",
            islands=["none", "H", "H+S", "H+S+talks", "H+S+joint", "H+S+K"],
        )
    )


def test_space_equality_and_repr() -> None:
    assert kuril_space() == kuril_space()
    assert hash(kuril_space()) == hash(kuril_space())
    assert kuril_space() != kuril_space(islands="subsets")
    assert kuril_space() != "kuril"
    assert repr(kuril_space()) == (
        "AgreementSpace(islands(7), security(3), economic(2); 38 agreements)"
    )


def test_space_enumerates_every_feasible_combination() -> None:
    issues = kuril_space(sovereignty=True).issues
    rule = kuril_space(sovereignty=True).constraints[0]
    assert isinstance(rule, Constraint)
    expected = set()
    for combo in itertools.product(*(issue.options for issue in issues)):
        choices = dict(zip([issue.name for issue in issues], combo, strict=True))
        if rule.allows(choices):
            expected.add(Agreement(tuple(choices.items())))
    assert set(kuril_space(sovereignty=True)) == expected


# -- named space builders -----------------------------------------------------------
def _market(*, sizes: int = 2, bases: bool = False) -> AgreementSpace:
    issues = [Issue(name="size", options=[f"s{k}" for k in range(sizes)])]
    if bases:
        issues.append(Issue(name="bases", options=["yes", "no"]))
    return AgreementSpace(issues)


def test_space_builder_builds_validates_and_recognises() -> None:
    builder = SpaceBuilder(
        name="market", build=_market, options={"sizes": [2, 3], "bases": (False, True)}
    )
    assert builder.options == {"sizes": (2, 3), "bases": (False, True)}
    assert builder.space() == _market()
    assert builder.space(sizes=3, bases=True) == _market(sizes=3, bases=True)
    assert builder.space(sizes=3) is builder.space(sizes=3)  # built once
    assert builder.recognise(_market(sizes=3, bases=True)) == {
        "sizes": 3,
        "bases": True,
    }
    assert builder.recognise(small_space()) is None
    assert builder.accepts("bases", True)
    assert not builder.accepts("bases", 1)  # types must match: 1 is not true
    assert not builder.accepts("colour", "red")
    assert builder.choices("bases") == "false or true"
    with pytest.raises(InvalidModelError, match=re.escape("option sizes must be 2 or 3")):
        builder.space(sizes=4)
    with pytest.raises(InvalidModelError, match="no option 'colour'"):
        builder.space(colour="red")


@pytest.mark.parametrize(
    ("kwargs", "shown"),
    [
        ({"name": ""}, "name"),
        ({"name": " x"}, "name"),
        ({"build": 3}, "callable"),
        ({"options": ["sizes"]}, "options must map"),
        ({"options": {"builtin": (1,)}}, "'builtin'"),
        ({"options": {"sizes": ()}}, "'sizes'"),
        ({"options": {"sizes": "23"}}, "'sizes'"),
        ({"options": {"sizes": (2, 2)}}, "'sizes'"),
        ({"options": {"sizes": ([2],)}}, "'sizes'"),
        ({"description": 3}, "description"),
    ],
)
def test_space_builder_validation(kwargs: dict[str, object], shown: str) -> None:
    arguments: dict[str, Any] = {"name": "market", "build": _market, **kwargs}
    with pytest.raises(InvalidArgumentError, match=re.escape(shown)):
        SpaceBuilder(**arguments)


def test_a_builder_returning_something_else_is_refused() -> None:
    builder = SpaceBuilder(name="bad", build=lambda: "not a space")
    with pytest.raises(InvalidModelError, match="not an AgreementSpace"):
        builder.space()


def test_register_space_builder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(agreements, "_SPACE_BUILDERS", dict(agreements._SPACE_BUILDERS))
    builder = register_space_builder("market", _market, options={"sizes": (2, 3)})
    assert space_builder("market") is builder
    assert registered_space_builders()[-1] == "market"
    register_space_builder("market", _market, options={"sizes": (2, 3)})  # again: fine
    with pytest.raises(InvalidArgumentError, match="already registered"):
        register_space_builder("market", small_space)
    register_space_builder("market", small_space, replace=True)
    assert space_builder("market").build is small_space
    with pytest.raises(InvalidArgumentError, match="replace"):
        register_space_builder("other", _market, replace="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidModelError, match="no space builder 'nowhere'") as info:
        space_builder("nowhere")
    assert "'market'" in str(info.value)
    with pytest.raises(InvalidModelError, match="no space builder"):
        space_builder(["market"])  # type: ignore[arg-type]

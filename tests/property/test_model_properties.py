"""Hypothesis properties of the negotiation model: monotonicity, invariance,
serialisation and the vectorised / linear structure of utilities."""

from __future__ import annotations

import itertools
import math
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kurilsim import (
    Agreement,
    AgreementSpace,
    Japan,
    LinearAgent,
    ParametricAgent,
    Russia,
    Scenario,
    UnitedStates,
    kuril_space,
    load_scenario,
)
from kurilsim.kuril import PHASED_OPTIONS
from kurilsim.model.agents import Agent
from kurilsim.testing.strategies import (
    agreement_spaces,
    japan_agents,
    linear_agents,
    parameter_values,
    russia_agents,
    scenarios,
    united_states_agents,
)

# Built once: the spaces are immutable.
SUBSET_SPACES = {
    "subsets": kuril_space(islands="subsets"),
    "subsets+sovereignty+fisheries": kuril_space(
        islands="subsets", sovereignty=True, fisheries=True
    ),
}
KURIL_SPACES = {
    "nested": kuril_space(),
    **SUBSET_SPACES,
    "nested+sovereignty": kuril_space(sovereignty=True),
}
#: The phased options of the islands issue (Habomai+Shikotan with talks or
#: joint activity on the other two).
PHASED = frozenset(key for key, *_ in PHASED_OPTIONS)
#: Slack for "≥" between utilities summed from different terms.
SLACK = 1e-12


def members(option: str) -> frozenset[str]:
    """The islands of an option key of the island-transfer issue (``"H+S"``)."""
    return frozenset() if option == "none" else frozenset(option.split("+"))


def subset_pairs(space: AgreementSpace) -> Iterator[tuple[int, int]]:
    """Pairs ``(smaller, larger)`` of feasible agreements identical except that
    the island set of ``smaller`` is a proper subset of that of ``larger``
    (phased agreements, which add talks or joint activity, are not compared)."""
    by_rest: dict[tuple[tuple[str, str], ...], list[tuple[frozenset[str], int]]] = {}
    for k, deal in enumerate(space):
        if deal["islands"] in PHASED:
            continue
        rest = tuple(sorted((i, o) for i, o in deal.choices if i != "islands"))
        by_rest.setdefault(rest, []).append((members(deal["islands"]), k))
    for group in by_rest.values():
        for (small, i), (large, j) in itertools.permutations(group, 2):
            if small < large:
                yield i, j


def swapped_pairs(
    space: AgreementSpace, issue: str, worse: str, better: str
) -> Iterator[tuple[int, int]]:
    """Pairs of feasible agreements identical except for ``issue``, which is
    ``worse`` in the first and ``better`` in the second."""
    for k, deal in enumerate(space):
        if deal[issue] != worse:
            continue
        other = Agreement(
            tuple((i, better if i == issue else o) for i, o in deal.choices)
        )
        if other in space:
            yield k, space.index(other)


def test_subset_pairs_cover_the_space() -> None:
    # Sanity check of the helper: 4 islands, 16 subsets, 65 proper subset pairs
    # (3^4 - 2^4), for each security regime and economic package (the "none"
    # transfer pairs only with US forces allowed; two economic options).
    space = SUBSET_SPACES["subsets"]
    pairs = list(subset_pairs(space))
    with_none = 15  # (none, S) for the 15 non-empty S
    assert len(pairs) == 2 * (3 * (65 - with_none) + with_none)
    pairs = list(
        swapped_pairs(kuril_space(), "security", "us-forces-allowed", "no-us-forces")
    )
    assert len(pairs) == 6 * 2  # six transfer options, two economic options


# -- (a) Japan never prefers fewer islands ----------------------------------------------
@pytest.mark.parametrize("space", SUBSET_SPACES.values(), ids=SUBSET_SPACES.keys())
@given(japan=japan_agents())
@settings(max_examples=25)
def test_japan_never_prefers_fewer_islands(space: AgreementSpace, japan: Japan) -> None:
    utilities = japan.utilities(space)
    scale = 1.0 + np.abs(utilities).max()
    for smaller, larger in subset_pairs(space):
        assert utilities[larger] >= utilities[smaller] - SLACK * scale, (
            space[smaller],
            space[larger],
        )


# -- (b) Russia never prefers US forces ------------------------------------------------
@pytest.mark.parametrize("space", KURIL_SPACES.values(), ids=KURIL_SPACES.keys())
@given(russia=russia_agents())
@settings(max_examples=25)
def test_russia_never_prefers_us_forces(space: AgreementSpace, russia: Russia) -> None:
    utilities = russia.utilities(space)
    scale = 1.0 + np.abs(utilities).max()
    pairs = list(swapped_pairs(space, "security", "us-forces-allowed", "no-us-forces"))
    assert pairs
    for allowed, barred in pairs:
        assert utilities[barred] >= utilities[allowed] - SLACK * scale, (
            space[allowed],
            space[barred],
        )


# -- (c) invariance to the order of issues ---------------------------------------------
def _assert_order_invariant(
    agents: list[Agent], space: AgreementSpace, order: list[int]
) -> None:
    permuted = AgreementSpace(tuple(space.issues[k] for k in order), space.constraints)
    assert len(permuted) == len(space)
    assert set(permuted) == set(space)
    rows = np.array([permuted.index(deal) for deal in space])
    for agent in agents:
        original = agent.outcome_utilities(space)  # type: ignore[attr-defined]
        reordered = agent.outcome_utilities(permuted)  # type: ignore[attr-defined]
        np.testing.assert_allclose(
            reordered[rows], original[:-1], rtol=1e-12, atol=1e-12
        )
        np.testing.assert_allclose(reordered[-1], original[-1], rtol=1e-12, atol=1e-12)


@given(
    agents=st.tuples(japan_agents(), russia_agents(), united_states_agents()),
    space=st.sampled_from(list(KURIL_SPACES.values())),
    order=st.permutations(range(5)),
)
@settings(max_examples=20)
def test_kuril_utilities_do_not_depend_on_issue_order(
    agents: tuple[Japan, Russia, UnitedStates],
    space: AgreementSpace,
    order: list[int],
) -> None:
    order = [k for k in order if k < len(space.issues)]
    _assert_order_invariant(list(agents), space, order)


@st.composite
def spaces_with_linear_agents(
    draw: st.DrawFn,
) -> tuple[AgreementSpace, list[Agent], list[int]]:
    space = draw(agreement_spaces())
    agents = draw(st.lists(linear_agents(space, name="a"), min_size=1, max_size=3))
    order = draw(st.permutations(range(len(space.issues))))
    return space, list(agents), list(order)


@given(spaces_with_linear_agents())
def test_linear_utilities_do_not_depend_on_issue_order(
    example: tuple[AgreementSpace, list[Agent], list[int]],
) -> None:
    space, agents, order = example
    _assert_order_invariant(agents, space, order)


# -- (d) TOML round trip ------------------------------------------------------------
@pytest.fixture(scope="module")
def toml_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@given(scenario=scenarios())
@settings(max_examples=30)
def test_toml_round_trip_is_exact(toml_dir: Path, scenario: Scenario) -> None:
    path = toml_dir / "scenario.toml"
    text = scenario.to_toml(path)
    loaded = load_scenario(path)
    assert loaded == scenario
    np.testing.assert_array_equal(
        loaded.outcome_utilities(), scenario.outcome_utilities()
    )
    assert loaded.to_toml() == text


# -- (e) vectorised overrides equal agents built per point ----------------------------
@st.composite
def override_grids(
    draw: st.DrawFn, agent_type: type[ParametricAgent]
) -> tuple[dict[str, np.ndarray], list[dict[str, float]]]:
    """Two parameters of ``agent_type`` as broadcasting arrays (a column and a
    row), and the list of the points of the grid."""
    names = draw(
        st.lists(
            st.sampled_from([spec.name for spec in agent_type.parameter_specs()]),
            min_size=2,
            max_size=2,
            unique=True,
        )
    )
    points = draw(st.lists(parameter_values(agent_type), min_size=2, max_size=3))
    column = np.array([point[names[0]] for point in points])[:, None]
    row = np.array([point[names[1]] for point in points[::-1]])
    grid = {names[0]: column, names[1]: row}
    flat = [
        {names[0]: float(column[i, 0]), names[1]: float(row[j])}
        for i in range(len(points))
        for j in range(len(points))
    ]
    return grid, flat


def _valid_japan(point: dict[str, float], base: Japan) -> bool:
    return sum(point.get(w, getattr(base, w)) for w in Japan.ISLAND_WEIGHTS) > 0


@given(
    agent_type=st.sampled_from([Japan, Russia, UnitedStates]),
    data=st.data(),
)
@settings(max_examples=30)
def test_overrides_equal_agents_built_per_point(
    agent_type: type[ParametricAgent], data: st.DataObject
) -> None:
    agent = {
        Japan: japan_agents(),
        Russia: russia_agents(),
        UnitedStates: united_states_agents(),
    }[agent_type]
    base = data.draw(agent)  # type: ignore[arg-type]
    grid, points = data.draw(override_grids(agent_type))
    # Island weights all zero are invalid (tested in tests/unit/test_agents.py).
    assume(not isinstance(base, Japan) or all(_valid_japan(p, base) for p in points))
    space = data.draw(st.sampled_from(list(KURIL_SPACES.values())))
    utilities = base.outcome_utilities(space, grid)
    n = grid[next(iter(grid))].shape[0]
    assert utilities.shape == (n, n, len(space) + 1)
    flat = utilities.reshape(n * n, len(space) + 1)
    for point, row in zip(points, flat, strict=True):
        expected = base.with_params(point).outcome_utilities(space)
        np.testing.assert_allclose(row, expected, rtol=1e-12, atol=1e-12)


@given(scenario=scenarios(), data=st.data())
@settings(max_examples=25)
def test_scenario_overrides_equal_scenarios_per_point(
    scenario: Scenario, data: st.DataObject
) -> None:
    numeric = [
        name
        for name, value in scenario.parameters().items()
        if not name.startswith("protocol.")
        and not name.startswith("japan.weight_")
        and not name.endswith(".demand")
        and isinstance(value, float)
    ]
    names = data.draw(
        st.lists(st.sampled_from(numeric), min_size=1, max_size=2, unique=True)
    )
    values = {
        name: data.draw(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=3))
        for name in names
    }
    grid = {
        name: np.array(v).reshape((-1,) + (1,) * k)
        for k, (name, v) in enumerate(values.items())
    }
    utilities = scenario.outcome_utilities(grid)
    shape = np.broadcast_shapes(*(v.shape for v in grid.values()))
    n_outcomes = len(scenario.space) + 1
    assert utilities.shape == (*shape, len(scenario.agents), n_outcomes)
    for index in itertools.product(*(range(n) for n in shape)):
        point = {
            name: float(np.broadcast_to(array, shape)[index])
            for name, array in grid.items()
        }
        expected = scenario.with_params(point).outcome_utilities()
        np.testing.assert_allclose(utilities[index], expected, rtol=1e-12, atol=1e-12)


# -- (f) linearity: the gradient predicts the change exactly ------------------------
def _linear_step(
    agent_type: type[ParametricAgent], name: str
) -> st.SearchStrategy[float]:
    spec = {spec.name: spec for spec in agent_type.parameter_specs()}[name]
    low, high = spec.bounds
    return st.floats(
        low if math.isfinite(low) else -10.0,
        high if math.isfinite(high) else 10.0,
        allow_nan=False,
        allow_subnormal=False,
    )


@given(
    agent_type=st.sampled_from([Japan, Russia, UnitedStates]),
    space=st.sampled_from(list(KURIL_SPACES.values())),
    data=st.data(),
)
@settings(max_examples=40)
def test_gradient_predicts_linear_changes_exactly(
    agent_type: type[ParametricAgent], space: AgreementSpace, data: st.DataObject
) -> None:
    agent: Any = data.draw(
        {
            Japan: japan_agents(),
            Russia: russia_agents(),
            UnitedStates: united_states_agents(),
        }[agent_type]
    )
    linear = [spec.name for spec in agent_type.parameter_specs() if spec.linear]
    name = data.draw(st.sampled_from(linear))
    new = data.draw(_linear_step(agent_type, name))
    h = new - getattr(agent, name)
    gradient = agent.utility_gradient(space, name)
    before = agent.outcome_utilities(space)
    after = agent.with_params({name: new}).outcome_utilities(space)
    scale = 1.0 + np.abs(before).max() + np.abs(after).max()
    np.testing.assert_allclose(after - before, h * gradient, rtol=0, atol=1e-12 * scale)


@given(data=st.data())
def test_linear_agent_is_linear_in_every_weight(data: st.DataObject) -> None:
    space = data.draw(agreement_spaces())
    agent: LinearAgent = data.draw(linear_agents(space))
    name = data.draw(st.sampled_from(list(agent.parameters())))
    new = data.draw(st.floats(-10, 10, allow_nan=False, allow_subnormal=False))
    # The derivative in a weight is the term's column (status quo: its indicator).
    terms = agent.utility_terms(space)
    term = name[2:-1] if name.startswith("w[") else name  # "w[term]" or status_quo
    column = agent.term_names().index(term)
    h = new - agent.parameters()[name]
    before = agent.outcome_utilities(space)
    after = agent.with_params({name: new}).outcome_utilities(space)
    scale = 1.0 + np.abs(before).max() + np.abs(after).max()
    np.testing.assert_allclose(
        after - before, h * terms[:, column], rtol=0, atol=1e-12 * scale
    )

"""Hypothesis strategies for kurilsim objects.

kurilsim's own property tests draw their inputs from here, and so can yours.

Shrinking: games shrink towards fewer players, fewer strategies and payoffs
closer to zero (integer payoffs shrink towards 0, the most degenerate game),
so a failing example is reported as the smallest, simplest game hypothesis
can find.  Negotiation models shrink towards fewer issues, options, features
and terms, and parameters towards their lower bounds.
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kurilsim.games.bargaining import BargainingProblem
from kurilsim.games.extensive import Choice, ExtensiveFormGame
from kurilsim.games.normal_form import NormalFormGame
from kurilsim.games.sequential import Chance, Decision, SequentialGame, Terminal
from kurilsim.kuril.agents import Japan, Russia, UnitedStates
from kurilsim.kuril.scenarios import KURIL_OBJECTION_RULE
from kurilsim.kuril.space import kuril_space
from kurilsim.model.agents import Agent, LinearAgent, ParametricAgent
from kurilsim.model.agreements import AgreementSpace, Constraint, Issue
from kurilsim.model.protocol import NegotiationProtocol
from kurilsim.model.scenario import Scenario

__all__ = [
    "agreement_spaces",
    "bargaining_problems",
    "extensive_games",
    "generic_games",
    "issues",
    "japan_agents",
    "linear_agents",
    "mixed_profiles",
    "normal_form_games",
    "parameter_values",
    "permutations_of",
    "point_clouds",
    "russia_agents",
    "scenarios",
    "sequential_games",
    "sweep_grids",
    "symmetric_bargaining_problems",
    "united_states_agents",
]


@st.composite
def normal_form_games(
    draw: st.DrawFn,
    *,
    n_players: int | Sequence[int] = 2,
    min_strategies: int = 1,
    max_strategies: int = 4,
    integer: bool = False,
    max_abs: float = 10.0,
    zero_sum: bool = False,
) -> NormalFormGame:
    """Finite games with bounded payoffs.

    Parameters
    ----------
    n_players : int or sequence of int
        Number of players, or the choices to draw from.
    min_strategies, max_strategies : int
        Bounds of each player's number of strategies.
    integer : bool
        Integer payoffs in ``[-max_abs, max_abs]``: often degenerate games
        (ties), which is the point.
    max_abs : float
        Bound of the absolute payoffs.
    zero_sum : bool
        Two-player zero-sum games (``B = -A``); forces ``n_players = 2``.
    """
    if zero_sum:
        n = 2
    elif isinstance(n_players, int):
        n = n_players
    else:
        n = draw(st.sampled_from(list(n_players)))
    shape = tuple(
        draw(st.integers(min_strategies, max_strategies)) for _ in range(n)
    )
    if integer:
        elements = st.integers(-int(max_abs), int(max_abs)).map(float)
    else:
        elements = st.floats(-max_abs, max_abs, allow_nan=False, allow_subnormal=False)
    arrays = [
        draw(hnp.arrays(np.float64, shape, elements=elements))
        for _ in range(1 if zero_sum else n)
    ]
    if zero_sum:
        arrays.append(-arrays[0])
    return NormalFormGame(arrays)


@st.composite
def generic_games(
    draw: st.DrawFn,
    *,
    n_players: int = 2,
    min_strategies: int = 1,
    max_strategies: int = 5,
) -> NormalFormGame:
    """Games with standard-normal payoffs from a drawn seed: nondegenerate with
    probability one.  They shrink in size, not in payoff values."""
    shape = tuple(
        draw(st.integers(min_strategies, max_strategies)) for _ in range(n_players)
    )
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return NormalFormGame([rng.standard_normal(shape) for _ in range(n_players)])


@st.composite
def mixed_profiles(draw: st.DrawFn, game: NormalFormGame) -> tuple[np.ndarray, ...]:
    """Mixed strategy profiles of ``game`` (probability vectors, one per player)."""
    out = []
    for m in game.shape:
        weights = draw(
            hnp.arrays(np.float64, m, elements=st.floats(0.0, 1.0, allow_subnormal=False))
        )
        if weights.sum() <= 0:
            weights = np.ones(m)
        out.append(weights / weights.sum())
    return tuple(out)


def permutations_of(n: int) -> st.SearchStrategy[np.ndarray]:
    """Permutations of ``range(n)`` as integer arrays."""
    return st.permutations(list(range(n))).map(lambda p: np.array(p, dtype=np.intp))


# -- negotiation models -------------------------------------------------------------
#: Identifiers for issue, feature and agent names: lower-case letters, digits
#: and underscores (no '.', '=', '*', '[' or ']', which have a meaning in
#: feature and parameter names).
_IDENTIFIERS = st.builds(
    str.__add__,
    st.sampled_from(string.ascii_lowercase),
    st.text(string.ascii_lowercase + string.digits + "_", max_size=7),
)
#: Option keys may also contain '+', '-' and '.' (like ``"H+S"``).
_OPTION_KEYS = st.builds(
    str.__add__,
    st.sampled_from(string.ascii_lowercase + string.digits),
    st.text(string.ascii_lowercase + string.digits + "+-.", max_size=5),
)
#: Free text (labels, descriptions, notes): any characters, to exercise escaping.
_TEXT = st.text(max_size=12)
#: One line of text (a scenario's name or title): any characters but control
#: characters (category Cc: newlines, tabs, escapes), which Scenario refuses.
_LINE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)


def _floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_subnormal=False)


@st.composite
def issues(
    draw: st.DrawFn,
    *,
    name: str | None = None,
    min_options: int = 1,
    max_options: int = 4,
    max_features: int = 3,
    max_abs: float = 10.0,
) -> Issue:
    """Issues with random options, labels, features and status-quo values.

    Parameters
    ----------
    name : str, optional
        The issue's name (default: a drawn identifier).
    min_options, max_options : int
        Bounds of the number of options.
    max_features : int
        At most this many numeric features (possibly none).
    max_abs : float
        Bound of the absolute feature values.
    """
    issue_name = name if name is not None else draw(_IDENTIFIERS)
    options = draw(
        st.lists(_OPTION_KEYS, min_size=min_options, max_size=max_options, unique=True)
    )
    labels = draw(st.lists(_TEXT, min_size=len(options), max_size=len(options)))
    feature_names = draw(
        st.lists(_IDENTIFIERS, min_size=0, max_size=max_features, unique=True)
    )
    values = _floats(-max_abs, max_abs)
    features = {
        feature: tuple(
            draw(st.lists(values, min_size=len(options), max_size=len(options)))
        )
        for feature in feature_names
    }
    status_quo = {
        feature: draw(values) for feature in feature_names if draw(st.booleans())
    }
    return Issue(
        name=issue_name,
        options=tuple(options),
        labels=tuple(labels) if draw(st.booleans()) else (),
        features=features,
        status_quo=status_quo,
        description=draw(_TEXT),
    )


@st.composite
def agreement_spaces(
    draw: st.DrawFn,
    *,
    min_issues: int = 1,
    max_issues: int = 3,
    max_options: int = 4,
    constraint: bool | None = None,
) -> AgreementSpace:
    """Agreement spaces of random issues, with an optional :class:`Constraint`.

    Parameters
    ----------
    min_issues, max_issues : int
        Bounds of the number of issues (their names are unique).
    max_options : int
        At most this many options per issue.
    constraint : bool, optional
        Whether to add a random constraint (default: drawn).  One constraint
        never leaves the space empty: an agreement taking the required options
        satisfies it.
    """
    names = draw(
        st.lists(_IDENTIFIERS, min_size=min_issues, max_size=max_issues, unique=True)
    )
    drawn = tuple(draw(issues(name=name, max_options=max_options)) for name in names)
    rules: list[Constraint] = []
    if constraint if constraint is not None else draw(st.booleans()):

        def clause(issue: Issue) -> tuple[str, ...]:
            return tuple(
                draw(
                    st.lists(
                        st.sampled_from(issue.options),
                        min_size=1,
                        max_size=len(issue),
                        unique=True,
                    )
                )
            )

        when = draw(st.sampled_from(drawn))
        require = draw(st.sampled_from(drawn))
        rules.append(
            Constraint(
                when={when.name: clause(when)},
                require={require.name: clause(require)},
                description=draw(_TEXT),
            )
        )
    return AgreementSpace(drawn, tuple(rules))


@st.composite
def parameter_values(
    draw: st.DrawFn, agent_type: type[ParametricAgent], *, max_abs: float = 10.0
) -> dict[str, float]:
    """Valid parameters of a :class:`ParametricAgent` subclass, from its specs.

    Each value is drawn within the :class:`ParameterSpec` bounds, with
    infinite bounds replaced by ``±max_abs`` (integers for integer
    parameters).  Values shrink towards the lower bound.
    """
    values: dict[str, float] = {}
    for spec in agent_type.parameter_specs():
        low, high = spec.bounds
        low = low if math.isfinite(low) else -max_abs
        high = high if math.isfinite(high) else max(max_abs, low)
        if spec.integer:
            values[spec.name] = draw(st.integers(math.ceil(low), math.floor(high)))
        else:
            values[spec.name] = draw(_floats(low, high))
    return values


@st.composite
def japan_agents(
    draw: st.DrawFn, *, name: str = "japan", max_abs: float = 10.0
) -> Japan:
    """:class:`Japan` agents with random valid parameters.

    The four island-weight parameters are never all zero (an invalid
    combination): then ``weight_symbolic`` takes its default.
    """
    values: dict[str, Any] = draw(parameter_values(Japan, max_abs=max_abs))
    if all(values[key] == 0 for key in Japan.ISLAND_WEIGHTS):
        values["weight_symbolic"] = 0.25
    return Japan(name=name, **values)


@st.composite
def russia_agents(
    draw: st.DrawFn, *, name: str = "russia", max_abs: float = 10.0
) -> Russia:
    """:class:`Russia` agents with random valid parameters."""
    values: dict[str, Any] = draw(parameter_values(Russia, max_abs=max_abs))
    return Russia(name=name, **values)


@st.composite
def united_states_agents(
    draw: st.DrawFn, *, name: str = "united_states", max_abs: float = 10.0
) -> UnitedStates:
    """:class:`UnitedStates` agents with random valid parameters."""
    values: dict[str, Any] = draw(parameter_values(UnitedStates, max_abs=max_abs))
    return UnitedStates(name=name, **values)


@st.composite
def linear_agents(
    draw: st.DrawFn,
    space: AgreementSpace,
    *,
    name: str | None = None,
    max_terms: int = 4,
    max_abs: float = 10.0,
) -> LinearAgent:
    """:class:`LinearAgent` s over the features of ``space``.

    Terms are feature names of ``space`` (not ``"status_quo"``, which is the
    agent's own parameter) or products of two of them (interactions).
    """
    features = [f for f in space.feature_names if f != "status_quo"]
    single = st.sampled_from(features)
    product = st.tuples(single, single).map(lambda pair: "*".join(pair))
    terms = draw(st.lists(single | product, max_size=max_terms, unique=True))
    weight = _floats(-max_abs, max_abs)
    return LinearAgent(
        name=name if name is not None else draw(_IDENTIFIERS),
        weights={term: draw(weight) for term in terms},
        status_quo=draw(weight),
        description=draw(_TEXT),
    )


@st.composite
def _protocols(
    draw: st.DrawFn, agent_names: Sequence[str], rules: Sequence[str]
) -> NegotiationProtocol:
    """A protocol; under scope "restrictions" the objector may object to the
    agreements where a rule drawn from ``rules`` is positive."""
    proposer, responder = draw(
        st.lists(st.sampled_from(agent_names), min_size=2, max_size=2, unique=True)
    )
    objector = draw(st.sampled_from(["", *agent_names]))
    discounted = draw(st.lists(st.sampled_from(agent_names), unique=True))
    scope = draw(st.sampled_from(["restrictions", "any"])) if rules else "any"
    return NegotiationProtocol(
        proposer=proposer,
        responder=responder,
        objector=objector,
        objection_cost=draw(_floats(0.0, 1.0)),
        objection_blocks=draw(st.booleans()),
        objection_scope=scope,
        objectionable=draw(st.sampled_from(rules)) if scope == "restrictions" else "",
        discount={who: draw(_floats(0.01, 1.0)) for who in discounted},
    )


@st.composite
def scenarios(
    draw: st.DrawFn, *, kind: Literal["kuril", "linear"] | None = None
) -> Scenario:
    """Scenarios with random agents and protocol.

    Parameters
    ----------
    kind : {"kuril", "linear"}, optional
        ``"kuril"``: a variant of :func:`kuril_space` (nested or subset island
        transfers, with or without sovereignty and fisheries) with random
        :class:`Japan`, :class:`Russia` and :class:`UnitedStates` agents.
        ``"linear"``: a random :func:`agreement_spaces` space with two or three
        random :class:`LinearAgent` s.  Default: drawn.
    """
    if kind is None:
        kind = draw(st.sampled_from(["kuril", "linear"]))
    agents: tuple[Agent, ...]
    if kind == "kuril":
        chain: Literal["nested", "subsets"] = draw(
            st.sampled_from(["nested", "subsets"])
        )
        space = kuril_space(
            islands=chain,
            sovereignty=draw(st.booleans()),
            fisheries=draw(st.booleans()),
        )
        japan = draw(japan_agents())
        agents = (
            japan,
            # package_size is one shared parameter: Russia holds Japan's value
            draw(russia_agents()).with_params({"package_size": japan.package_size}),
            draw(united_states_agents()),
        )
        rules: Sequence[str] = (KURIL_OBJECTION_RULE,)
    else:
        space = draw(agreement_spaces())
        names = draw(st.lists(_IDENTIFIERS, min_size=2, max_size=3, unique=True))
        agents = tuple(draw(linear_agents(space, name=name)) for name in names)
        rules = space.feature_names
    return Scenario(
        name=draw(_LINE.filter(lambda s: bool(s.strip()))),
        title=draw(_LINE),
        description=draw(_TEXT),
        notes=tuple(draw(st.lists(_TEXT, max_size=2))),
        space=space,
        agents=agents,
        protocol=draw(_protocols([agent.name for agent in agents], rules)),
    )


# -- sequential games and sweeps ------------------------------------------------------
@st.composite
def sequential_games(
    draw: st.DrawFn,
    *,
    n_players: int = 2,
    max_depth: int = 4,
    max_actions: int = 3,
    integer: bool = False,
    chance: bool = True,
) -> SequentialGame:
    """Random perfect-information game trees (optionally with chance nodes).

    Integer payoffs in ``[-3, 3]`` make ties -- several subgame-perfect
    equilibria -- frequent.  Trees shrink towards a single terminal node and
    payoffs towards 0.
    """
    payoff = (
        st.integers(-3, 3).map(float)
        if integer
        else st.floats(-10, 10, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    )
    counter = iter(range(10**9))
    kinds = ["terminal", "decision", *(["chance"] if chance else [])]

    def build(depth: int) -> Terminal | Decision | Chance:
        kind = draw(st.sampled_from(kinds)) if depth else "terminal"
        if kind == "terminal":
            values = tuple(draw(payoff) for _ in range(n_players))
            return Terminal(values, outcome=next(counter))
        width = draw(st.integers(1, max_actions))
        if kind == "decision":
            player = draw(st.integers(0, n_players - 1))
            return Decision(player, tuple((f"a{k}", build(depth - 1)) for k in range(width)))
        weights = np.array([draw(st.integers(1, 4)) for _ in range(width)], dtype=float)
        weights /= weights.sum()
        return Chance(
            tuple((f"c{k}", float(w), build(depth - 1)) for k, w in enumerate(weights))
        )

    root = build(draw(st.integers(0, max_depth)))
    return SequentialGame(root, players=tuple(f"p{i}" for i in range(n_players)))


# -- extensive games -------------------------------------------------------------
# A player's own history on the path: her (information set, action) pairs.
_History = tuple[tuple[int, int], ...]


@st.composite
def extensive_games(
    draw: st.DrawFn,
    *,
    players: Sequence[int] = (1, 2, 3),
    max_depth: int = 4,
    dyadic: bool = False,
    exact: bool = False,
) -> ExtensiveFormGame:
    """Random extensive games with information sets and perfect recall.

    Trees of depth at most ``max_depth`` with decision nodes (1 to 3
    actions), chance nodes (2 or 3 moves) and terminals; the number of
    players is drawn from ``players``.  A new decision node joins an existing
    information set of its player only if the player's own (set, action)
    history on the path and the number of actions are the same, so every
    game has perfect recall.  Payoffs are integers in ``[-3, 3]`` (ties are
    frequent).  Chance probabilities are ``w / sum(w)`` for integer weights
    ``w`` in ``[1, 4]``, as floats.  Trees shrink towards a single terminal.

    Parameters
    ----------
    players : sequence of int, default (1, 2, 3)
        The numbers of players to draw from.
    max_depth : int, default 4
        The largest depth of a node (the root has depth 0).
    dyadic : bool, default False
        Chance probabilities that are multiples of 1/8, exact in binary, so
        that payoffs equal in theory are equal in float64 too.
    exact : bool, default False
        Chance probabilities as :class:`fractions.Fraction` (``1/3`` is then
        exactly one third) and some payoffs as fractions with denominators 3,
        7 or ``10**9 + 7``: games that keep exact values
        (:attr:`~kurilsim.ExtensiveFormGame.is_float_exact` is mostly
        ``False``).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kurilsim.testing.strategies import extensive_games
    >>> @settings(max_examples=20)
    ... @given(extensive_games(players=(2,), max_depth=3))
    ... def test_regret_is_never_negative(game):
    ...     assert game.perfect_recall
    ...     assert (game.regret(game.uniform_profile()) >= 0).all()
    >>> test_regret_is_never_negative()
    """
    n_players = draw(st.sampled_from(list(players)))
    sets: dict[tuple[int, _History, int], list[int]] = {}
    n_sets = [0]
    if exact:
        payoff: st.SearchStrategy[Any] = st.integers(-3, 3) | st.builds(
            Fraction, st.integers(-3, 3), st.sampled_from([3, 7, 10**9 + 7])
        )
    else:
        payoff = st.integers(-3, 3).map(float)

    def build(depth: int, histories: tuple[_History, ...]) -> Choice | Chance | Terminal:
        if depth == max_depth:
            kind = "terminal"
        else:
            kind = draw(st.sampled_from(["terminal", "decision", "decision", "chance"]))
        if kind == "terminal":
            return Terminal(tuple(draw(payoff) for _ in range(n_players)))
        width = draw(st.integers(1, 3) if kind == "decision" else st.integers(2, 3))
        if kind == "chance":
            if dyadic:
                cuts = draw(
                    st.lists(st.integers(1, 7), min_size=width - 1, max_size=width - 1,
                             unique=True)
                )
                weights = [b - a for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), 8],
                                                 strict=True)]
            else:
                weights = [draw(st.integers(1, 4)) for _ in range(width)]
            total = sum(weights)
            probabilities: list[Any] = (
                [Fraction(w, total) for w in weights]
                if exact
                else [w / total for w in weights]
            )
            return Chance(
                tuple(
                    (f"c{k}", p, build(depth + 1, histories))
                    for k, p in enumerate(probabilities)
                )
            )
        player = draw(st.integers(0, n_players - 1))
        key = (player, histories[player], width)
        candidates = sets.setdefault(key, [])
        pick = draw(st.integers(0, len(candidates)))
        if pick == len(candidates):
            candidates.append(n_sets[0])
            n_sets[0] += 1
        infoset = candidates[pick]
        moves = []
        for a in range(width):
            extended = list(histories)
            extended[player] = (*histories[player], (infoset, a))
            moves.append((f"a{a}", build(depth + 1, tuple(extended))))
        return Choice(player, infoset, moves)

    root = build(0, ((),) * n_players)
    return ExtensiveFormGame(root, players=tuple(f"p{i}" for i in range(n_players)))


@st.composite
def sweep_grids(
    draw: st.DrawFn, scenario: Scenario, *, max_parameters: int = 3, max_values: int = 4
) -> dict[str, np.ndarray]:
    """Full-factorial grids over a scenario's numeric agent parameters.

    Values are drawn within each parameter's bounds (integers for integer
    parameters); grids shrink towards one parameter with one value.
    """
    candidates = []
    for agent in scenario.agents:
        specs = getattr(agent, "parameter_specs", None)
        if specs is None:
            continue
        for spec in specs():
            candidates.append((f"{agent.name}.{spec.name}", spec))
    chosen = draw(
        st.lists(st.sampled_from(candidates), min_size=1, max_size=max_parameters,
                 unique_by=lambda item: scenario.canonical_name(item[0]))
    )
    grid: dict[str, np.ndarray] = {}
    for name, spec in chosen:
        low, high = spec.bounds
        low = max(low, -5.0)
        high = min(high, 5.0)
        if spec.integer:
            element: st.SearchStrategy[float] = st.integers(int(low), int(high)).map(float)
        else:
            element = _floats(low, high)
        values = draw(st.lists(element, min_size=1, max_size=max_values, unique=True))
        array = np.array(values, dtype=np.int64 if spec.integer else np.float64)
        grid[name] = array
    return grid


# -- bargaining problems -----------------------------------------------------------
_COORDINATES = st.floats(-1, 1, allow_nan=False, allow_subnormal=False).map(
    lambda x: round(x, 3)
)


@st.composite
def point_clouds(
    draw: st.DrawFn, n_players: int = 2, max_outcomes: int = 6
) -> np.ndarray:
    """Utility points of 1 to ``max_outcomes`` outcomes, coordinates in [-1, 1]
    rounded to 3 decimals (so ties and collinear points occur); they shrink
    towards one outcome at the origin."""
    m = draw(st.integers(1, max_outcomes))
    return draw(hnp.arrays(np.float64, (m, n_players), elements=_COORDINATES))


@st.composite
def bargaining_problems(
    draw: st.DrawFn,
    n_players: int = 2,
    max_outcomes: int = 6,
    disagreement: str = "any",
) -> BargainingProblem:
    """Bargaining problems: random point clouds with a disagreement point inside
    the hull or below it.  They shrink towards one outcome and ``d`` just below.

    ``disagreement``: ``"inside"`` (a lottery over the points), ``"below"``
    (weakly below every point) or ``"any"``.
    """
    points = draw(point_clouds(n_players, max_outcomes))
    kind = (
        draw(st.sampled_from(["inside", "below"]))
        if disagreement == "any"
        else disagreement
    )
    if kind == "inside":
        counts = st.lists(st.integers(0, 4), min_size=len(points), max_size=len(points))
        weights = np.array([*draw(counts), draw(st.integers(0, 4))], dtype=float)
        weights[-1] += 1.0  # some weight stays on the point below everything
        floor = points.min(axis=0) - 0.5
        d = (weights[:-1] @ points + weights[-1] * floor) / weights.sum()
    else:
        margin = np.array(
            draw(st.lists(_COORDINATES, min_size=n_players, max_size=n_players))
        )
        d = points.min(axis=0) - np.abs(margin)
    return BargainingProblem(points, d)


def symmetric_bargaining_problems(n_players: int) -> st.SearchStrategy[BargainingProblem]:
    """Problems closed under cyclic permutations of the players."""

    def close(points: np.ndarray, level: float) -> BargainingProblem:
        shifts = [np.roll(points, k, axis=1) for k in range(n_players)]
        cloud = np.vstack(shifts)
        d = np.full(n_players, min(level, float(cloud.min())))
        return BargainingProblem(cloud, d)

    return st.builds(close, point_clouds(n_players, 4), _COORDINATES)

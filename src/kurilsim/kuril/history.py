"""The negotiation over time: the historical regimes as a Markov chain.

The Japan-Russia talks ran from 1956 through shocks that changed what each
side wanted and could ratify.  This module models them as a
:class:`~kurilsim.solvers.markov.StochasticBargainingGame`: each year Japan
or Russia proposes a peace treaty (an agreement of the Kuril space, or a
lottery over agreements), the other accepts or rejects, and the *regime*
moves on along a Markov chain whose states are the seven historical regimes
of :data:`REGIMES`.  Each regime takes its utilities, vetoes and discount
factors from one bundled scenario (:data:`REGIMES` says which, and why).

Phased deals are actions (:func:`kuril_dynamic_game`, ``phased=True``): the
"two islands first" agreements (Habomai and Shikotan now, talks to continue
on Kunashir and Iturup; the option ``H+S+talks`` of the islands issue) move
the game to a *phase state*, one per regime and first-stage agreement, in
which the first stage's payoff is the new status-quo flow and the talks go on
over the final agreements that keep Habomai and Shikotan Japanese (a final
two-island settlement, joint activity on Kunashir and Iturup, or more
islands).  That is the line of Article 9 of the 1956 Joint Declaration (the
two islands after a peace treaty), Kozyrev's confidential offer of March 1992
(the two first, then talks on the other two; Kyodo News, "Russia's '92 isle
return offer snubbed", The Japan Times, 12 January 2013), the Irkutsk
Statement of 25 March 2001 (the 1956 Declaration as the legal starting
point) and the "two islands first" of the 2018 Singapore basis (Ministry of
Foreign Affairs of Japan, Japan-Russia Summit Meeting, Singapore, 14 November
2018).

Reductions, each a modelling judgement:

* The United States is not a player.  As in the one-shot proposal game, an
  agreement it may object to (``protocol.objectionable``) and values below
  its status quo is ruled out where the objection would stop it: always when
  ``protocol.objection_blocks``, otherwise when the objection payer would
  rather keep the status quo than pay ``protocol.objection_cost`` (the
  static comparison of :func:`kurilsim.solvers.proposal.spe_kernel`, with
  the status quo, not the continuation value, as the payer's alternative).
  Agreements that stay possible cost nothing: a futile objection is not made.
* A protocol's per-round discount factor is read as a yearly one.
* In a phase state the first stage's flow is the utility of the phased
  agreement without Japan's ``talks_prospect`` term (the value of the talks
  it opens is now the continuation of the game, not a parameter), and a
  final agreement there is worth its utility in the regime (levels, not
  increments: the package and the treaty are counted once).
* A constitutional veto applies in phase states as written, so a regime
  whose scenario vetoes every cession also rules out confirming the two
  islands already transferred; the first stage's flow then simply continues.

References
----------
.. [1] A. Merlo and C. Wilson, "A stochastic model of sequential bargaining
   with complete information", *Econometrica* 63, 371–399, 1995.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import check_bool, check_int, check_real, describe
from kurilsim._errors import InvalidArgumentError, InvalidModelError, KurilsimError
from kurilsim.games.negotiation import stopped
from kurilsim.kuril.scenarios import load_scenario
from kurilsim.model.priors import Prior
from kurilsim.model.scenario import Scenario
from kurilsim.solvers.markov import (
    DEFAULT_TOL,
    MarkovBargainingResult,
    StochasticBargainingGame,
    solve_markov_bargaining,
)

__all__ = [
    "AS_OF",
    "PLAYERS",
    "REGIMES",
    "KurilDynamicResult",
    "Regime",
    "hazard_priors",
    "kuril_chain",
    "kuril_dynamic",
    "kuril_dynamic_game",
    "regime_of_year",
]

#: The bargaining players, in the order of the game's player axis.
PLAYERS: Final = ("japan", "russia")

#: The date the ongoing regime's exposure is counted to: the end of the
#: record's horizon ("no treaty by 2024").
AS_OF: Final = date(2024, 12, 31)

#: Days per year, for regime durations.
_YEAR: Final = 365.25


@dataclass(frozen=True, slots=True, kw_only=True)
class Regime:
    """A historical regime of the negotiation: one state of the chain.

    Attributes
    ----------
    name : str
        Short name (``"cold-war"``).
    title : str
        What the regime was.
    start : datetime.date
        The event that opened it.
    end : datetime.date or None
        The event that closed it (``None``: still in force).
    opened_by : str
        The opening event, with its public source.
    scenario : str
        The bundled scenario whose utilities, vetoes and discount factors
        the regime uses.
    why : str
        Why that scenario (a judgement where the match is not exact).
    """

    name: str
    title: str
    start: date
    end: date | None
    opened_by: str
    scenario: str
    why: str

    def __post_init__(self) -> None:
        for key in ("name", "title", "opened_by", "scenario", "why"):
            value = getattr(self, key)
            if not isinstance(value, str) or not value.strip():
                raise InvalidModelError(
                    f"Regime.{key} must be a non-empty string, got {describe(value)}"
                )
        _check_day("Regime.start", self.start)
        if self.end is not None:
            _check_day("Regime.end", self.end)
            if self.end <= self.start:
                raise InvalidModelError(
                    f"Regime {self.name!r}: end {self.end} must be after start "
                    f"{self.start}"
                )

    def duration(self, as_of: date = AS_OF) -> float:
        """Years in force (to ``as_of`` for a regime still in force).

        Raises
        ------
        InvalidArgumentError
            If ``as_of`` is not a date (for a regime still in force).
        """
        if self.end is not None:
            return (self.end - self.start).days / _YEAR
        _check_day("as_of", as_of, error=InvalidArgumentError)
        return (as_of - self.start).days / _YEAR


def _check_day(
    name: str, value: object, *, error: type[KurilsimError] = InvalidModelError
) -> date:
    """``value`` if it is a date (not a datetime: the regimes count days)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise error(f"{name} must be a datetime.date, got {describe(value)}")
    return value


#: The seven regimes, in order; each exits to the next, and the last to
#: ``"post-2014"`` (a thaw).  The boundaries are the shocks of issue 17.
REGIMES: Final[tuple[Regime, ...]] = (
    Regime(
        name="pre-1960",
        title="After the Joint Declaration, before the 1960 security treaty",
        start=date(1956, 10, 19),
        end=date(1960, 1, 19),
        opened_by=(
            "Joint Declaration of Japan and the USSR, signed at Moscow, 19 October "
            "1956 (United Nations Treaty Series vol. 263, No. 3768, p. 99)"
        ),
        scenario="1956-declaration",
        why="the scenario of the Declaration itself",
    ),
    Regime(
        name="cold-war",
        title="The Cold War after the 1960 security treaty and the Soviet memorandum",
        start=date(1960, 1, 19),
        end=date(1991, 12, 26),
        opened_by=(
            "Treaty of Mutual Cooperation and Security between Japan and the United "
            "States, signed 19 January 1960; Soviet memorandum of 27 January 1960"
        ),
        scenario="1960-memorandum",
        why="the scenario of the memorandum that set Moscow's terms until 1991",
    ),
    Regime(
        name="1990s",
        title="Yeltsin's Russia: Kozyrev's 1992 offer and the Tokyo Declaration",
        start=date(1991, 12, 26),
        end=date(2001, 3, 25),
        opened_by=(
            "Declaration No. 142-N of the Soviet of the Republics of the Supreme "
            "Soviet of the USSR, 26 December 1991 (the USSR ceases to exist)"
        ),
        scenario="1993-tokyo",
        why="the scenario of the decade's central document (Tokyo, 13 October 1993)",
    ),
    Regime(
        name="2000s",
        title="Putin and the 1956 basis: from Irkutsk to Medvedev's visit",
        start=date(2001, 3, 25),
        end=date(2010, 11, 1),
        opened_by=(
            "Irkutsk Statement by the Prime Minister of Japan and the President of "
            "the Russian Federation, 25 March 2001"
        ),
        scenario="2001-irkutsk",
        why="the scenario of the statement that opened the regime",
    ),
    Regime(
        name="2010s",
        title="From Medvedev's visit to Kunashir to the Crimea sanctions",
        start=date(2010, 11, 1),
        end=date(2014, 3, 18),
        opened_by=(
            "Medvedev's visit to Kunashir, the first by a Soviet or Russian leader "
            "to the disputed islands (China Daily, 'Medvedev visits Kuril Islands, "
            "vows to improve local living', 1 November 2010)"
        ),
        scenario="2018-singapore",
        why=(
            "judgement: no bundled scenario is dated 2010-2014; 2018-singapore "
            "carries the preferences of Abe's second government (elected prime "
            "minister by the Diet on 26 December 2012; Reuters, 26 December 2012), "
            "which ran the talks of the next regime, and keeps the one-to-one "
            "chronological match of regimes and scenarios"
        ),
    ),
    Regime(
        name="post-2014",
        title="After the Crimea sanctions: Nagato, Singapore and the 2020 amendment",
        start=date(2014, 3, 18),
        end=date(2022, 3, 21),
        opened_by=(
            "Japan's sanctions on Russia over Crimea (The Moscow Times, 'Japan "
            "Imposes Mild Sanctions on Russia Over Crimea', 18 March 2014)"
        ),
        scenario="2020-constitution",
        why=(
            "judgement: 2020-constitution carries 2018-singapore's preferences "
            "(its notes) with the 2020 ban on ceding territory as a veto; the ban "
            "is permanent, and this regime is also where a thaw after 2022 leads, "
            "which must keep it.  The cost: the years 2014-2020 are modelled with "
            "a veto that came only in July 2020 (use scenarios={'post-2014': "
            "'2018-singapore'} for the alternative)"
        ),
    ),
    Regime(
        name="post-2022",
        title="After Russia ended the peace-treaty talks",
        start=date(2022, 3, 21),
        end=None,
        opened_by=(
            "Ministry of Foreign Affairs of the Russian Federation, statement of 21 "
            "March 2022 (Russia withdraws from the peace-treaty negotiations)"
        ),
        scenario="2022-suspension",
        why="the scenario of the suspension",
    ),
)

_NAMES: Final = tuple(regime.name for regime in REGIMES)

#: Where each regime goes when it ends (indices into REGIMES).
_NEXT: Final = (1, 2, 3, 4, 5, 6, 5)


def hazard_priors(as_of: date = AS_OF) -> dict[str, Prior]:
    """The prior of each regime's yearly exit probability.

    Each year a regime ends with probability ``h`` (a constant hazard).  The
    evidence is its one observed spell: ``L`` years and one exit (none yet
    for the regime in force, counted to ``as_of``).  With Jeffreys' prior
    ``Beta(1/2, 1/2)`` on ``h`` and a Bernoulli trial per year, the
    posterior is ``Beta(1/2 + exits, 1/2 + L - exits)``, whose mean is about
    ``1/L`` for a long regime; that posterior is the prior used here.

    Parameters
    ----------
    as_of : datetime.date
        Where the ongoing regime's exposure ends (default :data:`AS_OF`).

    Returns
    -------
    dict of str to Prior
        By regime name, in the order of :data:`REGIMES`.

    Raises
    ------
    InvalidArgumentError
        If ``as_of`` is not a date after the last regime began.

    Examples
    --------
    >>> from kurilsim.kuril.history import hazard_priors
    >>> priors = hazard_priors()
    >>> priors["cold-war"].family, priors["cold-war"].params[:2]
    ('beta', (('a', 1.5), ('b', 31.43)))
    >>> round(priors["cold-war"].mean, 3), round(priors["post-2022"].mean, 3)
    (0.046, 0.132)
    """
    if (
        not isinstance(as_of, date)
        or isinstance(as_of, datetime)
        or as_of <= REGIMES[-1].start
    ):
        raise InvalidArgumentError(
            f"as_of must be a datetime.date (not a datetime) after "
            f"{REGIMES[-1].start}, got {describe(as_of)}"
        )
    priors = {}
    for regime in REGIMES:
        years = regime.duration(as_of)
        exits = 0 if regime.end is None else 1
        until = "still in force" if regime.end is None else f"ended {regime.end}"
        priors[regime.name] = Prior.beta(
            round(0.5 + exits, 2),
            round(0.5 + years - exits, 2),
            reasoning=(
                f"Jeffreys' Beta(1/2, 1/2) updated with the regime's one spell: "
                f"{years:.2f} years from {regime.start} ({until}, counted to "
                f"{as_of} if in force) and {exits} exit, a Bernoulli trial per "
                "year; judgement that the hazard is constant within a regime"
            ),
            source=regime.opened_by,
        )
    return priors


def _check_hazards(hazards: object) -> NDArray[np.float64]:
    """Each regime's yearly exit probability (the prior means where not given)."""
    defaults = {name: prior.mean for name, prior in hazard_priors().items()}
    if hazards is None:
        given: Mapping[str, Any] = {}
    elif isinstance(hazards, Mapping):
        given = hazards
    else:
        raise InvalidModelError(
            f"hazards must be a mapping of regime names to yearly exit "
            f"probabilities, got {describe(hazards)}"
        )
    unknown = [name for name in given if name not in _NAMES]
    if unknown:
        raise InvalidModelError(
            f"hazards names unknown regimes {unknown}; the regimes are {list(_NAMES)}"
        )
    values = [
        check_real(
            given.get(name, defaults[name]),
            f"hazards[{name!r}]",
            low=0,
            high=1,
            error=InvalidModelError,
        )
        for name in _NAMES
    ]
    return np.array(values)


def kuril_chain(hazards: Mapping[str, float] | None = None) -> NDArray[np.float64]:
    """The yearly transition matrix between the regimes of :data:`REGIMES`.

    Regime ``r`` stays with probability ``1 - h_r`` and otherwise moves to
    the next regime; ``post-2022`` moves to ``post-2014`` (judgement: a thaw
    returns to the relations of 2014-2022, the 2020 ban included).

    Parameters
    ----------
    hazards : mapping of str to float, optional
        Yearly exit probabilities in [0, 1] by regime name; the others are
        the means of :func:`hazard_priors`.

    Returns
    -------
    ndarray, shape (7, 7)
        Row-stochastic.

    Raises
    ------
    InvalidModelError
        For an unknown regime or a probability outside [0, 1].

    Examples
    --------
    >>> from kurilsim.kuril.history import kuril_chain
    >>> chain = kuril_chain({"post-2022": 0.0})
    >>> chain.shape, bool((chain.sum(axis=1) == 1).all())
    ((7, 7), True)
    >>> chain[0].round(3)  # pre-1960: stays, or moves to the Cold War
    array([0.647, 0.353, 0.   , 0.   , 0.   , 0.   , 0.   ])
    """
    h = _check_hazards(hazards)
    chain = np.diag(1.0 - h)
    chain[np.arange(len(h)), _NEXT] += h
    return readonly(chain)


def regime_of_year(year: int) -> str:
    """The regime in force at the end of ``year``.

    Raises
    ------
    InvalidArgumentError
        If ``year`` is not an integer from 1956 on.

    Examples
    --------
    >>> from kurilsim.kuril.history import regime_of_year
    >>> regime_of_year(1956), regime_of_year(2001), regime_of_year(2023)
    ('pre-1960', '2000s', 'post-2022')
    """
    year = check_int(year, "year", low=REGIMES[0].start.year, high=9999)
    end = date(year, 12, 31)
    return [regime.name for regime in REGIMES if regime.start <= end][-1]


# ---------------------------------------------------------------------------
# The game
# ---------------------------------------------------------------------------
def _scenario(value: object, regime: str) -> Scenario:
    if isinstance(value, Scenario):
        return value
    if isinstance(value, str):
        return load_scenario(value)
    raise InvalidModelError(
        f"scenarios[{regime!r}] must be a Scenario or a bundled scenario's name, "
        f"got {describe(value)}"
    )


def _rows(scenario: Scenario) -> list[int]:
    names = scenario.agent_names
    missing = [p for p in PLAYERS if p not in names]
    if missing:
        raise InvalidModelError(
            f"scenario {scenario.name!r} has no agent {missing[0]!r}; the dynamic "
            f"model needs {list(PLAYERS)} (its agents are {list(names)})"
        )
    return [names.index(p) for p in PLAYERS]


def _phase_flows(scenario: Scenario, rows: list[int]) -> NDArray[np.float64]:
    """Utilities ``(2, n_agreements)`` as first stages: without Japan's talks
    prospect (the continuation of the game values the talks instead)."""
    if "japan.talks_prospect" in scenario.parameter_names():
        table = scenario.outcome_utilities({"japan.talks_prospect": 0.0})[:, :-1]
    else:
        table = scenario.utilities()
    result: NDArray[np.float64] = np.asarray(table)[rows]
    return result


def _masks(available: object, m: int) -> dict[str, NDArray[np.bool_]]:
    if available is None:
        return {}
    if not isinstance(available, Mapping):
        raise InvalidModelError(
            f"available must be a mapping of regime names to boolean masks over the "
            f"agreements, got {describe(available)}"
        )
    masks = {}
    for name, mask in available.items():
        if name not in _NAMES:
            raise InvalidModelError(
                f"available names an unknown regime {name!r}; the regimes are "
                f"{list(_NAMES)}"
            )
        array = np.asarray(mask)
        if array.dtype != np.bool_ or array.shape != (m,):
            raise InvalidModelError(
                f"available[{name!r}] must be a boolean mask of shape ({m},) over the "
                f"agreements, got {describe(mask)}"
            )
        masks[name] = array
    return masks


def kuril_dynamic_game(
    *,
    hazards: Mapping[str, float] | None = None,
    scenarios: Mapping[str, str | Scenario] | None = None,
    discounts: Mapping[str, float] | None = None,
    japan_recognition: float = 0.5,
    phased: bool = True,
    available: Mapping[str, ArrayLike] | None = None,
) -> StochasticBargainingGame:
    """The Japan-Russia negotiation over time, as a stochastic bargaining game.

    States: the seven regimes of :data:`REGIMES`, then (``phased=True``) one
    phase state per regime and "two islands first" agreement of the space
    (``islands.talks == 1``), named ``"<regime> | <agreement>"``.  Each year
    Japan proposes with probability ``japan_recognition`` and Russia
    otherwise; the regime moves on by :func:`kuril_chain` (phase states
    follow the same chain among themselves).

    Parameters
    ----------
    hazards : mapping of str to float, optional
        Yearly exit probabilities by regime (default: the means of
        :func:`hazard_priors`).
    scenarios : mapping of str to str or Scenario, optional
        Replacements for the regimes' bundled scenarios, by regime name.
        All must share one agreement space.
    discounts : mapping of str to float, optional
        A yearly discount factor in (0, 1) for ``"japan"`` and/or
        ``"russia"`` in every state; by default each state uses its
        scenario's ``protocol.discount_factor`` (a round read as a year).
    japan_recognition : float
        Probability in [0, 1] that Japan proposes in a given year.
        Judgement: 0.5, as the record has offers from both capitals (Article
        9 and Kozyrev's 1992 offer from Moscow; the four-island demand and
        the 2018 turn to the 1956 basis from Tokyo).
    phased : bool
        Whether the "two islands first" agreements are first stages (phase
        states) rather than final agreements worth their static utility.
    available : mapping of str to array_like of bool, optional
        Masks over the agreements by regime name (for example the
        ratifiers' win-sets of a two-level analysis), combined with the
        regime's veto and objection.

    Returns
    -------
    StochasticBargainingGame

    Raises
    ------
    InvalidModelError
        For an unknown regime, a bad hazard, discount, probability or mask,
        a scenario without Japan and Russia, or scenarios whose agreement
        spaces differ.

    Examples
    --------
    >>> from kurilsim.kuril.history import kuril_dynamic_game
    >>> game = kuril_dynamic_game()
    >>> game.n_states, game.n_agreements, game.players
    (49, 38, ('japan', 'russia'))
    >>> game.states[:2]
    ('pre-1960', 'cold-war')
    >>> kuril_dynamic_game(phased=False).n_states
    7
    """
    chain = kuril_chain(hazards)
    if scenarios is not None and not isinstance(scenarios, Mapping):
        raise InvalidModelError(
            "scenarios must be a mapping of regime names to scenarios (or bundled "
            f"scenario names), got {describe(scenarios)}"
        )
    given = dict(scenarios or {})
    unknown = [name for name in given if name not in _NAMES]
    if unknown:
        raise InvalidModelError(
            f"scenarios names unknown regimes {unknown}; the regimes are {list(_NAMES)}"
        )
    loaded = [
        _scenario(given.get(regime.name, regime.scenario), regime.name)
        for regime in REGIMES
    ]
    space = loaded[0].space
    for regime, scenario in zip(REGIMES, loaded, strict=True):
        if scenario.space != space:
            raise InvalidModelError(
                f"the scenario of regime {regime.name!r} ({scenario.name!r}) has a "
                f"different agreement space from {loaded[0].name!r}; every regime "
                "needs the same agreements"
            )
    rho = check_real(
        japan_recognition, "japan_recognition", low=0, high=1, error=InvalidModelError
    )
    phased = check_bool(phased, "phased", error=InvalidModelError)
    fixed = _check_discounts(discounts)
    m = len(space)
    masks = _masks(available, m)
    R = len(REGIMES)
    rows = [_rows(scenario) for scenario in loaded]
    utilities = np.stack(
        [np.asarray(s.utilities())[r] for s, r in zip(loaded, rows, strict=True)],
        axis=1,
    )  # (2, R, m)
    flows = np.stack(
        [
            np.asarray(s.status_quo_utilities())[r]
            for s, r in zip(loaded, rows, strict=True)
        ],
        axis=1,
    )
    open_ = np.stack(
        [
            ~stopped(scenario) & masks.get(regime.name, np.ones(m, dtype=bool))
            for regime, scenario in zip(REGIMES, loaded, strict=True)
        ]
    )  # (R, m)
    deltas = np.array(
        [[fixed.get(p, s.protocol.discount_factor(p)) for s in loaded] for p in PLAYERS]
    )
    if deltas.max() >= 1.0:
        raise InvalidModelError(
            "the dynamic model needs yearly discount factors below 1; a scenario's "
            f"protocol gives {deltas.max()!r} (pass discounts=...)"
        )
    labels = tuple(loaded[0].agreement_label(a) for a in range(m))
    talks = space.feature("islands.talks", default=0.0)[:m] > 0
    if not phased or not talks.any():
        return StochasticBargainingGame(
            utilities=utilities,
            flows=flows,
            transitions=chain,
            recognition=np.tile([rho, 1.0 - rho], (R, 1)),
            discounts=deltas,
            available=open_,
            players=PLAYERS,
            states=_NAMES,
            agreements=labels,
        )
    firsts = np.flatnonzero(talks)
    keeps = (
        (space.feature("islands.habomai", default=0.0)[:m] > 0)
        & (space.feature("islands.shikotan", default=0.0)[:m] > 0)
        & ~talks
    )
    stage = [_phase_flows(s, r) for s, r in zip(loaded, rows, strict=True)]
    blocks = len(firsts) + 1
    S = R * blocks
    U = np.tile(utilities, (1, blocks, 1))
    F = np.concatenate(
        [flows, *(np.stack([f[:, a] for f in stage], axis=1) for a in firsts)], axis=1
    )
    available_all = np.concatenate([open_ & ~talks, *([open_ & keeps] * len(firsts))])
    available_all[:R] |= open_ & talks
    phases = np.full((S, m), -1, dtype=np.intp)
    for v, a in enumerate(firsts):
        phases[:R, a] = R * (v + 1) + np.arange(R)
    states = _NAMES + tuple(f"{name} | {labels[a]}" for a in firsts for name in _NAMES)
    return StochasticBargainingGame(
        utilities=U,
        flows=F,
        transitions=np.asarray(np.kron(np.eye(blocks), chain), dtype=np.float64),
        recognition=np.tile([rho, 1.0 - rho], (S, 1)),
        discounts=np.tile(deltas, (1, blocks)),
        available=available_all,
        phases=phases,
        players=PLAYERS,
        states=states,
        agreements=labels,
    )


#: The keyword arguments of :func:`kuril_dynamic_game`.
_GAME_OPTIONS: Final = frozenset(
    {"hazards", "scenarios", "discounts", "japan_recognition", "phased", "available"}
)


def _check_discounts(discounts: object) -> dict[str, float]:
    if discounts is None:
        return {}
    if not isinstance(discounts, Mapping):
        raise InvalidModelError(
            f"discounts must be a mapping of 'japan' and/or 'russia' to yearly "
            f"discount factors, got {describe(discounts)}"
        )
    out = {}
    for name, value in discounts.items():
        if name not in PLAYERS:
            raise InvalidModelError(
                f"discounts names {name!r}; the players are {list(PLAYERS)}"
            )
        out[name] = check_real(
            value,
            f"discounts[{name!r}]",
            low=0,
            high=1,
            low_open=True,
            high_open=True,
            error=InvalidModelError,
        )
    return out


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class KurilDynamicResult:
    """What the dynamic model says from a start year.

    Attributes
    ----------
    solution : MarkovBargainingResult
        The certified stationary equilibrium of the game.
    start_year : int
    start_regime : str
        The regime in force at the end of the start year (the first period).
    years : tuple of int
        The years asked about.
    treaty_probability : ndarray
        For each year, the probability of a peace treaty (any agreement, a
        first stage included) by its end.
    settlement_probability : ndarray
        The same for a final settlement (a first stage does not count).
    expected_years : float
        Expected years of no treaty before the first one (``inf`` if, with
        positive probability, none is ever concluded).
    first_agreement : ndarray, shape (n_agreements + 1,)
        The distribution of the first agreement concluded; last: none ever.
    labels : tuple of str
        The agreements' labels.
    """

    solution: MarkovBargainingResult
    start_year: int
    start_regime: str
    years: tuple[int, ...]
    treaty_probability: NDArray[np.float64]
    settlement_probability: NDArray[np.float64]
    expected_years: float
    first_agreement: NDArray[np.float64]
    labels: tuple[str, ...]

    # the solver-result contract (kurilsim.solvers.results.SolverResult), so that
    # the result can be the evidence of an Outcome (the "dynamic" concept)
    @property
    def certificate(self) -> float:
        """The solution's certificate: its largest one-shot deviation gain."""
        return self.solution.certificate

    @property
    def tol(self) -> float:
        """The tolerance the solution's certificate met."""
        return self.solution.tol

    @property
    def message(self) -> str:
        """One line: the start, the expected years to a treaty, the solver's run."""
        return (
            f"from {self.start_year} ({self.start_regime}), expected years to a "
            f"treaty {self.expected_years:.3g}: {self.solution.message}"
        )

    @property
    def method(self) -> str:
        """The solver's method (``solution.method``)."""
        return self.solution.method

    def __str__(self) -> str:
        head = (
            f"dynamic model from {self.start_year} ({self.start_regime}): expected "
            f"years to a treaty {self.expected_years:.3g}"
        )
        lines = [head]
        for year, p, q in zip(
            self.years,
            self.treaty_probability,
            self.settlement_probability,
            strict=True,
        ):
            lines.append(f"  by {year}: treaty {p:.3f}, final settlement {q:.3f}")
        order = np.argsort(-self.first_agreement[:-1])[:3]
        for a in order.tolist():
            if self.first_agreement[a] > 0:
                lines.append(f"  {self.first_agreement[a]:.3f}: {self.labels[a]}")
        lines.append(f"  {self.first_agreement[-1]:.3f}: no treaty ever")
        return "\n".join(lines)


def kuril_dynamic(
    start: int = 1956,
    *,
    years: int | Sequence[int] = (2024, 2030),
    tol: float = DEFAULT_TOL,
    **options: Any,
) -> KurilDynamicResult:
    """Solve the dynamic model and report the chances of a treaty from a year.

    Parameters
    ----------
    start : int
        The first year of talks; the chain starts in :func:`regime_of_year`.
    years : int or sequence of int
        Years ``Y`` for which to report the probability of a treaty by the
        end of ``Y`` (0 before ``start``).
    tol : float
        The solver's tolerance (see
        :func:`~kurilsim.solvers.markov.solve_markov_bargaining`).
    **options
        Passed to :func:`kuril_dynamic_game`.

    Returns
    -------
    KurilDynamicResult

    Raises
    ------
    InvalidArgumentError
        For a bad start year or years, or an unknown option.
    InvalidModelError
        For bad game options.
    SolverError
        If the equilibrium cannot be computed and certified.

    Examples
    --------
    >>> from kurilsim.kuril.history import kuril_dynamic
    >>> outlook = kuril_dynamic(1956, years=[1955, 2024])
    >>> outlook.start_regime, float(outlook.treaty_probability[0])
    ('pre-1960', 0.0)
    >>> bool(0.0 <= outlook.treaty_probability[1] <= 1.0)
    True
    >>> outlook.solution.certificate <= outlook.solution.tol
    True
    """
    start = check_int(start, "start", low=REGIMES[0].start.year, high=9999)
    regime = regime_of_year(start)
    unknown = sorted(set(options) - _GAME_OPTIONS)
    if unknown:
        raise InvalidArgumentError(
            f"kuril_dynamic got an unknown option {unknown[0]!r}; the options of "
            f"kuril_dynamic_game are {sorted(_GAME_OPTIONS)}"
        )
    raw = [years] if isinstance(years, int | np.integer) else years
    if isinstance(raw, str) or not isinstance(raw, Sequence | np.ndarray):
        raise InvalidArgumentError(
            f"years must be a year or a sequence of years, got {describe(years)}"
        )
    asked = tuple(check_int(y, "years", low=0, high=9999) for y in raw)
    game = kuril_dynamic_game(**options)
    solution = solve_markov_bargaining(game, tol=tol)
    periods = np.array([max(y - start + 1, 0) for y in asked], dtype=np.int64)
    treaty = solution.agreement_probability(periods, start=regime, until="any")
    settled = solution.agreement_probability(periods, start=regime, until="final")
    return KurilDynamicResult(
        solution=solution,
        start_year=start,
        start_regime=regime,
        years=asked,
        treaty_probability=readonly(treaty),
        settlement_probability=readonly(settled),
        expected_years=solution.expected_time(start=regime, until="any"),
        first_agreement=readonly(
            solution.outcome_distribution(start=regime, until="any")
        ),
        labels=game.agreements,
    )

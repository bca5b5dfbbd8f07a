"""Solution concepts: one record per concept and the one registry everything reads.

A :class:`Concept` says what a solution concept is called (``name``, and a
``title`` for plots and tables), what it means (``description``), how to
solve a scenario under it (``solve(scenario, **options) -> Outcome``) and,
optionally, how to solve many parameter points at once in a sweep
(``kernel``).  The registry of this module is the single list of concepts:
:func:`kurilsim.solve_scenario`, :func:`kurilsim.compare_concepts`,
:func:`kurilsim.sweep`, the labels of :mod:`kurilsim.plot` and the
``kurilsim`` command line (``solve --concept``, ``sweep --concept``, their
help) all read it, so a concept added with :func:`register` appears in all of
them with no other change.  An installed package provides concepts through
the entry-point group ``"kurilsim.concepts"`` (:data:`CONCEPT_ENTRY_POINT_GROUP`):
:func:`names` lists them without loading them, :func:`get` loads one when it
is used.  A concept declares the options its ``solve`` takes
(:attr:`Concept.options`) and the protocol roles it needs
(:attr:`Concept.roles`); both are checked before it solves.

The built-in concepts, in the order :func:`registered` lists them (every one
has a vectorised kernel for sweeps, equal at every point to its ``solve``; the
lottery concepts' kernels also report the most likely outcome's probability):

``spe``
    subgame-perfect equilibrium of the proposal game;
``nash``
    Nash equilibrium of the strategic game, selected along the logit path
    (the kernel decides the points two proven rules settle and traces the
    others one by one);
``nash-bargaining``, ``kalai-smorodinsky``, ``rubinstein``
    two-party bargaining between the protocol's proposer and responder over
    lotteries of agreements;
``nash-bargaining-discrete``, ``kalai-smorodinsky-discrete``
    the same rules between single agreements;
``baron-ferejohn``
    legislative bargaining among all agents, unanimity rule by default (every
    agent's consent, as a sovereign cession needs); ``rule="majority"`` is
    the textbook variant, which does not apply to sovereign cessions;
``pbe``
    perfect Bayesian equilibrium of the pledge game of the calibrated case,
    where the responder is unsure whether the proposer's pledge will hold
    (its outcome is a lottery over the proposer's type);
``two-level``
    subgame-perfect equilibrium of the ratification game of the calibrated
    case (:func:`kurilsim.kuril.ratification_game`): the proposal game with
    each party's domestic ratification stages voting after the responder
    accepts, so that only agreements in both sides' win-sets are concluded;
``dynamic``
    stationary Markov perfect equilibrium of the negotiation over time
    (:func:`kurilsim.solvers.markov.solve_markov_bargaining`); its kernel
    serves every scenario except those in the regimes the chain returns to (2020-constitution,
    2022-suspension: point by point).  A scenario of the calibrated case (the
    agents Japan and Russia, the regimes' agreement space) is entered in its
    regime of the historical chain (:data:`kurilsim.kuril.history.REGIMES`):
    the regime whose bundled scenario has its base name
    (:attr:`kurilsim.Scenario.base_name`: a copy made by ``with_params``
    keeps it), or the option ``regime=``; the chain of :func:`kurilsim.kuril.history.kuril_dynamic_game`
    is solved with the scenario in place of that regime's, from the year
    the regime began, and the scenario's veto holds in every regime.  Any
    other scenario -- one of the calibrated case given another name with
    ``dataclasses.replace`` too (a copy made by ``with_params`` and renamed
    keeps its origin, :attr:`kurilsim.Scenario.derived_from`, unless given
    ``derived_from=""``) -- is a one-state
    game: the protocol's proposer and responder bargain over its agreements
    (lotteries allowed), each proposing with probability 1/2 each period,
    the status quo paying its utility as a flow while they disagree, with
    the protocol's discount factors (all below 1) and without the agreements
    the veto or the objector's objection would stop: Rubinstein's game with
    random proposers and a status-quo flow.  The outcome is the lottery of
    the first agreement concluded (a phased first stage counts; ``NO_DEAL``:
    none ever), its probability that of an agreement ever; the two parties'
    utilities are their equilibrium values at the start (normalised
    discounted sums), a third agent's is its expected utility of the
    lottery (no delay counted).  The evidence, a
    :class:`~kurilsim.kuril.history.KurilDynamicResult` or a
    :class:`~kurilsim.solvers.markov.MarkovBargainingResult`, gives the
    probability of an agreement by a year or period.

Every built-in concept leaves out the agreements the protocol's ``veto``
rules out (:meth:`~kurilsim.NegotiationProtocol.vetoed_agreements`), and
:meth:`Concept.outcome` refuses an outcome of any concept that concludes one.

Examples
--------
>>> import kurilsim
>>> from kurilsim import concepts
>>> [concept.name for concept in concepts.registered()][:3]
['spe', 'nash', 'nash-bargaining']
>>> concepts.get("spe").title
'subgame-perfect equilibrium'
>>> {"spe", "pbe", "baron-ferejohn"} <= {c.name for c in concepts.registered() if c.kernel}
True
"""

from __future__ import annotations

import importlib.metadata
import inspect
import re
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import check_choice, check_instance, describe
from kurilsim._errors import (
    InvalidArgumentError,
    InvalidModelError,
    SolverError,
    UnusedOptionWarning,
)
from kurilsim._html import LOTTERY_NOTE
from kurilsim.model.agreements import NO_DEAL, Agreement
from kurilsim.model.protocol import ROLES as PROTOCOL_ROLES
from kurilsim.model.scenario import Scenario

if TYPE_CHECKING:
    from kurilsim.kuril.history import KurilDynamicResult
    from kurilsim.solvers.bargaining import BargainingSolution
    from kurilsim.solvers.markov import MarkovBargainingResult, StochasticBargainingGame
    from kurilsim.solvers.results import SolverResult

__all__ = [
    "CONCEPTS",
    "CONCEPT_ENTRY_POINT_GROUP",
    "LOTTERY_NOTE",
    "ROLES",
    "Concept",
    "Outcome",
    "SweepKernel",
    "get",
    "names",
    "register",
    "registered",
    "unregister",
]

#: The protocol roles a concept may need (:attr:`Concept.roles`): the
#: attributes of :class:`~kurilsim.NegotiationProtocol` that name agents.
ROLES: Final = PROTOCOL_ROLES

#: Entry-point group through which an installed package provides concepts:
#: ``[project.entry-points."kurilsim.concepts"] name = "package.module:CONCEPT"``,
#: the target a :class:`Concept` whose ``name`` is the entry point's name.
CONCEPT_ENTRY_POINT_GROUP: Final = "kurilsim.concepts"

#: What a concept name may look like: it is also a command-line word and a
#: checkpoint key (lower case letters, digits and inner dashes).
_NAME: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# -- the outcome of a scenario ---------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class Outcome:
    """What a scenario leads to under one solution concept.

    Follows the result contract of :class:`kurilsim.solvers.results.SolverResult`:
    :attr:`certificate`, :attr:`tol`, :attr:`message` and :attr:`method`.

    Attributes
    ----------
    concept : str
        The concept's name (see :func:`kurilsim.concepts.get`).
    scenario : str
        The scenario's name.
    agreement : Agreement or None
        The agreement reached (the most likely one under a lottery or mixed
        equilibrium), or None for no deal.
    probability : float
        Probability that some agreement is concluded.
    distribution : dict of int to float
        Probability of each agreement index, ``NO_DEAL`` for the status quo.
    utilities : ndarray
        Each agent's expected utility (scenario order).
    agents : tuple of str
    certificate : float
        The evidence's own certificate (``evidence.certificate``), in the
        units of ``tol``: for ``spe`` the largest one-shot deviation gain and
        for ``nash`` the largest deviation gain, each relative to the mover's
        payoff range; for the bargaining solutions over lotteries the Pareto
        gap (Baron-Ferejohn: its optimality gap, the equilibrium residual --
        a majority's deal need not be Pareto optimal); for the discrete
        bargaining rules the larger of the shortfall below individual
        rationality (relative to each party's utility range) and the relative
        optimality gap of the choice for the rule's objective (see
        :class:`~kurilsim.DiscreteBargainingResult`); for ``dynamic`` the
        largest one-shot deviation gain of the stationary Markov strategies,
        relative to each player's utility range.  A user concept documents
        its own.
    tol : float
        What the solver checked the certificate against (``evidence.tol``):
        the outcome is certified when ``certificate <= tol``.
    evidence : SolverResult or None
        The solver's full result (``SPEResult``, ``NashResult``,
        ``BargainingSolution``, ``DiscreteBargainingResult``,
        ``KurilDynamicResult`` or ``MarkovBargainingResult``), or None when a
        user concept has none.
    labels : dict of int to str
        Readable name of each outcome in ``distribution``.
    """

    concept: str
    scenario: str
    agreement: Agreement | None
    probability: float
    distribution: dict[int, float]
    utilities: NDArray[np.float64]
    agents: tuple[str, ...]
    certificate: float
    tol: float = 0.0
    evidence: SolverResult | None = field(default=None, repr=False)
    labels: dict[int, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_distribution(
        cls,
        scenario: Scenario,
        concept: str,
        distribution: Mapping[int, float],
        *,
        certificate: float,
        tol: float,
        evidence: SolverResult | None = None,
        utilities: NDArray[np.float64] | None = None,
    ) -> Outcome:
        """The outcome of ``scenario`` when each outcome has a probability.

        This is how a concept's ``solve`` builds its result.

        Parameters
        ----------
        scenario : Scenario
        concept : str
            The concept's name.
        distribution : mapping of int to float
            Probability of each agreement index of ``scenario.space``,
            ``NO_DEAL`` (-1) for the status quo; probabilities sum to 1.
        certificate, tol : float
            The checked error measure and what it was checked against.
        evidence : SolverResult, optional
            The solver's result.
        utilities : ndarray, optional
            Each agent's expected utility (default: the expectation of the
            scenario's outcome utilities under ``distribution``; pass them
            when the concept's payoffs differ, e.g. an objection cost paid).

        Raises
        ------
        InvalidArgumentError
            If an index is not an agreement of the scenario or ``NO_DEAL``,
            or the probabilities are not in [0, 1] summing to 1.

        Examples
        --------
        >>> import kurilsim
        >>> scenario = kurilsim.kuril_scenario(name="default")
        >>> outcome = kurilsim.Outcome.from_distribution(
        ...     scenario, "mine", {kurilsim.NO_DEAL: 1.0}, certificate=0.0, tol=0.0)
        >>> outcome.deal, outcome.probability
        ('no deal', 0.0)
        """
        check_instance(scenario, Scenario, "scenario")
        table = scenario.outcome_utilities()
        n = len(scenario.space)
        weights = np.zeros(table.shape[1])
        chances: dict[int, float] = {}
        for key, value in dict(distribution).items():
            index = int(key)
            if index != key or not (index == NO_DEAL or 0 <= index < n):
                raise InvalidArgumentError(
                    f"distribution keys must be agreement indices in [0, {n}) or "
                    f"NO_DEAL ({NO_DEAL}), got {key!r}"
                )
            p = float(value)
            if not -1e-9 <= p <= 1.0 + 1e-9:  # within rounding
                raise InvalidArgumentError(
                    f"distribution[{index}] must be a probability in [0, 1], got {value!r}"
                )
            chances[index] = p
            weights[index] += p  # NO_DEAL = -1 is the last column
        if chances and abs(sum(chances.values()) - 1.0) > 1e-6:
            raise InvalidArgumentError(
                f"distribution must sum to 1, got {sum(chances.values())!r}"
            )
        if utilities is None:
            utilities = table @ weights
        deals = {k: p for k, p in chances.items() if k != NO_DEAL and p > 1e-12}
        best = max(deals.items(), key=lambda item: item[1])[0] if deals else NO_DEAL
        agreement = (
            scenario.space[best]
            if best != NO_DEAL and deals[best] >= chances.get(NO_DEAL, 0.0)
            else None
        )
        return cls(
            concept=concept,
            scenario=scenario.name,
            agreement=agreement,
            probability=float(sum(deals.values())),
            distribution=chances,
            utilities=readonly(np.array(utilities, dtype=np.float64)),
            agents=scenario.agent_names,
            certificate=float(certificate),
            tol=float(tol),
            evidence=evidence,
            labels={
                k: scenario.agreement_label(k) for k in chances
            },
        )

    @property
    def method(self) -> str:
        """The method that produced the outcome: the concept's name (the
        solver's own method is ``evidence.method``)."""
        return self.concept

    @property
    def message(self) -> str:
        """A one-line summary: the deal, its chance, utilities and certificate."""
        return str(self)

    @property
    def agreement_index(self) -> int:
        """Index of the agreement reached, or ``NO_DEAL``."""
        if not self.distribution:
            return NO_DEAL
        return max(self.distribution.items(), key=lambda item: item[1])[0]

    @property
    def deal(self) -> str:
        """The agreement as text, or ``"no deal"``; a lottery (no deal among its
        outcomes or not) lists its two likeliest outcomes with their weights."""
        if self.is_lottery:
            parts = sorted(
                ((k, p) for k, p in self.distribution.items() if p > 1e-12),
                key=lambda item: -item[1],
            )
            shown = [
                f"{p:.0%} " + ("no deal" if k == NO_DEAL else self.labels.get(k, str(k)))
                for k, p in parts[:2]
            ]
            more = " + ..." if len(parts) > 2 else ""
            return "lottery: " + " / ".join(shown) + more
        if self.agreement is None:
            return "no deal"
        if len(self.distribution) == 1:
            return self.labels.get(self.agreement_index, str(self.agreement))
        parts = sorted(self.distribution.items(), key=lambda item: -item[1])
        shown = [f"{p:.0%} {self.labels.get(k, str(k))}" for k, p in parts[:2]]
        more = " + ..." if len(parts) > 2 else ""
        return "lottery: " + " / ".join(shown) + more

    def __str__(self) -> str:
        values = ", ".join(
            f"{name} {u:+.3f}" for name, u in zip(self.agents, self.utilities, strict=True)
        )
        certain = self.probability < 1e-9 or self.probability > 1 - 1e-9
        chance = "" if certain else f" (p={self.probability:.3f})"
        return (
            f"{self.concept}: {self.deal}{chance}; utilities {values}; "
            f"certificate {self.certificate:.2g}"
        )

    @property
    def is_lottery(self) -> bool:
        """Whether the outcome is a lottery: more than one outcome (agreements
        or no deal) has a positive probability.

        Examples
        --------
        >>> import kurilsim
        >>> scenario = kurilsim.kuril_scenario(name="default")
        >>> kurilsim.solve_scenario(scenario, "spe").is_lottery
        False
        >>> kurilsim.solve_scenario(scenario, "nash-bargaining").is_lottery
        True
        """
        return sum(p > 1e-12 for p in self.distribution.values()) > 1

    def _html_outcome(self) -> str:
        """The outcome as HTML: the agreement's label, or for a lottery its
        support and weights (``lottery: 90% ... / 10% ...``), escaped."""
        from kurilsim._html import lottery

        if not self.distribution:
            return lottery([("no deal", 1.0)])
        return lottery(
            (self.labels.get(k, "no deal" if k == NO_DEAL else str(k)), p)
            for k, p in self.distribution.items()
        )

    def _repr_html_(self) -> str:
        """The outcome as an HTML table for notebooks: the outcome (a lottery
        as its support and weights), P(deal), each agent's utility and the
        certificate."""
        from kurilsim._html import LOTTERY_NOTE, Html, paragraph, table, view

        rows: list[list[object]] = [
            ["outcome", Html(self._html_outcome())],
            ["P(deal)", self.probability],
            *([f"utility {name}", float(u)]
              for name, u in zip(self.agents, self.utilities, strict=True)),
            ["certificate", f"{self.certificate:.2g} (tol {self.tol:.2g})"],
        ]
        caption = f"{self.concept} outcome of scenario {self.scenario}"
        note = paragraph(LOTTERY_NOTE, small=True) if self.is_lottery else ""
        return view(table(rows, caption=caption, row_headers=True), note)


# -- the concept record ----------------------------------------------------------------
class SweepKernel(Protocol):
    """A concept's vectorised solver: the agreement reached at many points at once.

    Called by :func:`kurilsim.sweep` on a chunk of ``m`` parameter points as
    ``kernel(scenario, utilities, settings)``:

    ``scenario``
        The base scenario of the chunk (every protocol setting the kernel
        does not take as an array is set in it);
    ``utilities``
        Read-only, C-contiguous array of shape
        ``(n_agents, len(scenario.space) + 1, m)``: the utilities of
        :meth:`Scenario.outcome_utilities` at the points, laid out agent x
        outcome x point (agents in scenario order, the status quo last), so
        that ``utilities[i]`` is one contiguous row of points per outcome; all
        finite;
    ``settings``
        The protocol settings of :attr:`Concept.kernel_settings` that the
        sweep varies, by dotted name, as arrays of length ``m``.

    It returns the agreement index reached at each point (``NO_DEAL`` for no
    deal), an integer array of shape ``(m,)``.  The kernel of a concept whose
    outcome may be a lottery (:attr:`Concept.lottery`) returns a triple
    instead: that array, holding the most likely agreement as
    :attr:`Outcome.agreement` does (``NO_DEAL`` where no deal is at least as
    likely), the probability of a deal ``(m,)`` and each agent's expected
    utility ``(m, n_agents)``, as the outcome's ``probability`` and
    ``utilities``, or a 4-tuple: that triple and the probability ``(m,)``
    of the outcome the first array names (of no deal where it is
    ``NO_DEAL``), the sweep's ``mode_probability`` (every built-in lottery
    concept's kernel does).  From a triple the sweep takes
    ``1 - probability`` where no deal is the mode, and NaN where a deal is
    (the most likely deal's share of P(deal) is then unknown: a 57/43
    lottery between two deals has P(deal) 1); a concept that is not a
    lottery has 1 everywhere.  ``settings`` also holds the agent
    parameters that the sweep varies, by dotted name, for a kernel that
    needs them besides the utilities (``"pbe"`` reads the clauses' costs and
    binding forces).  It must give at each point
    what the concept's ``solve`` gives there; it may raise
    :class:`~kurilsim.KurilsimError` for invalid values (the sweep then
    solves the chunk point by point, recording each point's error).
    """

    def __call__(
        self,
        scenario: Scenario,
        utilities: NDArray[np.float64],
        settings: Mapping[str, NDArray[Any]],
        /,
    ) -> (
        NDArray[np.intp]
        | tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]
        | tuple[
            NDArray[np.intp], NDArray[np.float64], NDArray[np.float64],
            NDArray[np.float64],
        ]
    ): ...


#: What a built-in lottery concept's kernel returns: agreements, P(deal),
#: utilities and the mode's probability (see :class:`SweepKernel`).
_Lottery4 = tuple[
    NDArray[np.intp], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Concept:
    """A solution concept: what it is called and means, and how to solve under it.

    Attributes
    ----------
    name : str
        The key (``solve_scenario(scenario, name)``, ``--concept name``):
        lower-case letters and digits, inner dashes allowed.
    title : str
        Readable name for plots and tables (``"Nash bargaining"``).
    description : str
        One paragraph: what the concept predicts and from what.
    solve : callable
        ``solve(scenario, **options) -> Outcome``, called with the options of
        :attr:`options` only.  For sweeps with ``workers=`` it must be
        picklable (a module-level function).
    kernel : SweepKernel, optional
        Vectorised solver used by :func:`kurilsim.sweep` on its fast path
        (see :class:`SweepKernel`); None: points are solved one by one.
    kernel_settings : frozenset of str
        Protocol settings (dotted names, ``"protocol.objection_cost"``) the
        kernel takes as arrays; a sweep over another protocol setting groups
        its points by value.  Empty without a kernel.
    options : frozenset of str
        The keyword options ``solve`` takes (the built-ins: ``{"tol"}``).
        Checked against ``solve``'s signature when it can be read (a
        ``solve`` with ``**options`` takes any).  Solving with another option
        is an :class:`~kurilsim.InvalidArgumentError`, unless some other
        registered concept takes it: then it is ignored with an
        :class:`~kurilsim.UnusedOptionWarning` (so that
        ``compare_concepts(scenario, tol=...)`` works across concepts).
    lottery : bool
        Whether the outcome may be a lottery over agreements.  If false,
        :meth:`outcome` refuses an outcome with more than one possible result
        (a :class:`~kurilsim.SolverError`); if true, a kernel returns the
        probability and expected utilities too (see :class:`SweepKernel`), and the
        ``agreement`` of its outcome and of its sweeps is the most likely
        one (``kurilsim solve --help`` and ``SweepResult.metadata["lottery"]``
        say so).
    partly_vectorised : str
        Empty if the kernel solves every point; otherwise which points it
        leaves to ``solve``, one at a time, and how long they take (said in
        ``kurilsim sweep --help``, so that no one plans a large sweep on a
        speed it does not have).  Needs a kernel.
    roles : tuple of str
        The protocol roles, among :data:`ROLES`, that the concept needs the
        scenario's protocol to name (empty: it treats all agents alike);
        :meth:`outcome` and :func:`kurilsim.sweep` refuse a scenario whose
        protocol lacks one.

    Raises
    ------
    InvalidArgumentError
        Naming the field that is not valid.

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.concepts import Concept
    >>> def status_quo(scenario, **options):
    ...     return kurilsim.Outcome.from_distribution(
    ...         scenario, "status-quo", {kurilsim.NO_DEAL: 1.0}, certificate=0.0, tol=0.0)
    >>> concept = Concept(name="status-quo", title="status quo",
    ...                   description="Nothing ever changes.", solve=status_quo)
    >>> concept.solve(kurilsim.kuril_scenario(name="default")).deal
    'no deal'
    >>> Concept(name="Status Quo", title="status quo", description="x", solve=status_quo)
    Traceback (most recent call last):
    ...
    kurilsim._errors.InvalidArgumentError: Concept.name must be lower-case letters and digits with inner dashes (e.g. 'nash-bargaining'), got 'Status Quo' (str)
    """

    name: str
    title: str
    description: str
    solve: Callable[..., Outcome] = field(repr=False)
    kernel: SweepKernel | None = field(default=None, repr=False)
    kernel_settings: frozenset[str] = frozenset()
    options: frozenset[str] = frozenset()
    lottery: bool = False
    roles: tuple[str, ...] = ()
    partly_vectorised: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            raise InvalidArgumentError(
                "Concept.name must be lower-case letters and digits with inner dashes "
                f"(e.g. 'nash-bargaining'), got {describe(self.name)}"
            )
        for what in ("title", "description"):
            value = getattr(self, what)
            if not isinstance(value, str) or not value.strip():
                raise InvalidArgumentError(
                    f"Concept.{what} must be a non-empty string, got {describe(value)}"
                )
        if not callable(self.solve):
            raise InvalidArgumentError(
                f"Concept.solve must be callable (scenario, **options) -> Outcome, "
                f"got {describe(self.solve)}"
            )
        if self.kernel is not None and not callable(self.kernel):
            raise InvalidArgumentError(
                f"Concept.kernel must be None or callable, got {describe(self.kernel)}"
            )
        if not isinstance(self.lottery, bool):
            raise InvalidArgumentError(
                f"Concept.lottery must be True or False, got {describe(self.lottery)}"
            )
        settings = self.kernel_settings
        if isinstance(settings, str) or not isinstance(settings, (set, frozenset, tuple, list)):
            raise InvalidArgumentError(
                "Concept.kernel_settings must be a set of dotted protocol settings, "
                f"got {describe(settings)}"
            )
        for setting in settings:
            if not isinstance(setting, str) or not setting.startswith("protocol."):
                raise InvalidArgumentError(
                    "Concept.kernel_settings must name protocol settings such as "
                    f"'protocol.objection_cost', got {describe(setting)}"
                )
        if settings and self.kernel is None:
            raise InvalidArgumentError(
                "Concept.kernel_settings must be empty for a concept without a kernel"
            )
        object.__setattr__(self, "kernel_settings", frozenset(settings))
        roles = self.roles
        if isinstance(roles, str) or not isinstance(roles, (tuple, list)):
            raise InvalidArgumentError(
                f"Concept.roles must be a tuple of roles among {ROLES}, got "
                f"{describe(roles)}"
            )
        for role in roles:
            check_choice(role, "Concept.roles", ROLES)
        if len(set(roles)) != len(roles):
            raise InvalidArgumentError(f"Concept.roles has repeated roles: {roles!r}")
        object.__setattr__(self, "roles", tuple(roles))
        options = self.options
        if isinstance(options, str) or not isinstance(
            options, (set, frozenset, tuple, list)
        ):
            raise InvalidArgumentError(
                "Concept.options must be a set of keyword names such as {'tol'}, got "
                f"{describe(options)}"
            )
        for option in options:
            if not isinstance(option, str) or not option.isidentifier():
                raise InvalidArgumentError(
                    "Concept.options must hold keyword names such as 'tol', got "
                    f"{describe(option)}"
                )
        object.__setattr__(self, "options", frozenset(options))
        if not isinstance(self.partly_vectorised, str) or (
            self.partly_vectorised and self.kernel is None
        ):
            raise InvalidArgumentError(
                "Concept.partly_vectorised must be a string, empty for a concept "
                f"without a kernel, got {describe(self.partly_vectorised)}"
            )
        _check_solve_signature(self)

    @property
    def vectorised(self) -> bool:
        """Whether sweeps solve this concept on the vectorised fast path."""
        return self.kernel is not None

    def check_options(self, options: Mapping[str, Any], *, warn: bool = True,
                      stacklevel: int = 2) -> dict[str, Any]:
        """The options of ``options`` that this concept's ``solve`` takes.

        An option of :attr:`options` is kept; one that another registered
        concept takes is dropped with an :class:`~kurilsim.UnusedOptionWarning`;
        any other is an error (a typo, not an option of some other concept).

        Parameters
        ----------
        options : mapping of str to object
        warn : bool
            Warn about the options dropped (default); false: only check.
        stacklevel : int
            Passed to :func:`warnings.warn` (2: the caller of this method).

        Returns
        -------
        dict
            The options to pass to ``solve``.

        Raises
        ------
        InvalidArgumentError
            For an option no registered concept takes (the message names it,
            the concept and the options it takes).

        Examples
        --------
        >>> from kurilsim import concepts
        >>> concepts.get("spe").check_options({"tol": 1e-9})
        {'tol': 1e-09}
        >>> concepts.get("spe").check_options({"method": "x"})
        Traceback (most recent call last):
        ...
        kurilsim._errors.InvalidArgumentError: concept 'spe' takes no option 'method'; its options are ['tol']
        """
        taken, unused = _split_options(self, options)
        for option, others in unused.items() if warn else ():
            warnings.warn(
                f"option {option!r} does not apply to concept {self.name!r} (its "
                f"options are {_option_list(self)}) and is ignored; it is an option "
                f"of {', '.join(others)}",
                UnusedOptionWarning,
                stacklevel=stacklevel,
            )
        return taken

    def check_scenario(self, scenario: Scenario) -> None:
        """Check that ``scenario``'s protocol names every role in :attr:`roles`.

        Raises
        ------
        InvalidModelError
            Naming the concept, the missing role and the protocol.

        Examples
        --------
        >>> import dataclasses, kurilsim
        >>> from kurilsim import concepts
        >>> scenario = kurilsim.kuril_scenario(name="default")
        >>> concepts.get("spe").check_scenario(scenario)
        >>> needy = dataclasses.replace(concepts.get("spe"), name="needy",
        ...                             roles=("proposer", "responder", "objector"))
        >>> alone = dataclasses.replace(
        ...     scenario, protocol=dataclasses.replace(scenario.protocol, objector=""))
        >>> needy.check_scenario(alone)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        kurilsim._errors.InvalidModelError: concept 'needy' needs an objector, but the protocol of scenario 'default' names none (NegotiationProtocol(...))
        """
        check_instance(scenario, Scenario, "scenario", error=InvalidModelError)
        protocol = scenario.protocol
        for role in self.roles:
            if not getattr(protocol, role, ""):
                article = "an" if role[0] in "aeiou" else "a"
                raise InvalidModelError(
                    f"concept {self.name!r} needs {article} {role}, but the protocol of "
                    f"scenario {scenario.name!r} names none ({protocol!r})"
                )

    def outcome(self, scenario: Scenario, **options: Any) -> Outcome:
        """``solve(scenario, **options)``, checked to be an Outcome of this concept.

        The options are checked first (:meth:`check_options`: those of other
        concepts are dropped with a warning), then the scenario's roles
        (:meth:`check_scenario`).

        Raises
        ------
        InvalidArgumentError
            For an option no registered concept takes.
        InvalidModelError
            If the scenario's protocol lacks a role the concept needs.
        SolverError
            If ``solve`` returns something else than an :class:`Outcome` whose
            ``concept`` is this concept's name, an outcome that concludes an
            agreement the protocol vetoes (``protocol.veto``), or (``lottery``
            false) an outcome with more than one possible result.
        """
        taken = self.check_options(options, stacklevel=3)
        return self.solve_checked(scenario, taken)

    def solve_checked(self, scenario: Scenario, options: Mapping[str, Any]) -> Outcome:
        """:meth:`outcome` for options already checked (:meth:`check_options`)."""
        self.check_scenario(scenario)
        outcome = self.solve(scenario, **options)
        if not isinstance(outcome, Outcome):
            raise SolverError(
                f"concept {self.name!r}: solve returned {describe(outcome)}, "
                "expected an Outcome"
            )
        if outcome.concept != self.name:
            raise SolverError(
                f"concept {self.name!r}: solve returned an Outcome of concept "
                f"{outcome.concept!r}"
            )
        banned = scenario.protocol.vetoed_agreements(scenario.space)
        concluded = [
            k for k, p in outcome.distribution.items()
            if k != NO_DEAL and p > 1e-12 and banned[k]
        ]
        if concluded:
            raise SolverError(
                f"concept {self.name!r}: solve concluded agreements {concluded} that "
                f"the protocol vetoes (protocol.veto = {scenario.protocol.veto}); a "
                "concept must leave them out (kurilsim.games.negotiation.vetoed)"
            )
        if not self.lottery:
            chances = [k for k, p in outcome.distribution.items() if p > _CERTAIN]
            if len(chances) > 1:
                raise SolverError(
                    f"concept {self.name!r} (lottery=False): solve returned a lottery "
                    f"over outcomes {sorted(chances)}; declare lottery=True if its "
                    "outcome may be one"
                )
        return outcome


#: Probability above which an outcome counts as possible (a lottery check).
_CERTAIN: Final = 1e-9


def _option_list(concept: Concept) -> str:
    return str(sorted(concept.options)) if concept.options else "none"


def _split_options(
    concept: Concept, options: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The options ``concept`` takes, and the others by the concepts taking them.

    Raises InvalidArgumentError for an option no registered concept takes.
    """
    if not isinstance(options, Mapping):
        raise InvalidArgumentError(
            f"options must be a mapping of option names to values, got "
            f"{describe(options)}"
        )
    taken: dict[str, Any] = {}
    unused: dict[str, list[str]] = {}
    for option, value in options.items():
        if option in concept.options:
            taken[option] = value
            continue
        others = [c.name for c in registered() if option in c.options]
        if not others:
            raise InvalidArgumentError(
                f"concept {concept.name!r} takes no option {option!r}; its options "
                f"are {_option_list(concept)}"
            )
        unused[option] = others
    return taken, unused


def _check_solve_signature(concept: Concept) -> None:
    """Every declared option is a keyword parameter of ``solve``, if its
    signature can be read."""
    try:
        signature = inspect.signature(concept.solve)
    except (TypeError, ValueError):  # a builtin or C callable: cannot tell
        return
    parameters = list(signature.parameters.values())
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return
    keywords = {
        p.name for p in parameters[1:]
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                      inspect.Parameter.KEYWORD_ONLY)
    }
    missing = sorted(concept.options - keywords)
    if missing:
        raise InvalidArgumentError(
            f"Concept {concept.name!r}: options {missing} are not keyword parameters "
            f"of its solve{signature}"
        )


# -- the registry ----------------------------------------------------------------------
_REGISTRY: dict[str, Concept] = {}
_LOCK = threading.Lock()


def register(concept: Concept, *, replace: bool = False) -> Concept:
    """Add a concept to the registry (last in :func:`registered`).

    From then on :func:`kurilsim.solve_scenario`, :func:`kurilsim.compare_concepts`,
    :func:`kurilsim.sweep` (vectorised if it has a kernel), the plot labels
    and ``kurilsim solve --concept`` know it.

    Parameters
    ----------
    concept : Concept
    replace : bool
        Replace a registered concept of the same name (it keeps its place).

    Returns
    -------
    Concept
        ``concept``.

    Raises
    ------
    InvalidArgumentError
        If ``concept`` is not a Concept, or its name is taken and ``replace``
        is false.

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim import concepts
    >>> def status_quo(scenario, **options):
    ...     return kurilsim.Outcome.from_distribution(
    ...         scenario, "status-quo", {kurilsim.NO_DEAL: 1.0}, certificate=0.0, tol=0.0)
    >>> _ = concepts.register(concepts.Concept(
    ...     name="status-quo", title="status quo", description="Nothing changes.",
    ...     solve=status_quo))
    >>> kurilsim.solve_scenario(kurilsim.kuril_scenario(name="default"), "status-quo").deal
    'no deal'
    >>> concepts.unregister("status-quo")
    """
    check_instance(concept, Concept, "concept")
    if not isinstance(replace, bool):
        raise InvalidArgumentError(f"replace must be True or False, got {describe(replace)}")
    with _LOCK:
        if concept.name in _REGISTRY and not replace:
            raise InvalidArgumentError(
                f"a concept named {concept.name!r} is already registered; pass "
                "replace=True to replace it"
            )
        _REGISTRY[concept.name] = concept
    return concept


def unregister(name: str) -> None:
    """Remove a concept from the registry (built-ins too: re-register them to undo).

    Raises
    ------
    InvalidModelError
        If no concept of that name is registered (the message lists them).
    """
    check_choice(name, "concept", _REGISTRY, error=InvalidModelError)
    with _LOCK:
        del _REGISTRY[name]


def _entry_points() -> tuple[Any, ...]:
    """The entry points of the ``kurilsim.concepts`` group (none is loaded)."""
    return tuple(importlib.metadata.entry_points(group=CONCEPT_ENTRY_POINT_GROUP))


def _load(point: Any) -> Concept:
    """Load the concept of one entry point and register it."""
    where = f"entry point {point.value!r} of group {CONCEPT_ENTRY_POINT_GROUP!r}"
    try:
        loaded = point.load()
    except Exception as error:  # any failure of a plugin's import
        raise InvalidModelError(
            f"concept {point.name!r}: cannot load {where}: "
            f"{type(error).__name__}: {error}"
        ) from error
    if not isinstance(loaded, Concept):
        raise InvalidModelError(
            f"concept {point.name!r}: {where} is {describe(loaded)}, expected a "
            "kurilsim.concepts.Concept"
        )
    if loaded.name != point.name:
        raise InvalidModelError(
            f"concept {point.name!r}: {where} is a Concept named {loaded.name!r}; "
            "the entry point's name must be the concept's name"
        )
    with _LOCK:
        return _REGISTRY.setdefault(loaded.name, loaded)


def get(name: str) -> Concept:
    """The concept called ``name``.

    Looks in the registry (the built-ins and the concepts registered with
    :func:`register`), then among the entry points of the group
    ``"kurilsim.concepts"`` of installed packages, loading (and registering)
    only the one called ``name``.

    Raises
    ------
    InvalidModelError
        For an unknown name (the message lists the known ones), or an entry
        point that cannot be loaded or is not a Concept of that name.

    Examples
    --------
    >>> from kurilsim import concepts
    >>> concepts.get("rubinstein").lottery
    True
    """
    if isinstance(name, str) and name in _REGISTRY:
        return _REGISTRY[name]
    if isinstance(name, str):
        for point in _entry_points():
            if point.name == name:
                return _load(point)
    check_choice(name, "concept", names(), error=InvalidModelError)
    raise AssertionError("unreachable")  # pragma: no cover - check_choice raised


def registered() -> tuple[Concept, ...]:
    """Every concept of the registry, built-ins first, then in registration order.

    A concept of an installed package's entry point is here once loaded
    (:func:`get`); :func:`names` lists it before.
    """
    return tuple(_REGISTRY.values())


def names() -> tuple[str, ...]:
    """Every concept name: those of :func:`registered`, then the names of the
    entry points of the group ``"kurilsim.concepts"`` not loaded yet (listed
    without loading them; a registered concept takes precedence over an
    entry point of the same name).

    Examples
    --------
    >>> from kurilsim import concepts
    >>> concepts.names()[:3]
    ('spe', 'nash', 'nash-bargaining')
    """
    known = tuple(_REGISTRY)
    extra = dict.fromkeys(p.name for p in _entry_points() if p.name not in _REGISTRY)
    return known + tuple(extra)


class _Descriptions(Mapping[str, str]):
    """Read-only live view of every concept (:func:`names`): name -> description."""

    __slots__ = ()

    def __getitem__(self, name: str) -> str:
        if name not in names():
            raise KeyError(name)
        return get(name).description

    def __contains__(self, name: object) -> bool:
        return name in names()

    def __iter__(self) -> Iterator[str]:
        return iter(names())

    def __len__(self) -> int:
        return len(names())

    def __repr__(self) -> str:
        return f"CONCEPTS({dict(self)!r})"


#: Every concept by name (:func:`names`), with its description: a read-only
#: live view of the registry (see :func:`register`); reading the description
#: of an installed package's concept loads it (:func:`get`).
CONCEPTS: Final[Mapping[str, str]] = _Descriptions()


# -- the built-in concepts --------------------------------------------------------------
def _solve_spe(scenario: Scenario, *, tol: float | None = None) -> Outcome:
    from kurilsim.games.negotiation import proposal_game
    from kurilsim.solvers.spe import DEFAULT_TOL, solve_spe

    tol = DEFAULT_TOL if tol is None else tol
    spe = solve_spe(proposal_game(scenario), tol=tol)
    distribution = {int(str(k)): p for k, p in spe.outcomes.items()}
    # the SPE payoffs include any objection cost the proposer pays
    return Outcome.from_distribution(
        scenario, "spe", distribution, certificate=spe.certificate, tol=spe.tol,
        evidence=spe, utilities=spe.payoffs,
    )


def _available(scenario: Scenario) -> NDArray[np.intp] | None:
    """The agreements no veto rules out (indices), or None if there is no veto.

    Every built-in concept solves over these agreements only (the protocol's
    ``veto``: :func:`kurilsim.games.negotiation.vetoed`).
    """
    from kurilsim.games.negotiation import vetoed

    excluded = vetoed(scenario)
    return np.flatnonzero(~excluded) if excluded.any() else None


def _outcomes_of(keep: NDArray[np.intp], n: int) -> NDArray[np.intp]:
    """The outcome rows of the available agreements ``keep``, status quo (``n``) last."""
    return np.append(keep, n).astype(np.intp)


def _payer_role(scenario: Scenario) -> str:
    """The objection payer's role, as :func:`kurilsim.solvers.proposal.spe_kernel`
    takes it."""
    protocol = scenario.protocol
    payer = protocol.payer
    if payer == protocol.proposer:
        return "proposer"
    if payer == protocol.responder:
        return "responder"
    return "objector" if payer == protocol.objector else "other"


def _spe_kernel(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, NDArray[Any]]
) -> NDArray[np.intp]:
    return _proposal_kernel(scenario, utilities, settings, None)


def _proposal_kernel(
    scenario: Scenario,
    utilities: NDArray[np.float64],
    settings: Mapping[str, NDArray[Any]],
    ratified: NDArray[np.bool_] | None,
) -> NDArray[np.intp]:
    """The proposal game's kernel ("spe"), with the responder's yes masked by
    ``ratified`` (agreements x points: the joint win-set, "two-level") if given."""
    from kurilsim.games.negotiation import objectionable
    from kurilsim.solvers.proposal import spe_kernel

    m = utilities.shape[-1]
    protocol = scenario.protocol
    cost = np.broadcast_to(
        np.asarray(settings.get("protocol.objection_cost", protocol.objection_cost),
                   dtype=np.float64),
        (m,),
    )
    bad = ~np.isfinite(cost) | (cost < 0)
    if np.any(bad):
        raise InvalidModelError(
            f"protocol.objection_cost must be finite and >= 0, got {cost[bad][0].item()!r}"
        )
    restricted = objectionable(scenario)
    keep = _available(scenario)
    if keep is not None:  # the vetoed agreements cannot be proposed
        if not len(keep):
            return np.full(m, NO_DEAL, dtype=np.intp)
        utilities = utilities[:, _outcomes_of(keep, len(scenario.space))]
        restricted = restricted[keep]
        if ratified is not None:
            ratified = ratified[keep]
    index = scenario.agent_names.index
    column = spe_kernel(
        utilities[index(protocol.proposer)],
        utilities[index(protocol.responder)],
        utilities[index(protocol.objector)] if protocol.objector else None,
        restricted,
        cost,
        objection_blocks=protocol.objection_blocks,
        tol=1e-12,
        payer=_payer_role(scenario),
        ratified=None if ratified is None else np.ascontiguousarray(ratified),
    )
    n = len(restricted)
    reached = column if keep is None else keep[np.minimum(column, n - 1)]
    return np.where(column < n, reached, NO_DEAL).astype(np.intp)


def _two_parties(scenario: Scenario) -> list[int]:
    protocol = scenario.protocol
    return [
        scenario.agent_names.index(protocol.proposer),
        scenario.agent_names.index(protocol.responder),
    ]


_Rule = Literal["nash-bargaining", "kalai-smorodinsky"]


def _discrete(rule: _Rule, concept: str, scenario: Scenario,
              tol: float | None) -> Outcome:
    from kurilsim.solvers.bargaining import solve_discrete_bargaining

    table = scenario.outcome_utilities()
    keep = _available(scenario)
    if keep is not None:  # the vetoed agreements are not on the table
        if not len(keep):
            return _nothing_available(scenario, concept)
        table = table[:, _outcomes_of(keep, len(scenario.space))]
    first, second = _two_parties(scenario)
    result = solve_discrete_bargaining(
        table[first], table[second], rule=rule, **_options(tol)
    )
    index = int(result.index)
    if keep is not None and index >= 0:
        index = int(keep[index])
    distribution = {NO_DEAL: 1.0} if index < 0 else {index: 1.0}
    return Outcome.from_distribution(
        scenario, concept, distribution, certificate=result.certificate,
        tol=result.tol, evidence=result,
    )


def _solve_nash_bargaining_discrete(scenario: Scenario, *, tol: float | None = None
                                    ) -> Outcome:
    return _discrete("nash-bargaining", "nash-bargaining-discrete", scenario, tol)


def _solve_kalai_smorodinsky_discrete(scenario: Scenario, *, tol: float | None = None
                                      ) -> Outcome:
    return _discrete("kalai-smorodinsky", "kalai-smorodinsky-discrete", scenario, tol)


def _discrete_kernel(rule: _Rule, scenario: Scenario, utilities: NDArray[np.float64]
                     ) -> NDArray[np.intp]:
    from kurilsim.solvers.bargaining import discrete_bargaining_kernel

    first, second = _two_parties(scenario)
    keep = _available(scenario)
    if keep is None:
        return np.asarray(
            discrete_bargaining_kernel(utilities[first], utilities[second], rule=rule),
            dtype=np.intp,
        )
    if not len(keep):
        return np.full(utilities.shape[-1], NO_DEAL, dtype=np.intp)
    rows = _outcomes_of(keep, len(scenario.space))
    found = np.asarray(
        discrete_bargaining_kernel(
            utilities[first, rows], utilities[second, rows], rule=rule
        ),
        dtype=np.intp,
    )
    return np.where(found >= 0, keep[np.maximum(found, 0)], NO_DEAL).astype(np.intp)


def _nash_bargaining_discrete_kernel(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, NDArray[Any]]
) -> NDArray[np.intp]:
    return _discrete_kernel("nash-bargaining", scenario, utilities)


def _kalai_smorodinsky_discrete_kernel(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, NDArray[Any]]
) -> NDArray[np.intp]:
    return _discrete_kernel("kalai-smorodinsky", scenario, utilities)


def _solve_nash(scenario: Scenario, *, tol: float | None = None) -> Outcome:
    from kurilsim.games.negotiation import strategic_game
    from kurilsim.solvers.nash import solve_nash

    negotiation = strategic_game(scenario)
    result = solve_nash(negotiation.game, method="logit", **_options(tol))
    if not result.equilibria:
        raise SolverError(f"no certified equilibrium for scenario {scenario.name!r}")
    equilibrium = result.equilibria[0]
    distribution = negotiation.outcome_distribution(equilibrium.strategies)
    # the players' payoffs include any objection cost; the others' expected utilities
    expected = Outcome.from_distribution(
        scenario, "nash", distribution, certificate=0.0, tol=0.0
    ).utilities
    utilities = np.array(expected)
    players = [scenario.agent_names.index(p) for p in negotiation.game.players]
    utilities[players] = equilibrium.payoffs
    return Outcome.from_distribution(
        scenario, "nash", distribution, certificate=result.certificate,
        tol=result.tol, evidence=result, utilities=utilities,
    )


def _nash_kernel(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, NDArray[Any]]
) -> _Lottery4:
    """The ``nash`` kernel (:func:`kurilsim.solvers._nash_kernel.nash_sweep_kernel`):
    rules where a theorem fixes the outcome, ``_solve_nash`` at the other points."""
    from kurilsim.solvers._nash_kernel import nash_kernel_with_mode

    return nash_kernel_with_mode(scenario, utilities, settings, solve=_solve_nash)


def _nothing_available(scenario: Scenario, concept: str) -> Outcome:
    """The outcome when the protocol's veto rules out every agreement."""
    return Outcome.from_distribution(
        scenario, concept, {NO_DEAL: 1.0}, certificate=0.0, tol=0.0
    )


def _lottery(scenario: Scenario, concept: str, solution: BargainingSolution,
             keep: NDArray[np.intp] | None = None) -> Outcome:
    lottery = np.asarray(solution.lottery, dtype=np.float64)
    index = np.arange(len(lottery) - 1) if keep is None else keep
    distribution = {
        int(index[k]): float(p) for k, p in enumerate(lottery[:-1]) if p > 1e-12
    }
    if lottery[-1] > 1e-12:
        distribution[NO_DEAL] = float(lottery[-1])
    return Outcome.from_distribution(
        scenario, concept, distribution, certificate=solution.certificate,
        tol=solution.tol, evidence=solution,
    )


def _problem(
    scenario: Scenario, parties: list[str] | None = None
) -> tuple[Any, NDArray[np.intp] | None]:
    """The bargaining problem over the agreements no veto rules out, and their
    indices (None: all of them); ``(None, keep)`` if the veto rules out all."""
    from kurilsim.games.bargaining import BargainingProblem

    problem = BargainingProblem.from_scenario(scenario, parties=parties)
    keep = _available(scenario)
    if keep is None:
        return problem, None
    if not len(keep):
        return None, keep
    return BargainingProblem(
        problem.points[keep],
        problem.disagreement,
        labels=tuple(problem.labels[k] for k in keep),
        players=problem.players,
        disagreement_label=problem.disagreement_label,
    ), keep


def _two_party_problem(scenario: Scenario) -> tuple[Any, NDArray[np.intp] | None]:
    protocol = scenario.protocol
    return _problem(scenario, [protocol.proposer, protocol.responder])


def _options(tol: float | None) -> dict[str, Any]:
    return {} if tol is None else {"tol": tol}


def _solve_nash_bargaining(scenario: Scenario, *, tol: float | None = None) -> Outcome:
    from kurilsim.solvers.bargaining import solve_nash_bargaining

    problem, keep = _two_party_problem(scenario)
    if problem is None:
        return _nothing_available(scenario, "nash-bargaining")
    solution = solve_nash_bargaining(problem, **_options(tol))
    return _lottery(scenario, "nash-bargaining", solution, keep)


def _solve_kalai_smorodinsky(scenario: Scenario, *, tol: float | None = None) -> Outcome:
    from kurilsim.solvers.bargaining import solve_kalai_smorodinsky

    problem, keep = _two_party_problem(scenario)
    if problem is None:
        return _nothing_available(scenario, "kalai-smorodinsky")
    solution = solve_kalai_smorodinsky(problem, **_options(tol))
    return _lottery(scenario, "kalai-smorodinsky", solution, keep)


def _solve_rubinstein(scenario: Scenario, *, tol: float | None = None) -> Outcome:
    from kurilsim.solvers.bargaining import solve_rubinstein

    protocol = scenario.protocol
    discounts = [
        protocol.discount_factor(protocol.proposer),
        protocol.discount_factor(protocol.responder),
    ]
    problem, keep = _two_party_problem(scenario)
    if problem is None:
        return _nothing_available(scenario, "rubinstein")
    solution = solve_rubinstein(problem, discounts, proposer=0, **_options(tol))
    return _lottery(scenario, "rubinstein", solution, keep)


def _lottery_bargaining_kernel(
    solution: Literal["nash-bargaining", "kalai-smorodinsky", "rubinstein"],
    scenario: Scenario,
    utilities: NDArray[np.float64],
) -> _Lottery4:
    """The kernel of a bargaining concept over lotteries
    (:func:`kurilsim.solvers.bargaining._kernels.lottery_bargaining_kernel`)."""
    from kurilsim.solvers.bargaining._kernels import lottery_bargaining_kernel

    protocol = scenario.protocol
    first, second = _two_parties(scenario)
    found = lottery_bargaining_kernel(
        utilities, (first, second), solution=solution, available=_available(scenario),
        discounts=(protocol.discount_factor(protocol.proposer),
                   protocol.discount_factor(protocol.responder)),
    )
    return found.agreement, found.probability, found.utilities, found.mode_probability


def _nash_bargaining_kernel(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, NDArray[Any]]
) -> _Lottery4:
    return _lottery_bargaining_kernel("nash-bargaining", scenario, utilities)


def _kalai_smorodinsky_kernel(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, NDArray[Any]]
) -> _Lottery4:
    return _lottery_bargaining_kernel("kalai-smorodinsky", scenario, utilities)


def _rubinstein_kernel(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, NDArray[Any]]
) -> _Lottery4:
    return _lottery_bargaining_kernel("rubinstein", scenario, utilities)


#: The voting rules of the ``baron-ferejohn`` concept; the first is the default.
_BF_RULES: Final = ("unanimity", "majority")


def _solve_baron_ferejohn(
    scenario: Scenario, *, tol: float | None = None, rule: str = "unanimity"
) -> Outcome:
    from kurilsim.solvers.bargaining import solve_baron_ferejohn

    check_choice(rule, "rule", _BF_RULES, error=InvalidArgumentError)
    problem, keep = _problem(scenario)
    if problem is None:
        return _nothing_available(scenario, "baron-ferejohn")
    delta = float(
        np.mean([scenario.protocol.discount_factor(a) for a in scenario.agent_names])
    )
    solution = solve_baron_ferejohn(problem, delta, rule, **_options(tol))
    return _lottery(scenario, "baron-ferejohn", solution, keep)


def _baron_ferejohn_kernel(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, NDArray[Any]]
) -> _Lottery4:
    """The default options' kernel (unanimity; options send sweeps point by point)."""
    from kurilsim.solvers.bargaining._bf_kernel import baron_ferejohn_sweep_kernel

    return baron_ferejohn_sweep_kernel(scenario, utilities, settings)


def _pbe_distribution(
    outcomes: NDArray[np.intp], prior: NDArray[np.float64]
) -> dict[int, float]:
    """The distribution of the pledge game's outcome over Nature's draw: the
    deals first, in type order (so that the most likely one is the first of
    the likeliest, as for :attr:`Outcome.agreement`), then no deal."""
    deals: dict[int, float] = {}
    none = 0.0
    for index, p in zip(outcomes.tolist(), prior.tolist(), strict=True):
        if p <= 0.0:
            continue
        if index == NO_DEAL:
            none += p
        else:
            deals[int(index)] = deals.get(int(index), 0.0) + p
    if none > 0.0:
        deals[NO_DEAL] = none
    return deals


def _solve_pbe(scenario: Scenario, *, tol: float | None = None) -> Outcome:
    from kurilsim.kuril.pledge import RESPONSES, pledge_tables
    from kurilsim.solvers.pbe import solve_pbe

    tables = pledge_tables(scenario)
    # the messages that may matter (PledgeTables.relevant): the others are "no
    # proposal" by another name, and would only multiply the equilibria
    keep = np.flatnonzero(tables.relevant(**_options(tol)))
    result = solve_pbe(tables.game(messages=keep), **_options(tol))
    selected = result.selected
    if selected is None:
        raise SolverError(
            f"the pledge game of scenario {scenario.name!r} has no pure perfect "
            "Bayesian equilibrium"
        )
    messages = keep[selected.sender]
    responses = np.full(len(tables.labels), RESPONSES.index("reject"), dtype=np.intp)
    responses[keep] = selected.receiver
    outcomes = tables.outcomes(messages, responses)
    return Outcome.from_distribution(
        scenario, "pbe", _pbe_distribution(outcomes, tables.prior),
        certificate=result.certificate, tol=result.tol, evidence=result,
        utilities=tables.expected_utilities(messages, responses),
    )


#: Points per block of the ``pbe`` kernel (bounds the payoff tables' memory).
_PBE_BLOCK: Final = 2048


def _pbe_kernel(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, NDArray[Any]]
) -> _Lottery4:
    from kurilsim.games.signalling import DEFAULT_TOL
    from kurilsim.kuril.pledge import _commitment_arguments, _sweep_block, _sweep_inputs
    from kurilsim.solvers.pbe import (
        _COMPILED_MIN_GAMES,
        _compiled_commitment_games,
        _select_proposal_games,
    )

    m = utilities.shape[-1]
    codes = np.empty(m, dtype=np.intp)
    probability = np.empty(m)
    mode = np.empty(m)
    expected = np.empty((m, len(scenario.agents)))
    # a large sweep: the compiled selection (numba, if there) for every block
    compiled = m >= _COMPILED_MIN_GAMES
    fused = _compiled_commitment_games() if compiled else None
    like = None  # the first block's inputs: the messages, built once
    # blocks bound the tables' memory; the compiled loop holds none (about 2 kB a point)
    size = _PBE_BLOCK if fused is None else 16 * _PBE_BLOCK
    for start in range(0, m, size):
        stop = min(start + size, m)
        values = {k: np.asarray(v)[start:stop] for k, v in settings.items()}
        values.setdefault(
            "protocol.objection_cost",
            np.full(stop - start, scenario.protocol.objection_cost),
        )
        # the pledge game on the sweep's utilities (the swept agent parameters
        # are in settings; the block refuses utilities they do not reproduce),
        # selected on its relevant messages, as solve_scenario does
        given = utilities[..., start:stop]  # agents x outcomes x points
        if fused is not None:  # built, reduced and selected in one compiled loop
            inputs, table, low, high = _sweep_inputs(scenario, values, given, like=like)
            like, prior = inputs, inputs.prior
            outcomes = np.empty((stop - start, 2), dtype=np.intp)
            kinds = np.empty(stop - start, dtype=np.intp)
            fused(
                *_commitment_arguments(inputs, table, low, high), DEFAULT_TOL,
                outcomes, expected[start:stop], kinds,
            )
            solved = kinds >= 0
        else:  # in numpy: each player's payoff if the responder accepts, and the status quo
            block = _sweep_block(scenario, values, given, like=like)
            like, prior = block.inputs, block.inputs.prior
            messages, responses, _ = _select_proposal_games(
                block.accept_sender, block.accept_receiver, block.reject_sender,
                block.reject_receiver, prior, block.relevant(), compiled=compiled,
            )
            solved = messages[:, 0] >= 0
            if np.all(solved):
                outcomes = block.outcomes(messages, responses)
                expected[start:stop] = block.expected_utilities(messages, responses)
        if not np.all(solved):
            raise InvalidModelError(
                "the pledge game has no pure perfect Bayesian equilibrium at some point"
            )
        first, second = outcomes[:, 0], outcomes[:, 1]
        p_first = np.where(second == first, 1.0, prior[:, 0])
        p_second = 1.0 - p_first
        # the most likely deal (the first type's on a tie), unless no deal is likelier
        deal_first = np.where(first != NO_DEAL, p_first, 0.0)
        deal_second = np.where(second != NO_DEAL, p_second, 0.0)
        best = np.where(deal_second > deal_first, second, first)
        best_p = np.maximum(deal_first, deal_second)
        none = 1.0 - deal_first - deal_second
        deal = (best != NO_DEAL) & (best_p >= none)
        codes[start:stop] = np.where(deal, best, NO_DEAL)
        probability[start:stop] = deal_first + deal_second
        mode[start:stop] = np.where(deal, best_p, none)
    return codes, probability, expected, mode


def _solve_two_level(scenario: Scenario, *, tol: float | None = None) -> Outcome:
    from kurilsim.kuril.ratification import ratification_game
    from kurilsim.solvers.spe import DEFAULT_TOL, solve_spe

    tol = DEFAULT_TOL if tol is None else tol
    spe = solve_spe(ratification_game(scenario), tol=tol)
    distribution = {int(str(k)): p for k, p in spe.outcomes.items()}
    # the agents' payoffs (with any objection cost paid); the game's other
    # players are the ratification stages
    return Outcome.from_distribution(
        scenario, "two-level", distribution, certificate=spe.certificate,
        tol=spe.tol, evidence=spe, utilities=spe.payoffs[: len(scenario.agents)],
    )


def _two_level_kernel(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, NDArray[Any]]
) -> NDArray[np.intp]:
    """The proposal game's kernel with the responder's yes masked by the joint
    win-set at each point (the thresholds swept are in ``settings``)."""
    from kurilsim.kuril.ratification import ratified_agreements

    ratified = ratified_agreements(scenario, utilities, settings)
    return _proposal_kernel(scenario, utilities, settings, ratified)


#: Each party's chance to propose in a period of the ``dynamic`` concept's
#: one-state game (as in the chain of regimes of the calibrated case).
_DYNAMIC_RECOGNITION: Final = 0.5

#: Probabilities of the first agreement's lottery below this are dropped.
_DYNAMIC_DUST: Final = 1e-12


def _solve_dynamic(
    scenario: Scenario, *, tol: float | None = None, regime: str | None = None
) -> Outcome:
    """The ``dynamic`` concept: a stationary Markov perfect equilibrium of the
    negotiation over time, entered in the scenario's own regime.

    Which game:

    * a scenario of the calibrated case (:func:`_in_the_chain`: Japan and
      Russia of :mod:`kurilsim.kuril.agents` and the agreement space of the
      regimes' scenarios) whose name is that of a regime's bundled scenario
      (``REGIMES[i].scenario``), or given ``regime=`` (a regime's name; it
      wins over the name): the chain of regimes of
      :func:`kurilsim.kuril.history.kuril_dynamic_game` with this scenario in
      place of its regime's (``scenarios={regime: scenario}``), solved by
      :func:`~kurilsim.kuril.history.kuril_dynamic` from the year the regime
      began.  The scenario's ``protocol.veto`` rules its agreements out in
      every regime, not only its own (a veto is a constitutional rule that
      the later regimes keep, as the 2020 amendment is kept after 2022; and no
      concept may conclude an agreement its scenario vetoes); a bundled
      scenario's veto is already in force in every regime it can lead to, so
      this changes nothing there.  Evidence: the
      :class:`~kurilsim.kuril.history.KurilDynamicResult` (``treaty_probability``:
      P(agreement by the end of year Y); ``solution.agreement_probability(T,
      start=start_regime, until="any")`` for any number of years).
    * any other scenario, a scenario of the calibrated case that is not a
      regime's (another name: which bundled scenario it came from is not
      recorded) included: the one-state game :func:`_one_state_game`.
      Evidence: the :class:`~kurilsim.solvers.markov.MarkovBargainingResult`
      (``agreement_probability(T)`` for T periods).

    The outcome is the distribution of the first agreement concluded from the
    start state (a phased first stage counts), ``NO_DEAL`` for none ever; the
    bargaining players' utilities are their equilibrium values there
    (normalised discounted sums: status-quo flows while they disagree, then
    the agreement), every other agent's the expected utility of that
    distribution in this scenario (delay and later regimes' utilities are not
    counted for them).
    """
    from kurilsim.solvers.markov import DEFAULT_TOL

    tol = DEFAULT_TOL if tol is None else tol
    where = _regime_of(scenario, regime)
    if where is None:
        return _solve_one_state(scenario, tol)
    return _solve_in_regime(scenario, where, tol)


def _regime_of(scenario: Scenario, regime: object) -> str | None:
    """The regime to enter ``scenario`` in, or None for the one-state game."""
    from kurilsim.kuril.history import REGIMES

    if regime is not None:
        check_choice(regime, "regime", [r.name for r in REGIMES])
    if not _in_the_chain(scenario):
        if regime is not None:
            raise InvalidArgumentError(
                f"regime={regime!r} enters a scenario of the calibrated case in the "
                f"chain of regimes, but scenario {scenario.name!r} is not one (its "
                "bargaining agents must be those of the calibrated case, over the "
                "agreement space of the regimes' scenarios); leave regime out to "
                "solve it as a one-state game"
            )
        return None
    if regime is not None:
        return str(regime)
    return next((r.name for r in REGIMES if r.scenario == scenario.base_name), None)


def _in_the_chain(scenario: Scenario) -> bool:
    """Whether ``scenario`` can stand for a regime of the calibrated case: the
    players of the chain are its agents, of the calibrated types, and its
    agreement space is the regimes' scenarios' one."""
    from kurilsim.kuril.agents import Japan, Russia
    from kurilsim.kuril.history import PLAYERS, REGIMES
    from kurilsim.kuril.scenarios import load_scenario

    names = scenario.agent_names
    for name, kind in zip(PLAYERS, (Japan, Russia), strict=True):
        if name not in names or not isinstance(scenario.agent(name), kind):
            return False
    return bool(scenario.space == load_scenario(REGIMES[0].scenario).space)


def _check_discounts(scenario: Scenario, parties: tuple[str, ...]) -> list[float]:
    """The parties' discount factors, refused if one is 1."""
    deltas = [scenario.protocol.discount_factor(party) for party in parties]
    for party, delta in zip(parties, deltas, strict=True):
        if delta >= 1.0:
            raise InvalidModelError(
                f"concept 'dynamic' needs discount factors below 1 (without "
                f"discounting, the value of an agreement over time is not defined); "
                f"scenario {scenario.name!r} has protocol.discount.{party} = {delta!r}"
            )
    return deltas


def _solve_in_regime(scenario: Scenario, regime: str, tol: float) -> Outcome:
    """``dynamic`` in the chain of regimes, entered in ``regime``."""
    from kurilsim.kuril.history import PLAYERS, REGIMES, kuril_dynamic

    _check_discounts(scenario, PLAYERS)
    start = next(r for r in REGIMES if r.name == regime).start.year
    banned = scenario.protocol.vetoed_agreements(scenario.space)
    available = {r.name: ~banned for r in REGIMES} if banned.any() else None
    result = kuril_dynamic(
        start, tol=tol, scenarios={regime: scenario}, available=available
    )
    solution = result.solution
    values = solution.values[:, solution.game.state_index(result.start_regime)]
    return _dynamic_outcome(
        scenario, result.first_agreement, dict(zip(PLAYERS, values, strict=True)),
        result,
    )


def _one_state_game(scenario: Scenario) -> StochasticBargainingGame:
    """The one-state game of ``dynamic``: Rubinstein's bargaining with random
    proposers and a status-quo flow.

    The protocol's proposer and responder bargain over the scenario's
    agreements (lotteries allowed); each period one of them, each with
    probability 1/2, proposes, the other accepts or rejects, and each
    disagreement period pays the status quo's utility as a flow; discount
    factors are the protocol's.  Agreements the protocol vetoes, and those the
    objector's objection would stop, are not available (the static rule of
    the regimes' games: an objectionable agreement the objector values below
    its status quo is stopped if an objection blocks, or if the objection
    payer would rather keep the status quo than pay the objection cost).
    """
    from kurilsim.games.negotiation import stopped
    from kurilsim.solvers.markov import StochasticBargainingGame

    protocol = scenario.protocol
    parties = (protocol.proposer, protocol.responder)
    deltas = _check_discounts(scenario, parties)
    rows = _two_parties(scenario)
    utilities = np.asarray(scenario.utilities())[rows]
    flows = np.asarray(scenario.status_quo_utilities())[rows]
    return StochasticBargainingGame(
        utilities=utilities[:, None, :],
        flows=flows[:, None],
        transitions=np.ones((1, 1)),
        recognition=np.array([[_DYNAMIC_RECOGNITION, 1.0 - _DYNAMIC_RECOGNITION]]),
        discounts=np.array(deltas),
        available=~stopped(scenario)[None, :],
        players=parties,
        states=(scenario.name,),
    )


def _solve_one_state(scenario: Scenario, tol: float) -> Outcome:
    """``dynamic`` as the one-state game of the scenario alone."""
    from kurilsim.solvers.markov import solve_markov_bargaining

    game = _one_state_game(scenario)
    solution = solve_markov_bargaining(game, tol=tol)
    values = dict(zip(game.players, solution.values[:, 0], strict=True))
    return _dynamic_outcome(scenario, solution.outcome_distribution(), values, solution)


def _dynamic_outcome(
    scenario: Scenario,
    lottery: NDArray[np.float64],
    values: Mapping[str, float],
    evidence: KurilDynamicResult | MarkovBargainingResult,
) -> Outcome:
    """The outcome of ``dynamic``: the lottery of the first agreement (last: none
    ever), the players' equilibrium ``values``, the others' expected utilities."""
    distribution = {
        a: float(p) for a, p in enumerate(lottery[:-1].tolist()) if p > _DYNAMIC_DUST
    }
    if lottery[-1] > _DYNAMIC_DUST:
        distribution[NO_DEAL] = float(lottery[-1])
    total = sum(distribution.values())
    distribution = {k: p / total for k, p in distribution.items()}
    weights = np.zeros(len(scenario.space) + 1)
    for index, p in distribution.items():
        weights[index] += p  # NO_DEAL = -1: the status quo, last
    utilities = scenario.outcome_utilities() @ weights
    for name, value in values.items():
        utilities[scenario.agent_names.index(name)] = value
    return Outcome.from_distribution(
        scenario, "dynamic", distribution, certificate=evidence.certificate,
        tol=evidence.tol, evidence=evidence, utilities=utilities,
    )


def _dynamic_kernel(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, NDArray[Any]]
) -> _Lottery4:
    """The ``dynamic`` kernel (:func:`kurilsim._dynamic_kernel.dynamic_kernel`)."""
    from kurilsim._dynamic_kernel import dynamic_sweep

    found = dynamic_sweep(scenario, utilities, settings)
    return found.agreement, found.probability, found.utilities, found.mode_probability


#: The options of every built-in concept: its solver's tolerance.
_TOL: Final = frozenset({"tol"})

_BUILT_IN: Final = (
    Concept(
        name="spe",
        title="subgame-perfect equilibrium",
        description=(
            "subgame-perfect equilibrium of the proposal game with the objector's "
            "consent: the proposer offers an agreement or nothing, the objector (if "
            "the protocol names one) may object, the responder accepts or rejects; "
            "solved by backward induction"
        ),
        solve=_solve_spe,
        kernel=_spe_kernel,
        kernel_settings=frozenset({"protocol.objection_cost"}),
        options=_TOL,
        roles=("proposer", "responder"),
    ),
    Concept(
        name="nash",
        title="Nash equilibrium",
        description=(
            "Nash equilibrium of the strategic game (logit-traced selection): the "
            "equilibrium that the logit quantal-response path leads to, certified"
        ),
        solve=_solve_nash,
        kernel=_nash_kernel,
        options=_TOL,
        lottery=True,
        roles=("proposer", "responder"),
        partly_vectorised=(
            "two proven rules decide part of a grid (59% of the headline grid); "
            "the other points are traced one by one, about 1 s each"
        ),
    ),
    Concept(
        name="nash-bargaining",
        title="Nash bargaining",
        description=(
            "Nash bargaining solution between proposer and responder over lotteries "
            "of agreements, disagreement = status quo"
        ),
        solve=_solve_nash_bargaining,
        kernel=_nash_bargaining_kernel,
        options=_TOL,
        lottery=True,
        roles=("proposer", "responder"),
    ),
    Concept(
        name="kalai-smorodinsky",
        title="Kalai–Smorodinsky",
        description=(
            "Kalai-Smorodinsky solution between proposer and responder over "
            "lotteries of agreements, disagreement = status quo"
        ),
        solve=_solve_kalai_smorodinsky,
        kernel=_kalai_smorodinsky_kernel,
        options=_TOL,
        lottery=True,
        roles=("proposer", "responder"),
    ),
    Concept(
        name="rubinstein",
        title="Rubinstein alternating offers",
        description=(
            "alternating offers (stationary SPE) with the scenario's discounts, the "
            "proposer moving first"
        ),
        solve=_solve_rubinstein,
        kernel=_rubinstein_kernel,
        options=_TOL,
        lottery=True,
        roles=("proposer", "responder"),
    ),
    Concept(
        name="nash-bargaining-discrete",
        title="Nash bargaining, single agreements",
        description="Nash bargaining restricted to single agreements (no lotteries)",
        solve=_solve_nash_bargaining_discrete,
        options=_TOL,
        kernel=_nash_bargaining_discrete_kernel,
        roles=("proposer", "responder"),
    ),
    Concept(
        name="kalai-smorodinsky-discrete",
        title="Kalai–Smorodinsky, single agreements",
        description="Kalai-Smorodinsky restricted to single agreements (no lotteries)",
        solve=_solve_kalai_smorodinsky_discrete,
        options=_TOL,
        kernel=_kalai_smorodinsky_discrete_kernel,
        roles=("proposer", "responder"),
    ),
    Concept(
        name="baron-ferejohn",
        title="Baron–Ferejohn legislative bargaining",
        description=(
            "Baron-Ferejohn legislative bargaining among all agents, unanimity rule "
            "by default (a cession needs the consent of the state that cedes; "
            "rule='majority' lets a majority impose a deal, which does not apply "
            "to sovereign cessions), delta = mean of the agents' discounts "
            "(ex-ante expected outcome)"
        ),
        solve=_solve_baron_ferejohn,
        kernel=_baron_ferejohn_kernel,
        options=frozenset({"tol", "rule"}),
        lottery=True,
    ),
    Concept(
        name="pbe",
        title="perfect Bayesian equilibrium (pledge game)",
        description=(
            "perfect Bayesian equilibrium of the pledge game (pledge_game of the "
            "calibrated case): the proposer, whose government can hold a pledge "
            "restricting the objector's forces or not (prior: the responder's "
            "pledge_credibility), proposes an agreement with a security clause "
            "(verbal assurance, treaty article, verified demilitarisation), the "
            "objector may object, the responder updates its belief and accepts "
            "or rejects; among the pure PBE that survive the Intuitive "
            "Criterion, the best for the proposer ex ante (select_pbe)"
        ),
        solve=_solve_pbe,
        kernel=_pbe_kernel,
        kernel_settings=frozenset({"protocol.objection_cost"}),
        options=_TOL,
        lottery=True,
        roles=("proposer", "responder"),
    ),
    Concept(
        name="two-level",
        title="two-level game (ratification)",
        description=(
            "subgame-perfect equilibrium of the ratification game "
            "(ratification_game of the calibrated case): the proposal game in "
            "which, after the responder accepts, each party's domestic "
            "ratification stages vote in turn (in the calibrated case the "
            "chambers of parliament and a constitutional court); a stage "
            "accepts iff its government's gain over the status quo reaches its "
            "threshold (a court applies the protocol's veto), so only "
            "agreements in both sides' win-sets are concluded; solved by "
            "backward induction"
        ),
        solve=_solve_two_level,
        kernel=_two_level_kernel,
        kernel_settings=frozenset({"protocol.objection_cost"}),
        options=_TOL,
        roles=("proposer", "responder"),
    ),
    Concept(
        name="dynamic",
        title="Markov perfect equilibrium (negotiation over time)",
        description=(
            "stationary Markov perfect equilibrium of the negotiation over time "
            "(solve_markov_bargaining): each period one party proposes an "
            "agreement or a lottery, the other accepts or rejects, and the status "
            "quo pays its utility as a flow while they disagree.  A scenario of "
            "the calibrated case is entered in its regime of the historical chain "
            "(the regime whose bundled scenario has its base name, or regime=; the "
            "chain's shocks and phased first stages included), with its veto in "
            "every regime; any other scenario, a renamed copy included unless "
            "regime= is given, is a one-state game between the proposer "
            "and the responder, each proposing with probability 1/2 (Rubinstein "
            "with random proposers and a status-quo flow).  Outcome: the lottery "
            "of the first agreement concluded, over who proposes and when, and "
            "over the public randomisation of offers between agreements (not a "
            "treaty by itself); P(deal) = P(an agreement is ever concluded), in "
            "any later regime; the parties' equilibrium values; the evidence gives "
            "P(agreement by year T).  Sweeps are vectorised for the one-state game "
            "and the regimes the chain never returns to (1956-declaration to "
            "2018-singapore); 2020-constitution and 2022-suspension, and points "
            "near a switch of the solver's choices, are solved point by point"
        ),
        solve=_solve_dynamic,
        kernel=_dynamic_kernel,
        options=frozenset({"tol", "regime"}),
        lottery=True,
        roles=("proposer", "responder"),
        partly_vectorised=(
            "points in the regimes the chain returns to (2020-constitution, "
            "2022-suspension) are solved one by one, about 0.3 s each"
        ),
    ),
)

for _concept in _BUILT_IN:
    register(_concept)
del _concept

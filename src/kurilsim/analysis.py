"""One entry point from a scenario to its outcome under each solution concept."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import check_choice, check_instance, check_strings
from kurilsim._errors import InvalidModelError, SolverError
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.games.negotiation import proposal_game, strategic_game
from kurilsim.model.agreements import NO_DEAL, Agreement
from kurilsim.model.scenario import Scenario
from kurilsim.solvers.bargaining import (
    solve_baron_ferejohn,
    solve_kalai_smorodinsky,
    solve_nash_bargaining,
    solve_rubinstein,
)
from kurilsim.solvers.nash import solve_nash
from kurilsim.solvers.spe import solve_spe

__all__ = ["CONCEPTS", "ConceptComparison", "Outcome", "compare_concepts", "solve_scenario"]

#: The solution concepts :func:`solve_scenario` knows, with one-line meanings.
CONCEPTS: Final[dict[str, str]] = {
    "spe": "subgame-perfect equilibrium of the proposal game with US consent",
    "nash": "Nash equilibrium of the strategic game (logit-traced selection)",
    "nash-bargaining": "Nash bargaining solution between proposer and responder",
    "kalai-smorodinsky": "Kalai-Smorodinsky solution between proposer and responder",
    "rubinstein": "alternating offers (stationary SPE) with the scenario's discounts",
    "nash-bargaining-discrete": "Nash bargaining restricted to single agreements",
    "kalai-smorodinsky-discrete": "Kalai-Smorodinsky restricted to single agreements",
    "baron-ferejohn": (
        "Baron-Ferejohn legislative bargaining among all agents, majority rule, "
        "delta = mean of the agents' discounts (ex-ante expected outcome)"
    ),
}


@dataclass(frozen=True, slots=True, eq=False)
class Outcome:
    """What a scenario leads to under one solution concept.

    Attributes
    ----------
    concept : str
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
        The checked error measure of the evidence: regret of the equilibrium
        (SPE: one-shot deviation gain; Nash: largest deviation gain) or, for
        bargaining solutions, the Pareto gap (Baron-Ferejohn: its optimality
        gap, the equilibrium residual -- a majority's deal need not be
        Pareto optimal).
    evidence : object
        The solver's full result (``SPEResult``, ``NashResult``,
        ``BargainingSolution``).
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
    evidence: Any = field(repr=False)
    labels: dict[int, str] = field(default_factory=dict, repr=False)

    @property
    def agreement_index(self) -> int:
        """Index of the agreement reached, or ``NO_DEAL``."""
        if not self.distribution:
            return NO_DEAL
        return max(self.distribution.items(), key=lambda item: item[1])[0]

    @property
    def deal(self) -> str:
        """The agreement as text, or ``"no deal"``; a lottery lists its weights."""
        if self.agreement is None:
            return "no deal"
        if len(self.distribution) == 1:
            return str(self.agreement)
        parts = sorted(self.distribution.items(), key=lambda item: -item[1])
        shown = [
            f"{p:.0%} {self.labels.get(k, str(k))}"
            for k, p in parts[:2]
        ]
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


def _outcome(
    scenario: Scenario,
    concept: str,
    distribution: dict[int, float],
    certificate: float,
    evidence: Any,
    utilities: NDArray[np.float64] | None = None,
) -> Outcome:
    table = scenario.outcome_utilities()
    weights = np.zeros(table.shape[1])
    for index, p in distribution.items():
        weights[index] += p  # NO_DEAL = -1 is the last column
    if utilities is None:
        utilities = table @ weights
    deals = {k: p for k, p in distribution.items() if k != NO_DEAL and p > 1e-12}
    probability = float(sum(deals.values()))
    best = max(deals.items(), key=lambda item: item[1])[0] if deals else NO_DEAL
    no_deal_weight = distribution.get(NO_DEAL, 0.0)
    agreement = (
        scenario.space[best]
        if best != NO_DEAL and deals[best] >= no_deal_weight
        else None
    )
    values = readonly(np.array(utilities, dtype=np.float64))
    return Outcome(
        concept=concept,
        scenario=scenario.name,
        agreement=agreement,
        probability=probability,
        distribution=dict(distribution),
        utilities=values,
        agents=scenario.agent_names,
        certificate=float(certificate),
        evidence=evidence,
        labels={
            k: "no deal" if k == NO_DEAL else str(scenario.space[k]) for k in distribution
        },
    )


def _from_lottery(
    scenario: Scenario, concept: str, solution: Any, certificate: float | None = None
) -> Outcome:
    lottery = np.asarray(solution.lottery, dtype=np.float64)
    distribution = {k: float(p) for k, p in enumerate(lottery[:-1]) if p > 1e-12}
    if lottery[-1] > 1e-12:
        distribution[NO_DEAL] = float(lottery[-1])
    if certificate is None:
        certificate = solution.pareto_gap
    return _outcome(scenario, concept, distribution, certificate, solution)


def solve_scenario(scenario: Scenario, concept: str = "spe") -> Outcome:
    """The outcome of a scenario under one solution concept.

    Parameters
    ----------
    scenario : Scenario
    concept : str
        One of :data:`CONCEPTS`: ``"spe"`` (backward induction on
        :func:`~kurilsim.games.negotiation.proposal_game`), ``"nash"`` (the
        equilibrium of :func:`~kurilsim.games.negotiation.strategic_game`
        selected by following the logit quantal-response path, certified),
        ``"nash-bargaining"``, ``"kalai-smorodinsky"`` and ``"rubinstein"``
        (bargaining between the protocol's proposer and responder over
        lotteries of agreements, disagreement = status quo; Rubinstein uses
        the protocol's discount factors, the proposer moving first), and
        ``"nash-bargaining-discrete"`` / ``"kalai-smorodinsky-discrete"`` (the
        same between single agreements, no lotteries: see
        :mod:`kurilsim.solvers.bargaining.discrete`), and ``"baron-ferejohn"``
        (the stationary equilibrium of Baron-Ferejohn legislative bargaining
        among *all* the scenario's agents over lotteries of agreements,
        majority rule, ``delta`` = the mean of the protocol's discount
        factors of the agents: the ex-ante expected outcome, before the
        proposer is drawn; see
        :func:`~kurilsim.solvers.bargaining.solve_baron_ferejohn`).

    Returns
    -------
    Outcome

    Raises
    ------
    InvalidModelError
        If ``scenario`` is not a Scenario, or for an unknown concept (the
        message lists the valid ones).

    Examples
    --------
    >>> import kurilsim
    >>> outcome = kurilsim.solve_scenario(kurilsim.Scenario(name="default"), "spe")
    >>> outcome.concept, outcome.probability
    ('spe', 1.0)
    """
    check_instance(scenario, Scenario, "scenario", error=InvalidModelError)
    check_choice(concept, "concept", CONCEPTS, error=InvalidModelError)
    if concept == "spe":
        spe = solve_spe(proposal_game(scenario))
        distribution = {int(str(k)): p for k, p in spe.outcomes.items()}
        # the SPE payoffs include any objection cost the proposer pays
        return _outcome(
            scenario, concept, distribution, spe.regret, spe, utilities=spe.payoffs
        )
    if concept.endswith("-discrete"):
        return _discrete(scenario, concept)
    if concept == "nash":
        negotiation = strategic_game(scenario)
        result = solve_nash(negotiation.game, method="logit")
        if not result.equilibria:
            raise SolverError(f"no certified equilibrium for scenario {scenario.name!r}")
        equilibrium = result.equilibria[0]
        distribution = negotiation.outcome_distribution(equilibrium.strategies)
        regret = float(equilibrium.regret)  # logit regrets are floats
        outcome = _outcome(scenario, concept, distribution, regret, result)
        players = [scenario.agent_names.index(p) for p in negotiation.game.players]
        utilities = np.array(outcome.utilities)
        utilities[players] = equilibrium.payoffs
        return _outcome(scenario, concept, distribution, regret,
                        (negotiation, result), utilities=utilities)
    if concept == "baron-ferejohn":
        delta = float(
            np.mean([scenario.protocol.discount_factor(a) for a in scenario.agent_names])
        )
        solution = solve_baron_ferejohn(
            BargainingProblem.from_scenario(scenario), delta, "majority"
        )
        return _from_lottery(
            scenario, concept, solution, certificate=solution.optimality_gap
        )
    # two-party bargaining between the protocol's proposer and responder
    problem = BargainingProblem.from_scenario(
        scenario, parties=[scenario.protocol.proposer, scenario.protocol.responder]
    )
    if concept == "nash-bargaining":
        return _from_lottery(scenario, concept, solve_nash_bargaining(problem))
    if concept == "kalai-smorodinsky":
        return _from_lottery(scenario, concept, solve_kalai_smorodinsky(problem))
    discounts = [
        scenario.protocol.discount_factor(scenario.protocol.proposer),
        scenario.protocol.discount_factor(scenario.protocol.responder),
    ]
    return _from_lottery(
        scenario, concept, solve_rubinstein(problem, discounts, proposer=0)
    )


def _discrete(scenario: Scenario, concept: str) -> Outcome:
    from kurilsim.solvers.bargaining.discrete import discrete_bargaining

    table = scenario.outcome_utilities()
    parties = [
        scenario.agent_names.index(scenario.protocol.proposer),
        scenario.agent_names.index(scenario.protocol.responder),
    ]
    index = discrete_bargaining(
        table[parties[0]],
        table[parties[1]],
        rule="nash" if concept.startswith("nash") else "kalai-smorodinsky",
    )
    distribution = {NO_DEAL: 1.0} if index < 0 else {index: 1.0}
    # certificate: how far the chosen outcome falls short of individual rationality
    chosen = table[parties, index if index >= 0 else -1]
    shortfall = float(np.max(np.maximum(table[parties, -1] - chosen, 0.0)))
    return _outcome(scenario, concept, distribution, shortfall, index)


@dataclass(frozen=True, slots=True, eq=False)
class ConceptComparison:
    """The outcomes of one scenario under several concepts (a printable table)."""

    scenario: Scenario
    outcomes: tuple[Outcome, ...]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.outcomes)

    def __getitem__(self, concept: str) -> Outcome:
        for outcome in self.outcomes:
            if outcome.concept == concept:
                return outcome
        known = [outcome.concept for outcome in self.outcomes]
        raise KeyError(f"no outcome for concept {concept!r}; the concepts are {known}")

    @property
    def agree(self) -> bool:
        """Whether every concept reaches the same agreement (or no deal)."""
        return len({outcome.deal for outcome in self.outcomes}) == 1

    def rows(self) -> list[dict[str, Any]]:
        """One dict per concept: concept, deal, probability, utilities, certificate."""
        return [
            {
                "concept": o.concept,
                "agreement": o.deal,
                "probability": o.probability,
                **{name: float(u) for name, u in zip(o.agents, o.utilities, strict=True)},
                "certificate": o.certificate,
            }
            for o in self.outcomes
        ]

    def __str__(self) -> str:
        agents = self.scenario.agent_names
        deal_width = max(len("agreement"), *(len(o.deal) for o in self.outcomes))
        concept_width = max(len("concept"), *(len(o.concept) for o in self.outcomes))
        header = (
            f"{'concept':<{concept_width}}  {'agreement':<{deal_width}}  {'P(deal)':>7}  "
            + "  ".join(f"{name:>13}" for name in agents)
            + "  certificate"
        )
        lines = [f"Scenario {self.scenario.name}: {self.scenario.title}".rstrip(": "),
                 header, "-" * len(header)]
        for o in self.outcomes:
            lines.append(
                f"{o.concept:<{concept_width}}  {o.deal:<{deal_width}}  "
                f"{o.probability:>7.3f}  "
                + "  ".join(f"{u:>+13.4f}" for u in o.utilities)
                + f"  {o.certificate:.1e}"
            )
        return "\n".join(lines)


def compare_concepts(
    scenario: Scenario, concepts: tuple[str, ...] | None = None
) -> ConceptComparison:
    """Solve ``scenario`` under every concept (default: all of :data:`CONCEPTS`).

    Raises
    ------
    InvalidModelError
        If ``scenario`` is not a Scenario, or ``concepts`` is not a non-empty
        sequence of concepts of :data:`CONCEPTS` (checked before any is solved).

    Examples
    --------
    >>> import kurilsim
    >>> table = kurilsim.compare_concepts(kurilsim.Scenario(name="default"))
    >>> [row["concept"] for row in table.rows()][:5]
    ['spe', 'nash', 'nash-bargaining', 'kalai-smorodinsky', 'rubinstein']
    """
    check_instance(scenario, Scenario, "scenario", error=InvalidModelError)
    if concepts is None:
        chosen = tuple(CONCEPTS)
    else:
        chosen = check_strings(concepts, "concepts", error=InvalidModelError)
        if not chosen:
            raise InvalidModelError(
                f"concepts must name at least one concept of {', '.join(CONCEPTS)}"
            )
        for concept in chosen:
            check_choice(concept, "concepts", CONCEPTS, error=InvalidModelError)
    return ConceptComparison(
        scenario=scenario,
        outcomes=tuple(solve_scenario(scenario, concept) for concept in chosen),
    )

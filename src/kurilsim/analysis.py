"""One entry point from a scenario to its outcome under each solution concept.

The concepts themselves -- their names, meanings and solvers -- are records
of the registry :mod:`kurilsim.concepts`; this module solves scenarios under
them and compares the outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kurilsim._checks import check_choice, check_instance, check_strings
from kurilsim._errors import InvalidModelError
from kurilsim.concepts import CONCEPTS, Concept, Outcome
from kurilsim.concepts import get as get_concept
from kurilsim.concepts import names as concept_names
from kurilsim.model.scenario import Scenario

__all__ = ["CONCEPTS", "ConceptComparison", "Outcome", "compare_concepts", "solve_scenario"]


def solve_scenario(
    scenario: Scenario, concept: str | Concept = "spe", **options: Any
) -> Outcome:
    """The outcome of a scenario under one solution concept.

    Parameters
    ----------
    scenario : Scenario
    concept : str or Concept
        The name of a registered concept (see :mod:`kurilsim.concepts`;
        :data:`CONCEPTS` lists them with their meanings) or a
        :class:`~kurilsim.concepts.Concept`.  The built-ins: ``"spe"``
        (backward induction on
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
    **options
        Passed to the concept's ``solve`` (the built-ins take ``tol=``, the
        tolerance of their solver).

    Returns
    -------
    Outcome

    Raises
    ------
    InvalidModelError
        If ``scenario`` is not a Scenario, or for an unknown concept (the
        message lists the valid ones).
    SolverError
        If the concept's ``solve`` does not return an Outcome of it.

    Examples
    --------
    >>> import kurilsim
    >>> outcome = kurilsim.solve_scenario(kurilsim.kuril_scenario(name="default"), "spe")
    >>> outcome.concept, outcome.probability
    ('spe', 1.0)
    """
    check_instance(scenario, Scenario, "scenario", error=InvalidModelError)
    chosen = concept if isinstance(concept, Concept) else get_concept(concept)
    return chosen.outcome(scenario, **options)


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
    """Solve ``scenario`` under every concept (default: every registered one).

    Raises
    ------
    InvalidModelError
        If ``scenario`` is not a Scenario, or ``concepts`` is not a non-empty
        sequence of concepts of :data:`CONCEPTS` (checked before any is solved).

    Examples
    --------
    >>> import kurilsim
    >>> table = kurilsim.compare_concepts(kurilsim.kuril_scenario(name="default"))
    >>> [row["concept"] for row in table.rows()][:5]
    ['spe', 'nash', 'nash-bargaining', 'kalai-smorodinsky', 'rubinstein']
    """
    check_instance(scenario, Scenario, "scenario", error=InvalidModelError)
    if concepts is None:
        chosen = concept_names()
    else:
        chosen = check_strings(concepts, "concepts", error=InvalidModelError)
        if not chosen:
            raise InvalidModelError(
                "concepts must name at least one concept of "
                f"{', '.join(concept_names())}"
            )
        for name in chosen:  # every name checked before any is solved
            check_choice(name, "concepts", concept_names(), error=InvalidModelError)
    records = tuple(get_concept(name) for name in chosen)
    return ConceptComparison(
        scenario=scenario,
        outcomes=tuple(solve_scenario(scenario, record) for record in records),
    )

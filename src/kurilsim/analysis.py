"""One entry point from a scenario to its outcome under each solution concept.

The concepts themselves -- their names, meanings and solvers -- are records
of the registry :mod:`kurilsim.concepts`; this module solves scenarios under
them and compares the outcomes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kurilsim._checks import check_choice, check_instance, describe
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
        The name of a concept (:func:`kurilsim.concepts.names` lists them,
        :data:`kurilsim.CONCEPTS` with what each means) or a
        :class:`~kurilsim.concepts.Concept`.
    **options
        The concept's options (:attr:`Concept.options
        <kurilsim.concepts.Concept.options>`; the built-ins take ``tol=``,
        the tolerance of their solver), passed to its ``solve``.

    Returns
    -------
    Outcome

    Raises
    ------
    InvalidModelError
        If ``scenario`` is not a Scenario, for an unknown concept (the
        message lists the valid ones), or if the scenario's protocol lacks a
        role the concept needs.
    InvalidArgumentError
        For an option that no registered concept takes (the message names
        the options the concept takes).
    SolverError
        If the concept's ``solve`` does not return an Outcome of it.

    Warns
    -----
    UnusedOptionWarning
        For an option the concept does not take but another concept does (it
        is ignored).

    Examples
    --------
    >>> import kurilsim
    >>> outcome = kurilsim.solve_scenario(kurilsim.kuril_scenario(name="default"), "spe")
    >>> outcome.concept, outcome.probability
    ('spe', 1.0)
    >>> kurilsim.solve_scenario(kurilsim.kuril_scenario(name="default"), "spe", method="x")
    Traceback (most recent call last):
    ...
    kurilsim._errors.InvalidArgumentError: concept 'spe' takes no option 'method'; its options are ['tol']
    """
    check_instance(scenario, Scenario, "scenario", error=InvalidModelError)
    chosen = _concept(concept)
    taken = chosen.check_options(options, stacklevel=3)
    return chosen.solve_checked(scenario, taken)


def _concept(concept: object) -> Concept:
    """A Concept, or the concept of that name."""
    if isinstance(concept, Concept):
        return concept
    return get_concept(concept)  # type: ignore[arg-type]  # checked there


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
    scenario: Scenario,
    concepts: Sequence[str | Concept] | None = None,
    **options: Any,
) -> ConceptComparison:
    """Solve ``scenario`` under every concept (default: every one of :func:`names
    <kurilsim.concepts.names>`).

    Parameters
    ----------
    scenario : Scenario
    concepts : sequence of str or Concept, optional
        The concepts, by name or as :class:`~kurilsim.concepts.Concept`
        records (default: all).
    **options
        Passed to each concept that takes them (see :func:`solve_scenario`):
        ``compare_concepts(scenario, tol=1e-8)``.

    Raises
    ------
    InvalidModelError
        If ``scenario`` is not a Scenario, or ``concepts`` is not a non-empty
        sequence of concepts (checked before any is solved), or the
        scenario's protocol lacks a role one of them needs.
    InvalidArgumentError
        For an option that no registered concept takes (checked before any
        concept is solved).

    Warns
    -----
    UnusedOptionWarning
        Once per concept that does not take an option another concept takes.

    Examples
    --------
    >>> import kurilsim
    >>> table = kurilsim.compare_concepts(kurilsim.kuril_scenario(name="default"))
    >>> [row["concept"] for row in table.rows()][:5]
    ['spe', 'nash', 'nash-bargaining', 'kalai-smorodinsky', 'rubinstein']
    >>> table = kurilsim.compare_concepts(kurilsim.kuril_scenario(name="default"),
    ...                                   ("spe", "rubinstein"), tol=1e-8)
    >>> [outcome.tol for outcome in table]
    [1e-08, 1e-08]
    """
    check_instance(scenario, Scenario, "scenario", error=InvalidModelError)
    if concepts is None:
        records = tuple(get_concept(name) for name in concept_names())
    else:
        if (
            isinstance(concepts, (str, bytes, Concept))
            or not isinstance(concepts, (Sequence, np.ndarray))
            or not all(isinstance(item, (str, Concept)) for item in concepts)
        ):
            raise InvalidModelError(
                "concepts must be a sequence of strings or Concepts (concept "
                f"records), got {describe(concepts)}"
            )
        concepts = [item if isinstance(item, Concept) else str(item) for item in concepts]
        if not concepts:
            raise InvalidModelError(
                "concepts must name at least one concept of "
                f"{', '.join(concept_names())}"
            )
        for item in concepts:  # every name checked before any is solved
            if not isinstance(item, Concept):
                check_choice(item, "concepts", concept_names(), error=InvalidModelError)
        records = tuple(_concept(item) for item in concepts)
    for record in records:  # every option and role checked before any is solved
        record.check_options(options, warn=False)
        record.check_scenario(scenario)
    outcomes = []
    for record in records:
        taken = record.check_options(options, stacklevel=3)
        outcomes.append(record.solve_checked(scenario, taken))
    return ConceptComparison(scenario=scenario, outcomes=tuple(outcomes))

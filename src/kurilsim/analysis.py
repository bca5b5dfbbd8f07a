"""One entry point from a scenario to its outcome under each solution concept.

The concepts themselves -- their names, meanings and solvers -- are records
of the registry :mod:`kurilsim.concepts`; this module solves scenarios under
them and compares the outcomes.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kurilsim._checks import check_choice, check_instance, describe
from kurilsim._errors import InvalidModelError
from kurilsim._html import LOTTERY_NOTE, percent
from kurilsim.concepts import CONCEPTS, Concept, Outcome
from kurilsim.concepts import get as get_concept
from kurilsim.concepts import names as concept_names
from kurilsim.concepts import registered as registered_concepts
from kurilsim.model.agreements import NO_DEAL
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


# -- the printed table ---------------------------------------------------------------
#: A probability above this makes an outcome part of a lottery (as
#: :attr:`kurilsim.Outcome.is_lottery` counts them).
_POSITIVE = 1e-12
#: At most this many outcomes of a lottery are listed in the printed table
#: (the rest are summed up; csv and json list every one).
_TABLE_SUPPORT = 4
#: Columns of the printed table (``str(comparison)``, ``kurilsim solve``).
TABLE_WIDTH = 100


def _support(outcome: Any) -> list[tuple[int, str, float]]:
    """``(agreement index, label, probability)`` of every outcome of
    ``outcome`` with a positive probability, likeliest first (``NO_DEAL``,
    -1, for no deal)."""
    # (a weight a rounding above 1, as a Nash solver may give, is shown as 1)
    items = [(int(k), min(float(p), 1.0)) for k, p in outcome.distribution.items() if p > 0]
    if not items:  # pragma: no cover - every built-in outcome has a distribution
        items = [(NO_DEAL, 1.0)]
    items.sort(key=lambda item: (-item[1], item[0] == NO_DEAL, item[0]))
    return [
        (k, str(outcome.labels.get(k, "no deal" if k == NO_DEAL else k)), p)
        for k, p in items
    ]


def _is_lottery(support: Sequence[tuple[int, str, float]]) -> bool:
    return sum(p > _POSITIVE for _, _, p in support) > 1


def _mode(outcome: Any, support: Sequence[tuple[int, str, float]]) -> tuple[int, float]:
    """The outcome :attr:`Outcome.agreement <kurilsim.Outcome.agreement>`
    reports (the likeliest deal, or no deal where that is at least as likely)
    and its probability, as a sweep's ``agreement`` and ``mode_probability``."""
    no_deal = sum(p for k, _, p in support if k == NO_DEAL)
    if outcome.agreement is None:
        return NO_DEAL, no_deal
    deals = [(k, p) for k, _, p in support if k != NO_DEAL]
    best = max(deals, key=lambda item: item[1])
    return best


def _percent_text(p: float) -> str:
    """A probability as a percentage with one decimal, never rounded to 0 or
    100 % unless it is."""
    if 0 < p < 0.0005:
        return "<0.1%"
    if 0.9995 <= p < 1:
        return ">99.9%"
    return f"{100 * p:.1f}%"


def _outcome_line(support: Sequence[tuple[int, str, float]]) -> str:
    """An outcome on one line: its label, or ``lottery: 64.3% A; 35.7% B``."""
    if not _is_lottery(support):
        return support[0][1]
    return "lottery: " + "; ".join(f"{_percent_text(p)} {label}" for _, label, p in support)


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """``text`` wrapped at ``width``, a number kept on one line with the word
    after it (``1 x Nagato``, ``300 bn``)."""
    glued = re.sub(r"(?<=\d) (?=\S)", "\xa0", text)
    glued = re.sub(r"(?<=\d\xa0x) ", "\xa0", glued)
    lines = textwrap.wrap(glued, width=width, initial_indent=first,
                          subsequent_indent=rest, break_on_hyphens=False,
                          break_long_words=True) or [first.rstrip()]
    return [line.replace("\xa0", " ") for line in lines]


def _outcome_lines(support: Sequence[tuple[int, str, float]], width: int) -> list[str]:
    """The outcome below a concept's row of the table: the agreement wrapped
    at ``width``, or each outcome of a lottery with its probability (the
    likeliest :data:`_TABLE_SUPPORT`, the rest summed up)."""
    indent = "  "
    if not _is_lottery(support):
        return _wrap(support[0][1], width, indent, indent)
    shown = list(support[:_TABLE_SUPPORT])
    rest = support[len(shown):]
    lines: list[str] = []
    tag = f"{indent}lottery "
    column = max(len(_percent_text(p)) for _, _, p in shown)
    for position, (_, label, p) in enumerate(shown):
        lead = (tag if position == 0 else " " * len(tag)) + f"{_percent_text(p):>{column}}  "
        lines += _wrap(label, width, lead, " " * len(lead))
    if rest:
        total = sum(p for _, _, p in rest)
        lines += _wrap(
            f"+ {len(rest)} more outcome{'s' if len(rest) > 1 else ''} with "
            f"{_percent_text(total)} in all (to_pandas() and solve --format csv|json list every one)",
            width, " " * len(tag), " " * (len(tag) + 2),
        )
    return lines



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
        """Whether every concept gives the same outcome: the same agreement (or
        no deal) for sure, or the same lottery (support and weights within
        1e-9).  A lottery never agrees with its most likely outcome alone."""
        first, *rest = (_support(outcome) for outcome in self.outcomes)
        return all(
            len(other) == len(first)
            and all(k == j and abs(p - q) <= 1e-9
                    for (k, _, p), (j, _, q) in zip(first, other, strict=True))
            for other in rest
        )

    def rows(self) -> list[dict[str, Any]]:
        """One dict per concept: concept, agreement (the most likely outcome,
        :attr:`Outcome.deal`), lottery (whether the outcome is one), P(deal),
        utilities, certificate."""
        return [
            {
                "concept": o.concept,
                "agreement": o.deal,
                "lottery": o.is_lottery,
                "probability": o.probability,
                **{name: float(u) for name, u in zip(o.agents, o.utilities, strict=True)},
                "certificate": o.certificate,
            }
            for o in self.outcomes
        ]

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self, *, width: int = TABLE_WIDTH) -> str:
        """The printed table: each concept's P(deal), utilities and
        certificate on one row, its outcome wrapped below (a lottery as each
        outcome with its probability), every line at most ``width`` columns.

        Parameters
        ----------
        width : int, default 100
            The widest line allowed (at least 40).

        Returns
        -------
        str
            The table, with a note saying what a lottery is when one is shown
            (``str(comparison)`` and ``kurilsim solve`` print it).

        Examples
        --------
        >>> import kurilsim
        >>> comparison = kurilsim.compare_concepts(kurilsim.kuril_scenario(name="default"),
        ...                                        ("spe", "nash-bargaining"))
        >>> text = comparison.to_text()
        >>> max(len(line) for line in text.splitlines()) <= 100
        True
        >>> print(text)  # doctest: +ELLIPSIS
        Scenario default
        concept          P(deal)    japan   russia  united_states  certificate
        ----------------------------------------------------------------------
        spe                1.000  ...
          ...
        nash-bargaining    1.000  ...
          lottery ...
        ...
        Note: A lottery is an outcome left to chance: ...
        """
        from kurilsim._checks import check_int

        width = check_int(width, "width", low=40)
        scenario = self.scenario
        agents = tuple(scenario.agent_names)
        outcomes = tuple(self.outcomes)
        supports = [_support(o) for o in outcomes]
        title = f"Scenario {scenario.name}: {scenario.title}".rstrip(": ")
        lines = _wrap(title, width, "", "  ")
        concept_width = max(len("concept"), *(len(o.concept) for o in outcomes))
        values = [[f"{u:+.4f}" for u in o.utilities] for o in outcomes]
        certificates = [f"{o.certificate:.1e}" for o in outcomes]
        columns = [
            max(len(name), *(len(row[k]) for row in values)) for k, name in enumerate(agents)
        ]
        certificate_width = max(len("certificate"), *(len(c) for c in certificates))
        header = (
            f"{'concept':<{concept_width}}  {'P(deal)':>7}  "
            + "".join(f"{name:>{w}}  " for name, w in zip(agents, columns, strict=True))
            + f"{'certificate':>{certificate_width}}"
        )
        inline = len(header) <= width  # else each concept's utilities get a line
        if not inline:
            header = (f"{'concept':<{concept_width}}  {'P(deal)':>7}  "
                      f"{'certificate':>{certificate_width}}")
        lines += [header, "-" * len(header)]
        for outcome, support, row, certificate in zip(
            outcomes, supports, values, certificates, strict=True
        ):
            numbers = (
                "".join(f"{v:>{w}}  " for v, w in zip(row, columns, strict=True))
                if inline else ""
            )
            lines.append(
                f"{outcome.concept:<{concept_width}}  {outcome.probability:>7.3f}  "
                f"{numbers}{certificate:>{certificate_width}}"
            )
            if not inline:
                lines += _wrap(
                    "expected utilities: " + ", ".join(
                        f"{name} {v}" for name, v in zip(agents, row, strict=True)
                    ), width, "  ", "    ",
                )
            lines += _outcome_lines(support, width)
        if any(_is_lottery(support) for support in supports):
            lines += textwrap.wrap(f"Note: {LOTTERY_NOTE}", width)
        return "\n".join(lines)

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per concept (needs the ``pandas`` extra).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``concept``, with the columns ``title`` (the concept's
            title in the registry, or empty), ``outcome`` (the agreement's
            label, ``"no deal"``, or for a lottery every outcome with its
            weight: ``"lottery: 90% A; 10% B"``), ``lottery`` (whether the
            outcome is one), ``probability`` (of some agreement),
            ``mode_probability`` (of the most likely outcome, 1 unless a
            lottery), ``utility.AGENT`` (each agent's expected utility),
            ``certificate`` and ``tol``.

        Raises
        ------
        ImportError
            If pandas is not installed (``pip install 'kurilsim[pandas]'``).

        Examples
        --------
        >>> import kurilsim
        >>> table = kurilsim.compare_concepts(kurilsim.kuril_scenario(name="default"),
        ...                                   ("spe", "nash-bargaining"))
        >>> frame = table.to_pandas()
        >>> print(frame.loc["nash-bargaining", "lottery"],
        ...       frame.loc["nash-bargaining", "probability"])
        True 1.0
        >>> frame.loc["spe", "mode_probability"]
        np.float64(1.0)
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(
                "ConceptComparison.to_pandas needs pandas: "
                "pip install 'kurilsim[pandas]'"
            ) from None
        registry = {concept.name: concept.title for concept in registered_concepts()}
        data: dict[str, list[Any]] = {
            "title": [registry.get(o.concept, "") for o in self.outcomes],
            "outcome": [_outcome_text(o) for o in self.outcomes],
            "lottery": [o.is_lottery for o in self.outcomes],
            "probability": [float(o.probability) for o in self.outcomes],
            "mode_probability": [
                float(max(o.distribution.values(), default=1.0)) for o in self.outcomes
            ],
        }
        for k, name in enumerate(self.scenario.agent_names):
            data[f"utility.{name}"] = [float(o.utilities[k]) for o in self.outcomes]
        data["certificate"] = [float(o.certificate) for o in self.outcomes]
        data["tol"] = [float(o.tol) for o in self.outcomes]
        index = pd.Index([o.concept for o in self.outcomes], name="concept")
        return pd.DataFrame(data, index=index)

    def _repr_html_(self) -> str:
        """The comparison as an HTML table for notebooks: one row per concept,
        a lottery as its support and weights, with a note saying what a
        lottery is when one is shown (every text escaped)."""
        from kurilsim._html import LOTTERY_NOTE, Html, paragraph, table, view

        agents = self.scenario.agent_names
        header = ["concept", "outcome", "P(deal)", *(f"utility {a}" for a in agents),
                  "certificate"]
        rows = [
            [o.concept, Html(o._html_outcome()), o.probability,
             *(float(u) for u in o.utilities), f"{o.certificate:.1e}"]
            for o in self.outcomes
        ]
        caption = f"Scenario {self.scenario.name}" + (
            f": {self.scenario.title}" if self.scenario.title else "")
        lotteries = any(o.is_lottery for o in self.outcomes)
        note = paragraph(LOTTERY_NOTE, small=True) if lotteries else ""
        return view(table(rows, header=header, caption=caption), note)


def _outcome_text(outcome: Outcome) -> str:
    """An outcome as one line of text: the agreement, ``"no deal"``, or a
    lottery's every outcome with its weight, most likely first."""
    if not outcome.is_lottery:
        return outcome.deal
    weights = sorted(outcome.distribution.items(), key=lambda item: -item[1])
    return "lottery: " + "; ".join(
        f"{percent(p)} {outcome.labels.get(k, 'no deal' if k == NO_DEAL else str(k))}"
        for k, p in weights if p > 1e-12
    )


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

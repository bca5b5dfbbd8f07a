"""Evaluation of one chunk of sweep points: vectorised, or point by point.

A concept with a kernel (:attr:`kurilsim.concepts.Concept.kernel`) is
evaluated on the *fast path*: the outcome utilities of every point of the
chunk come from the model at once (:meth:`Scenario.outcome_utilities`), then
the concept's kernel picks the agreement at each point.  Other concepts, and
points the fast path cannot take (invalid values, utilities that overflow),
are solved one by one with the concept's ``solve``.  Both give the same
answer at every point.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kurilsim import concepts
from kurilsim._arrays import readonly
from kurilsim._errors import KurilsimError, SolverError
from kurilsim.concepts import Concept
from kurilsim.model.agreements import NO_DEAL
from kurilsim.model.scenario import Scenario
from kurilsim.sweeps.result import ERROR

__all__ = ["FAST_CONCEPTS", "Chunk", "evaluate_chunk"]


class _FastConcepts(AbstractSet[str]):
    """Read-only live view: the registered concepts that are vectorised."""

    __slots__ = ()

    def _names(self) -> tuple[str, ...]:
        return tuple(c.name for c in concepts.registered() if c.vectorised)

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __repr__(self) -> str:
        return f"FAST_CONCEPTS({set(self._names())!r})"


#: The concepts with a vectorised fast path (:attr:`Concept.vectorised
#: <kurilsim.concepts.Concept.vectorised>`: a kernel): a read-only live view of
#: the registry of :mod:`kurilsim.concepts`, derived from it (one source); a
#: concept of an installed package's entry point is here once loaded.
FAST_CONCEPTS: AbstractSet[str] = _FastConcepts()


@dataclass(frozen=True, slots=True)
class Chunk:
    """The results at the points of one chunk.

    Attributes
    ----------
    agreement : ndarray of int
        Agreement index per point, ``NO_DEAL`` or ``ERROR``.
    probability : ndarray
    utilities : ndarray
        ``(points, n_agents)``.
    errors : dict of int to str
        Offset within the chunk to the error message of a point that raised.
    mode_probability : ndarray
        Probability of the reported agreement per point (of no deal where it
        is ``NO_DEAL``): 1 for a concept whose outcome is never a lottery,
        NaN at a failed point and where a user kernel's triple does not fix
        it (see :class:`~kurilsim.concepts.SweepKernel`).
    """

    agreement: NDArray[np.intp]
    probability: NDArray[np.float64]
    utilities: NDArray[np.float64]
    errors: dict[int, str]
    mode_probability: NDArray[np.float64]

    def __post_init__(self) -> None:
        # probabilities are sums of a distribution's weights: a solver may give
        # 1 + 2e-16; the chunk stores them in [0, 1] (NaN stays NaN), as the
        # checkpoint's validation requires
        for name in ("probability", "mode_probability"):
            object.__setattr__(
                self, name, np.clip(np.asarray(getattr(self, name), dtype=np.float64), 0, 1)
            )


class _NotFinite(Exception):
    """Some points of a fast chunk have non-finite utilities (``finite`` is False)."""

    def __init__(self, finite: NDArray[np.bool_]) -> None:
        super().__init__("non-finite utilities")
        self.finite = finite


def evaluate_chunk(
    scenario: Scenario,
    concept: Concept,
    names: Sequence[str],
    values: Sequence[NDArray[Any]],
    fast: bool,
    options: Mapping[str, Any] | None = None,
) -> Chunk:
    """Evaluate ``concept`` at the points of one chunk.

    Runs in pool workers (a module-level function of picklable arguments).

    Parameters
    ----------
    scenario : Scenario
        The base scenario.
    concept : Concept
    names : sequence of str
        The swept parameters.
    values : sequence of ndarray
        Each parameter's values at the chunk's points (same length).
    fast : bool
        Use the concept's kernel, if it has one (and there are no options).
    options : mapping, optional
        The concept's options, already checked (:meth:`Concept.check_options`),
        passed to its ``solve`` at each point.

    Returns
    -------
    Chunk

    Raises
    ------
    SolverError
        If the concept's kernel returns something else than one agreement
        index (or ``NO_DEAL``) per point.
    """
    options = {} if options is None else dict(options)
    if not (fast and concept.kernel is not None and names and not options):
        return _per_point(scenario, concept, names, values, options)
    m = len(values[0])
    vector = [
        n for n in names
        if n in concept.kernel_settings or scenario.agent_parameter(n) is not None
    ]
    grouped = [n for n in names if n not in vector]
    column = dict(zip(names, values, strict=True))
    agreement = np.empty(m, dtype=np.intp)
    probability = np.empty(m)
    mode = np.empty(m)
    utilities = np.empty((m, len(scenario.agents)))
    errors: dict[int, str] = {}
    if grouped:
        keys = np.stack([np.asarray(column[n]).astype(str) for n in grouped], axis=1)
        _, group_of = np.unique(keys, axis=0, return_inverse=True)
        group_of = group_of.ravel()
        groups = [np.flatnonzero(group_of == group) for group in np.unique(group_of)]
    else:
        groups = [np.arange(m)]
    for rows in groups:
        first = int(rows[0])
        try:
            base = (
                scenario.with_params({n: column[n][first].item() for n in grouped})
                if grouped
                else scenario
            )
            part = _fast_chunk(
                base, concept,
                {n: column[n] if not grouped else column[n][rows] for n in vector},
                len(rows),
            )
            if not grouped:  # one group of every point, in order: the chunk itself
                return part
        except SolverError:
            raise
        except _NotFinite as overflow:
            # the points that overflow go point by point, which records the error
            good, bad = rows[overflow.finite], rows[~overflow.finite]
            try:
                if len(good):
                    fine = _fast_chunk(
                        base, concept, {n: column[n][good] for n in vector}, len(good)
                    )
                    _place(fine, good, agreement, probability, mode, utilities, errors)
            except SolverError:
                raise
            except (KurilsimError, _NotFinite):
                bad = rows
            rows = bad
            part = _per_point(scenario, concept, names, [v[bad] for v in values], {})
        except KurilsimError:
            # some point is invalid: fall back to per-point so each error is recorded
            part = _per_point(scenario, concept, names, [v[rows] for v in values], {})
        _place(part, rows, agreement, probability, mode, utilities, errors)
    return Chunk(agreement, probability, utilities, errors, mode)


def _fast_chunk(
    scenario: Scenario, concept: Concept, swept: Mapping[str, NDArray[Any]], m: int
) -> Chunk:
    """A concept's kernel at ``m`` points: ``swept`` holds the values there of
    agent parameters and the kernel's protocol settings (arrays of length ``m``;
    none when only other settings, fixed within the group, are swept)."""
    assert concept.kernel is not None
    # the kernel's settings: its protocol settings, and the swept agent
    # parameters too (a kernel such as "pbe" reads some besides the utilities)
    settings = dict(swept)
    # a parameter that holds one value over the chunk (an outer axis of a
    # grid) is passed as that value: an agent with no other varying parameter
    # then has its utilities computed once, not at every point
    overrides = {
        n: _one_value(v) for n, v in swept.items() if n not in concept.kernel_settings
    }
    with np.errstate(over="ignore", invalid="ignore"):
        # the kernel's layout: agent x outcome x point, contiguous (its array
        # operations then pass over contiguous rows of points)
        table = scenario.outcome_utilities(overrides, points_last=True)
        if table.ndim == 2:  # no parameter varies over the chunk
            table = np.repeat(table[..., np.newaxis], m, axis=-1)
        # a point whose utilities overflow is an error point by point (the
        # scenario refuses non-finite utilities): leave it to that path.  Only
        # the agents with overrides can overflow (the others' utilities are
        # the scenario's own), and one whose overrides hold one value each has
        # the same utilities at every point; a sum is finite only if every
        # term is.  Where
        # one is not, a sum per point (over agents and outcomes) finds the
        # points: one that overflows although its terms do not just sends a
        # valid point the slow way.
        if not all(
            np.isfinite((table[k] if varies else table[k, :, 0]).sum())
            for k, varies in _computed(scenario, overrides)
        ):
            finite = np.isfinite(table.reshape(-1, m).sum(axis=0))
            if not finite.all():
                raise _NotFinite(finite)
    rows = readonly(table)
    answer = concept.kernel(scenario, rows, settings)
    if isinstance(answer, tuple):  # a lottery concept's: with probability, utilities
        return _lottery_chunk(concept, answer, m, scenario)
    codes = _agreements(concept, answer, m, len(scenario.space))
    # NO_DEAL (-1) picks the status quo, the last outcome
    utilities = np.ascontiguousarray(rows[:, codes, np.arange(m)].T)
    return Chunk(codes, (codes != NO_DEAL).astype(np.float64), utilities, {}, np.ones(m))


def _one_value(values: NDArray[Any]) -> Any:
    """``values`` (one per point), or their one value if they are all equal."""
    if len(values) > 1 and bool((values == values[0]).all()):
        return values[0]
    return values


def _computed(scenario: Scenario, overrides: Mapping[str, Any]) -> list[tuple[int, bool]]:
    """The agents (indices) whose utilities ``overrides`` change, each with
    whether they vary over the points (else every point has the first one's):
    every agent, varying, if the scenario has shared parameters (an override
    sets every holder)."""
    if scenario.shared_parameters():
        return [(k, True) for k in range(len(scenario.agents))]
    varies: dict[str, bool] = {}
    for name, values in overrides.items():
        owner = scenario.agent_parameter(name)
        if owner is not None:
            varies[owner[0]] = varies.get(owner[0], False) or np.ndim(values) > 0
    return [
        (k, varies[agent]) for k, agent in enumerate(scenario.agent_names) if agent in varies
    ]


def _lottery_chunk(
    concept: Concept, answer: tuple[Any, ...], m: int, scenario: Scenario
) -> Chunk:
    """The triple or 4-tuple a lottery concept's kernel returns (see
    :class:`~kurilsim.concepts.SweepKernel`), checked."""
    shapes = ((m,), (m, len(scenario.agents)), (m,))
    if len(answer) not in (3, 4) or any(
        np.shape(part) != shape for part, shape in zip(answer[1:], shapes, strict=False)
    ):
        raise SolverError(
            f"the kernel of concept {concept.name!r} must return agreement indices, "
            f"or a triple (agreements, probability of shape ({m},), utilities of "
            f"shape ({m}, {len(scenario.agents)})), or that triple and the mode's "
            f"probability of shape ({m},)"
        )
    codes = _agreements(concept, answer[0], m, len(scenario.space))
    probability = np.asarray(answer[1], dtype=np.float64)
    utilities = np.array(answer[2], dtype=np.float64)  # the chunk's own (a copy)
    if not concept.lottery:
        mode = np.ones(m)
    elif len(answer) == 4:
        mode = np.array(answer[3], dtype=np.float64)
    else:
        # a triple fixes the mode's probability only where no deal is the mode
        # (P(no deal) = 1 - P(deal)); a deal's share of P(deal) is unknown
        mode = np.where(codes == NO_DEAL, 1.0 - probability, np.nan)
    return Chunk(codes, probability, utilities, {}, mode)


def _agreements(concept: Concept, codes: object, m: int, n: int) -> NDArray[np.intp]:
    """A kernel's answer, checked: one agreement index or NO_DEAL per point."""
    array = np.asarray(codes)
    if (
        array.shape != (m,)
        or array.dtype.kind not in "iu"
        or (m and (array.min() < NO_DEAL or array.max() >= n))
    ):
        raise SolverError(
            f"the kernel of concept {concept.name!r} must return an integer array of "
            f"shape ({m},) with agreement indices in [0, {n}) or NO_DEAL ({NO_DEAL}), "
            f"got dtype {array.dtype} and shape {array.shape}"
        )
    return array.astype(np.intp)  # the chunk's own (a copy)


def _solve_point(
    scenario: Scenario, concept: Concept, params: dict[str, Any],
    options: Mapping[str, Any],
) -> tuple[int, float, float, NDArray[np.float64]]:
    """The agreement reported at one point, P(deal), the reported
    outcome's probability (the mode's, 1 for a concept that is not a lottery)
    and the utilities."""
    outcome = concept.solve_checked(scenario.with_params(params), options)
    code = outcome.agreement_index if outcome.agreement is not None else NO_DEAL
    if outcome.probability == 0:
        code = NO_DEAL
    if not concept.lottery:
        mode = 1.0
    elif code in outcome.distribution:
        mode = float(outcome.distribution[code])
    else:  # no deal reported, none listed: the deals' complement
        mode = 1.0 - float(outcome.probability) if code == NO_DEAL else 0.0
    return code, outcome.probability, mode, np.asarray(outcome.utilities)


def _per_point(scenario: Scenario, concept: Concept, names: Sequence[str],
               values: Sequence[NDArray[Any]], options: Mapping[str, Any]) -> Chunk:
    m = len(values[0]) if values else 1
    agreement = np.empty(m, dtype=np.intp)
    probability = np.empty(m)
    mode = np.empty(m)
    utilities = np.empty((m, len(scenario.agents)))
    errors: dict[int, str] = {}
    for k in range(m):
        params = {name: column[k].item() for name, column in zip(names, values, strict=True)}
        try:
            agreement[k], probability[k], mode[k], utilities[k] = _solve_point(
                scenario, concept, params, options
            )
        except Exception as error:  # noqa: BLE001 - recorded, the sweep goes on
            agreement[k], probability[k], mode[k], utilities[k] = (
                ERROR, np.nan, np.nan, np.nan
            )
            errors[k] = f"{type(error).__name__}: {error}"
    return Chunk(agreement, probability, utilities, errors, mode)


def _place(part: Chunk, rows: NDArray[np.intp], agreement: NDArray[np.intp],
           probability: NDArray[np.float64], mode: NDArray[np.float64],
           utilities: NDArray[np.float64], errors: dict[int, str]) -> None:
    """Copy the results of the points ``rows`` of a chunk into its arrays."""
    agreement[rows] = part.agreement
    probability[rows] = part.probability
    mode[rows] = part.mode_probability
    utilities[rows] = part.utilities
    errors.update({int(rows[k]): message for k, message in part.errors.items()})

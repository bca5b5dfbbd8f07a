"""Ready-made studies: the sweeps behind kurilsim's headline questions."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from kurilsim._arrays import decimal_linspace
from kurilsim._errors import InvalidArgumentError, ProblemTooLargeError
from kurilsim.kuril.scenarios import load_scenario
from kurilsim.model.scenario import Scenario
from kurilsim.sweeps import DEFAULT_MAX_POINTS, SweepResult, sweep

__all__ = ["two_vs_four_islands"]


def two_vs_four_islands(
    scenario: Scenario | str | os.PathLike[str] = "2018-singapore",
    *,
    security_weight: tuple[float, float] = (0.0, 4.0),
    pledge_credibility: tuple[float, float] = (0.0, 1.0),
    resolution: int = 201,
    concept: str = "spe",
    **options: Any,
) -> SweepResult:
    """Japan's two- versus four-island demand against Russia's security fears.

    A full-factorial sweep of ``japan.demand`` ∈ {2, 4} × ``resolution``
    values of ``russia.security_weight`` (the cost to Russia of possible US
    forces on all four islands) × ``resolution`` values of
    ``russia.pledge_credibility`` (how far Russia believes a no-US-forces
    pledge), solved under ``concept`` (default: the subgame-perfect outcome
    of the proposal game with the objector's consent).  One panel per demand; the result
    shows where a deal exists and which one.

    Parameters
    ----------
    scenario : Scenario or str or path
        Base scenario or the name / TOML path of one (default
        ``"2018-singapore"``).
    security_weight, pledge_credibility : (low, high)
        Ranges of the two continuous axes.
    resolution : int
        Points per continuous axis (default 201: 2 × 201 × 201 = 80,802 points).
    concept : str
        Any concept of :func:`kurilsim.solve_scenario`.
    **options
        Passed to :func:`kurilsim.sweep` (``workers=``, ``executor=``,
        ``checkpoint=``, ``progress=``, ``max_points=``, ...).

    Raises
    ------
    InvalidArgumentError
        If ``resolution`` or a range is not valid.
    ProblemTooLargeError
        If the study has more than ``max_points`` points (checked before the
        axes are built).

    Examples
    --------
    >>> import kurilsim
    >>> result = kurilsim.two_vs_four_islands(resolution=21, progress=False)
    >>> result.shape
    (2, 21, 21)
    >>> two = result.sel({"japan.demand": 2})
    >>> bool((two.agreement >= 0).any()), bool((two.agreement < 0).any())
    (True, True)
    """
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise InvalidArgumentError(f"resolution must be an integer >= 2, got {resolution!r}")
    for name, bounds in (("security_weight", security_weight),
                         ("pledge_credibility", pledge_credibility)):
        _check_range(name, bounds)
    # refuse an oversized study before its axes are allocated (sweep() would
    # refuse it too, but only after building them)
    points = 2 * resolution**2
    budget = options.get("max_points", DEFAULT_MAX_POINTS)
    if isinstance(budget, int) and points > budget:
        raise ProblemTooLargeError(
            f"resolution={resolution} makes {points:,} points, more than max_points="
            f"{budget:,}; pass two_vs_four_islands(..., max_points={points}) to allow it"
        )
    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    grid = {
        "japan.demand": np.array([2, 4]),
        "russia.security_weight": decimal_linspace(*security_weight, resolution),
        "russia.pledge_credibility": decimal_linspace(*pledge_credibility, resolution),
    }
    return sweep(base, grid, concept=concept, **options)


def _check_range(name: str, bounds: object) -> None:
    """``bounds`` must be a ``(low, high)`` pair of finite numbers, low <= high."""
    try:
        low, high = (float(v) for v in bounds)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            f"{name} must be a (low, high) pair of numbers, got {bounds!r}"
        ) from None
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise InvalidArgumentError(
            f"{name} must be a finite range with low <= high, got {bounds!r}"
        )

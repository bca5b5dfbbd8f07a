"""Check your own Nash solver with kurilsim's property suite.

A researcher writes a tiny solver -- here a deliberately wrong one that only
looks for pure equilibria, so it finds nothing in games such as matching
pennies -- and runs ``kurilsim.testing.invariants.solver_property_suite`` on
it.  Hypothesis generates games, the suite checks that every answer is a
certified equilibrium and that the answers respect positive affine payoff
transforms, strategy relabelling and player swaps, and on failure it shrinks
the game to a minimal counterexample, which this script prints.

Run:  python examples/check_your_solver.py
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, settings

from kurilsim import NormalFormGame, solve_nash
from kurilsim.testing.invariants import solver_property_suite


def pure_equilibria_only(game: NormalFormGame) -> list[tuple[np.ndarray, ...]]:
    """A wrong 'all equilibria' solver: every cell where nobody wants to deviate."""
    found = []
    for cell in np.ndindex(*game.shape):
        profile = game.pure_profile(list(cell))
        if game.regret(profile) <= 1e-12:
            found.append(profile)
    return found


#: No time limits: the suite solves games between its draws, which a busy
#: machine may slow down (hypothesis would then report a failed health check
#: or a missed deadline instead of the solver's result).
PATIENT = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


def main() -> None:
    print("1. kurilsim's vertex enumeration passes the suite:")
    settings(max_examples=25, **PATIENT)(
        solver_property_suite(lambda g: solve_nash(g, "vertex"))
    )()
    print("   ok (25 random games)")

    print("2. the pure-equilibria-only solver does not:")
    # derandomized: the same 200 games in every run, so the example's output
    # does not depend on the run's seed
    suite = settings(derandomize=True, max_examples=200, **PATIENT)(
        solver_property_suite(pure_equilibria_only)
    )
    try:
        suite()
    except AssertionError as failure:
        print(f"   caught: {str(failure).splitlines()[0]}")
        for note in getattr(failure, "__notes__", []):
            print("   " + note.replace("\n", "\n   "))
    else:  # pragma: no cover - the suite must catch this solver
        raise SystemExit("the broken solver was not caught")


if __name__ == "__main__":
    main()

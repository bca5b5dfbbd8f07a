"""Add a solution concept of your own and use it everywhere.

The concept: the proposer takes its favourite agreement among those the
responder accepts (a take-it-or-leave-it offer with no objector).  Once
registered, it is solved by ``solve_scenario``, compared with the built-in
concepts, swept over a grid -- vectorised, because it brings a kernel -- and
plotted, with no other change.  The command line knows it too
(``kurilsim solve 2018-singapore --concept favourite`` in a program that
registered it; for the installed ``kurilsim`` command, declare it in the
``kurilsim.concepts`` entry-point group of your package: see
docs/how-to/add-a-concept.md).

Run:  python examples/custom_concept.py
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

import kurilsim
from kurilsim import NO_DEAL, Outcome, Scenario, concepts
from kurilsim.concepts import LOTTERY_NOTE, Concept

LOTTERY = LOTTERY_NOTE  # what a lottery is, printed once


# 1. Solve one scenario: return an Outcome (built by Outcome.from_distribution).
#    Its keyword options (here ``margin``) are declared in the Concept below.
def favourite(scenario: Scenario, *, margin: float = 0.0) -> Outcome:
    """The proposer's favourite agreement among those the responder accepts (by
    at least ``margin`` over the status quo)."""
    table = scenario.outcome_utilities()  # agents x outcomes, status quo last
    names = scenario.agent_names
    proposer = table[names.index(scenario.protocol.proposer)]
    responder = table[names.index(scenario.protocol.responder)]
    acceptable = responder[:-1] >= responder[-1] + margin
    scores = np.where(acceptable, proposer[:-1], -np.inf)
    best = int(np.argmax(scores))
    index = best if scores[best] >= proposer[-1] else NO_DEAL
    # certificate: nothing is approximated, so the checked error is 0
    return Outcome.from_distribution(
        scenario, "favourite", {index: 1.0}, certificate=0.0, tol=0.0
    )


# 2. Optionally, the same for many parameter points at once (sweeps use it):
#    utilities has shape (agents, outcomes, points); return one index per point.
def favourite_kernel(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, Any]
) -> NDArray[np.intp]:
    names = scenario.agent_names
    proposer = utilities[names.index(scenario.protocol.proposer)]  # outcomes x points
    responder = utilities[names.index(scenario.protocol.responder)]
    scores = np.where(responder[:-1] >= responder[-1], proposer[:-1], -np.inf)
    best = np.argmax(scores, axis=0)
    found = scores[best, np.arange(len(best))] >= proposer[-1]
    return np.where(found, best, NO_DEAL).astype(np.intp)


# 3. Register it.
concepts.register(
    Concept(
        name="favourite",
        title="proposer's favourite",
        description=(
            "The proposer's favourite agreement among those the responder accepts: "
            "a take-it-or-leave-it offer that ignores the objector."
        ),
        solve=favourite,
        kernel=favourite_kernel,  # takes no options: sweeps with options go point by point
        options=frozenset({"margin"}),
        roles=("proposer", "responder"),  # the protocol must name both
    )
)

try:
    # 4. Use it like any built-in concept.
    scenario = kurilsim.load_scenario("2018-singapore")
    print(kurilsim.solve_scenario(scenario, "favourite"))
    print(kurilsim.solve_scenario(scenario, "favourite", margin=0.5))
    print()
    # Compare with two built-in concepts, with a credible no-US-forces pledge.
    # Nash bargaining is a lottery concept: each outcome is printed as its
    # whole support (each agreement with its probability), read off the Outcome.
    print(textwrap.fill(LOTTERY, 100))
    credible = scenario.with_params({"russia.pledge_credibility": 0.7})
    print(f"{credible.name}:")
    table = kurilsim.compare_concepts(credible, ("spe", "nash-bargaining", "favourite"))
    for outcome in table:
        kind = "a lottery concept" if concepts.get(outcome.concept).lottery else "one outcome"
        print(f"  {outcome.concept} ({kind}): P(deal) {outcome.probability:.3f}")
        for k, p in sorted(outcome.distribution.items(), key=lambda item: -item[1]):
            print(textwrap.fill(outcome.labels[k], 100, initial_indent=f"    {p:7.1%}  ",
                                subsequent_indent=" " * 15))

    grid = {
        "japan.demand": [2, 4],
        "russia.security_weight": np.linspace(0.0, 4.0, 41),
        "russia.pledge_credibility": np.linspace(0.0, 1.0, 41),
    }
    result = kurilsim.sweep(scenario, grid, concept="favourite", progress=False)
    print(f"\nswept {result.size} points, vectorised: {result.metadata['fast']}")
    for outcome, share in list(result.outcome_shares().items())[:3]:
        print(f"  {share:6.1%}  {outcome}")

    try:
        import matplotlib

        matplotlib.use("Agg")
        from kurilsim import plot

        panels = plot.phase_diagram(result, x="russia.security_weight",
                                    y="russia.pledge_credibility")
        out = Path("custom_concept.png")
        panels[0].figure.savefig(out, dpi=80)
        print(f"wrote {out}")
    except ImportError:  # pragma: no cover - matplotlib is an optional extra
        print("matplotlib not installed: no plot")
finally:
    concepts.unregister("favourite")  # leave the registry as it was

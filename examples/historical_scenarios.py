"""Every built-in historical scenario under every solution concept.

For each period from the 1956 Joint Declaration to the 2022 suspension of
talks, prints the outcome under the subgame-perfect equilibrium of the
proposal game, the strategic game's Nash equilibrium, and the bargaining
solutions, with each party's utility and the certificate of each answer, and
saves a concept-comparison chart for the 2018 scenario.

Several concepts (Nash bargaining over lotteries, Baron-Ferejohn, the pledge
game's perfect Bayesian equilibrium, ...) may end in a lottery: each
agreement, or no deal, with a probability.  The script prints such an outcome
as its whole support, read off the ``Outcome`` object's ``distribution`` and
``labels``, never as its most likely agreement alone.

Run:  python examples/historical_scenarios.py
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import kurilsim
import kurilsim.plot
from kurilsim import ConceptComparison, Outcome
from kurilsim.concepts import LOTTERY_NOTE

OUTPUT = Path("kurilsim-output")
WIDTH = 100  # columns: long agreement labels are wrapped to fit
LOTTERY = LOTTERY_NOTE  # what a lottery is, printed once


def support(outcome: Outcome) -> list[tuple[float, str]]:
    """What the concept leads to, most likely first: (probability, outcome)."""
    chances = [
        (p, outcome.labels.get(index, "no deal" if index == kurilsim.NO_DEAL else
                               f"agreement {index}"))
        for index, p in outcome.distribution.items()
        if p > 1e-9
    ]
    return sorted(chances, key=lambda chance: -chance[0]) or [(1.0, outcome.deal)]


def show(table: ConceptComparison) -> None:
    """Print one scenario's comparison: a row of numbers per concept, then
    what it leads to -- one agreement, no deal, or a lottery's support."""
    scenario = table.scenario
    print(textwrap.fill(f"Scenario {scenario.name}: {scenario.title}", WIDTH,
                        subsequent_indent=" " * 4))
    width = max(len("concept"), *(len(o.concept) for o in table))
    head = (f"{'concept':<{width}}  {'P(deal)':>7}"
            + "".join(f"  {name:>13}" for name in scenario.agent_names)
            + "  certificate")
    print(head)
    print("-" * len(head))
    for outcome in table:
        print(f"{outcome.concept:<{width}}  {outcome.probability:7.3f}"
              + "".join(f"  {u:+13.4f}" for u in outcome.utilities)
              + f"  {outcome.certificate:11.1e}")
        chances = support(outcome)
        if len(chances) == 1:
            print(textwrap.fill(chances[0][1], WIDTH, initial_indent=" " * 4,
                                subsequent_indent=" " * 6))
        else:
            print("    lottery:")
            for p, label in chances:
                print(textwrap.fill(label, WIDTH, initial_indent=f"    {p:7.1%}  ",
                                    subsequent_indent=" " * 15))
    same = {
        tuple(sorted((k, round(p, 3)) for k, p in o.distribution.items() if p > 1e-9))
        for o in table
    }
    verdict = "all concepts agree" if len(same) == 1 else "the concepts disagree"
    print(f"-> {verdict}\n")


def main() -> None:
    OUTPUT.mkdir(exist_ok=True)
    print(textwrap.fill(LOTTERY, WIDTH) + "\n")
    for name in kurilsim.list_scenarios():
        show(kurilsim.compare_concepts(kurilsim.load_scenario(name)))

    scenario = kurilsim.load_scenario("2018-singapore").with_params(
        {"russia.pledge_credibility": 0.7}
    )
    table = kurilsim.compare_concepts(scenario)
    print("2018 with a credible no-US-forces pledge (credibility 0.7):")
    show(table)
    ax = kurilsim.plot.concept_comparison(table)
    ax.figure.savefig(OUTPUT / "concepts_2018_credible.png", dpi=150, bbox_inches="tight")
    ax = kurilsim.plot.utility_possibility(scenario, comparison=table)
    ax.figure.savefig(OUTPUT / "utility_possibility_2018.png", dpi=150, bbox_inches="tight")
    print(f"figures written to {OUTPUT}/")


if __name__ == "__main__":
    main()

"""Every built-in historical scenario under every solution concept.

For each period from the 1956 Joint Declaration to the 2022 suspension of
talks, prints the outcome under the subgame-perfect equilibrium of the
proposal game, the strategic game's Nash equilibrium, and the bargaining
solutions, with each party's utility and the certificate of each answer, and
saves a concept-comparison chart for the 2018 scenario.

Run:  python examples/historical_scenarios.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import kurilsim
import kurilsim.plot

OUTPUT = Path("kurilsim-output")


def main() -> None:
    OUTPUT.mkdir(exist_ok=True)
    for name in kurilsim.list_scenarios():
        scenario = kurilsim.load_scenario(name)
        table = kurilsim.compare_concepts(scenario)
        print(table)
        verdict = "all concepts agree" if table.agree else "the concepts disagree"
        print(f"-> {verdict}\n")

    scenario = kurilsim.load_scenario("2018-singapore").with_params(
        {"russia.pledge_credibility": 0.7}
    )
    table = kurilsim.compare_concepts(scenario)
    print("2018 with a credible no-US-forces pledge (credibility 0.7):")
    print(table)
    ax = kurilsim.plot.concept_comparison(table)
    ax.figure.savefig(OUTPUT / "concepts_2018_credible.png", dpi=150, bbox_inches="tight")
    ax = kurilsim.plot.utility_possibility(scenario, comparison=table)
    ax.figure.savefig(OUTPUT / "utility_possibility_2018.png", dpi=150, bbox_inches="tight")
    print(f"figures written to {OUTPUT}/")


if __name__ == "__main__":
    main()

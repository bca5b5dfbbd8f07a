"""The headline study: Japan's two- versus four-island demand.

Sweeps the 2018 Singapore scenario over Japan's demand (2 or 4 islands) x
Russia's security weight (the cost to Russia of possible US forces on the
islands) x the credibility of a no-US-forces pledge, solves the
subgame-perfect outcome of the proposal game at every point, and writes a
phase diagram (one panel per demand) and the table of results.

Run:  python examples/two_vs_four_islands.py   (about a second for 81,000 points)
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
    result = kurilsim.two_vs_four_islands(resolution=201, progress=False)
    print(f"{result.size:,} points in {result.metadata['seconds']:.2f} s "
          f"({result.metadata['points_per_second']:,.0f} points/s)")

    axes = kurilsim.plot.phase_diagram(result)
    figure = axes[0].figure
    figure.savefig(OUTPUT / "two_vs_four_islands.png", dpi=150, bbox_inches="tight")
    table = result.to_csv(OUTPUT / "two_vs_four_islands.csv", overwrite=True)
    print(f"phase diagram: {OUTPUT / 'two_vs_four_islands.png'}")
    print(f"results table: {table}")

    for demand in (2, 4):
        panel = result.sel({"japan.demand": demand})
        shares = panel.outcome_shares()
        print(f"\nJapan demands {demand} islands: a deal at "
              f"{1 - shares.get('no deal', 0.0):.1%} of the points")
        for outcome, share in list(shares.items())[:4]:
            print(f"  {share:6.1%}  {outcome}")

    # the historical default: no deal; how credible must the pledge be?
    scenario = kurilsim.load_scenario("2018-singapore")
    weight = scenario.agent("russia").security_weight
    line = result.sel({"japan.demand": 2, "russia.security_weight": 2.0})
    credible = line.points["russia.pledge_credibility"][line.agreement.ravel() >= 0]
    print(f"\nAt Russia's 2018 security weight ({weight}), a two-island deal needs a "
          f"pledge credibility of at least {credible.min():.2f}")


if __name__ == "__main__":
    main()

"""Time ``import kurilsim`` and the first use of its main entry points.

Run from the project root::

    python benchmarks/bench_import.py            # median of 7 fresh interpreters

Each measurement starts a fresh interpreter (``python -X importtime`` is not
used: it adds its own overhead) and reports the median wall time of the
statement over the repeats, minus the median time of a bare ``import numpy``
interpreter start where stated.  Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

STATEMENTS: dict[str, str] = {
    "import numpy": "import numpy",
    "import kurilsim": "import kurilsim",
    "kurilsim.solve_nash": "import kurilsim; kurilsim.solve_nash",
    "kurilsim.load_scenario": "import kurilsim; kurilsim.load_scenario",
    "kurilsim.sweep": "import kurilsim; kurilsim.sweep",
    "kurilsim.plot": "import kurilsim.plot",
}

TIMER = (
    "import time; _t = time.perf_counter(); {statement}; "
    "print(time.perf_counter() - _t)"
)


def measure(statement: str, repeats: int) -> float:
    """Median seconds the statement takes in a fresh interpreter."""
    times = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", TIMER.format(statement=statement)],
            capture_output=True, text=True, check=True,
        )
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"{'statement':<26} {'median s':>9}")
    for name, statement in STATEMENTS.items():
        print(f"{name:<26} {measure(statement, args.repeats):>9.3f}")


if __name__ == "__main__":
    main()

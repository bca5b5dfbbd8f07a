"""A parameter sweep on a Dask cluster (or a process pool), with a checkpoint.

``kurilsim.sweep`` accepts any ``concurrent.futures.Executor``.  This script
starts a Dask ``LocalCluster`` on this machine -- a real cluster works the
same way through ``distributed.Client(address).get_executor()`` -- and falls
back to a ``ProcessPoolExecutor`` when Dask is not installed
(``pip install "kurilsim[dask]"``).  Finished chunks are checkpointed: re-run
the script and it resumes instead of recomputing.

Run:  python examples/distributed_sweep.py
"""

from __future__ import annotations

import concurrent.futures
import contextlib
from pathlib import Path

import numpy as np

import kurilsim

OUTPUT = Path("kurilsim-output")
GRID = {
    "japan.demand": [2, 4],
    "russia.security_weight": np.linspace(0.0, 4.0, 41),
    "russia.pledge_credibility": np.linspace(0.0, 1.0, 41),
    "united_states.carveout_cost": [0.0, 0.2, 0.4],
}


@contextlib.contextmanager
def executor():  # type: ignore[no-untyped-def]
    try:
        import distributed
    except ImportError:
        print("Dask is not installed: using a ProcessPoolExecutor with 2 workers")
        with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
            yield pool
        return
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        print(f"Dask LocalCluster with {len(cluster.workers)} workers")
        yield client.get_executor()


def main() -> None:
    scenario = kurilsim.load_scenario("2018-singapore")
    serial = kurilsim.sweep(scenario, GRID, progress=False)
    with executor() as pool:
        result = kurilsim.sweep(
            scenario,
            GRID,
            executor=pool,
            chunk_size=2_000,
            checkpoint=OUTPUT / "distributed-checkpoint",
            progress=False,
        )
    same = np.array_equal(result.agreement, serial.agreement)
    print(f"{result.size:,} points in {result.metadata['chunks']} chunks "
          f"({result.metadata['chunks_resumed']} resumed from the checkpoint); "
          f"identical to the serial run: {same}")
    path = result.to_csv(OUTPUT / "distributed_sweep.csv", overwrite=True)
    print(f"results written to {path}")
    for demand in (2, 4):
        shares = result.sel({"japan.demand": demand}).outcome_shares()
        deal = 1.0 - shares.get("no deal", 0.0)
        print(f"Japan demands {demand} islands: a deal at {deal:.1%} of the points")


if __name__ == "__main__":
    main()

"""Parameter sweeps: a scenario solved over grids or samples of its parameters.

The package is split along the steps of a sweep:

:mod:`kurilsim.sweeps.design`
    the points: grids and random or Latin-hypercube samples, checked against
    the scenario before any work;
:mod:`kurilsim.sweeps.evaluate`
    one chunk of points: the concept's vectorised kernel, or point by point;
:mod:`kurilsim.sweeps.checkpoint`
    finished chunks saved to disk, resumed safely; the same directory is a
    result store (``sweep(..., in_memory=False)``, :func:`load_result`);
:mod:`kurilsim.sweeps.run`
    the entry point :func:`sweep`: chunks, workers, progress;
:mod:`kurilsim.sweeps.result`
    :class:`SweepResult` and its CSV output.
"""

from kurilsim.sweeps.checkpoint import load_result
from kurilsim.sweeps.design import DEFAULT_MAX_POINTS
from kurilsim.sweeps.evaluate import FAST_CONCEPTS
from kurilsim.sweeps.result import CSV_BLOCK_SIZE, ERROR, SweepResult, check_csv_path
from kurilsim.sweeps.run import FAST_CHUNK_SIZE, SLOW_CHUNK_SIZE, process_pool, sweep

__all__ = [
    "CSV_BLOCK_SIZE",
    "DEFAULT_MAX_POINTS",
    "ERROR",
    "FAST_CHUNK_SIZE",
    "FAST_CONCEPTS",
    "SLOW_CHUNK_SIZE",
    "SweepResult",
    "check_csv_path",
    "load_result",
    "process_pool",
    "sweep",
]

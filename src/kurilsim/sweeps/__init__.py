"""Parameter sweeps: every concept over grids and samples of scenario parameters."""

from kurilsim.sweeps._sweep import (
    CSV_BLOCK_SIZE,
    DEFAULT_MAX_POINTS,
    ERROR,
    FAST_CONCEPTS,
    SweepResult,
    check_csv_path,
    process_pool,
    sweep,
)

__all__ = [
    "CSV_BLOCK_SIZE",
    "DEFAULT_MAX_POINTS",
    "ERROR",
    "FAST_CONCEPTS",
    "SweepResult",
    "check_csv_path",
    "process_pool",
    "sweep",
]

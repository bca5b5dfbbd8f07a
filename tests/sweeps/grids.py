"""Grids shared by the sweep tests (results in memory, on disk, labelled)."""

from __future__ import annotations

from typing import Any

import numpy as np

#: A small grid of the headline's three parameters (42 points).
GRID: dict[str, Any] = {
    "japan.demand": [2, 4],
    "russia.security_weight": np.linspace(0.0, 3.0, 7),
    "russia.pledge_credibility": [0.0, 0.5, 1.0],
}

#: Some points overflow: the solver raises there, on both paths.
ERROR_GRID: dict[str, Any] = {
    "japan.territory_value": [1.0, 1.7e308, 0.5],
    "japan.treaty_value": [0.2, 1.7e308],
    "russia.security_weight": [0.0, 1.5, 3.0],
}

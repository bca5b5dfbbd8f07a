"""File formats: Gambit's ``.nfg`` for games, TOML for scenarios."""

from kurilsim.io.nfg import read_nfg, write_nfg
from kurilsim.io.scenario_toml import (
    list_scenarios,
    load_scenario,
    scenario_to_dict,
    scenario_to_toml,
)

__all__ = [
    "list_scenarios",
    "load_scenario",
    "read_nfg",
    "scenario_to_dict",
    "scenario_to_toml",
    "write_nfg",
]

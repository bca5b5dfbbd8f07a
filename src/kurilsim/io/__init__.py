"""File formats: Gambit's ``.nfg`` for games, TOML for scenarios."""

from kurilsim.io.nfg import read_nfg, write_nfg
from kurilsim.io.scenario_toml import (
    read_scenario,
    scenario_from_dict,
    scenario_from_toml,
    scenario_to_dict,
    scenario_to_toml,
)

__all__ = [
    "read_nfg",
    "read_scenario",
    "scenario_from_dict",
    "scenario_from_toml",
    "scenario_to_dict",
    "scenario_to_toml",
    "write_nfg",
]

"""File formats: Gambit's ``.nfg`` and ``.efg`` for games, TOML for scenarios."""

from kurilsim.io.efg import from_efg, read_efg, to_efg, write_efg
from kurilsim.io.nfg import read_nfg, write_nfg
from kurilsim.io.scenario_toml import (
    read_scenario,
    scenario_from_dict,
    scenario_from_toml,
    scenario_to_dict,
    scenario_to_toml,
)

__all__ = [
    "from_efg",
    "read_efg",
    "read_nfg",
    "read_scenario",
    "scenario_from_dict",
    "scenario_from_toml",
    "scenario_to_dict",
    "scenario_to_toml",
    "to_efg",
    "write_efg",
    "write_nfg",
]

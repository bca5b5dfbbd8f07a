"""Games: normal-form games, sequential games and games built from scenarios."""

from kurilsim.games import payoffs
from kurilsim.games.normal_form import NormalFormGame, Profile
from kurilsim.games.sequential import Chance, Decision, SequentialGame, Terminal

__all__ = [
    "Chance",
    "Decision",
    "NormalFormGame",
    "Profile",
    "SequentialGame",
    "Terminal",
    "payoffs",
]

"""Games: normal-form games, sequential and extensive games, and games built
from scenarios."""

from kurilsim.games import payoffs
from kurilsim.games.extensive import Choice, ExtensiveFormGame
from kurilsim.games.normal_form import NormalFormGame, Profile
from kurilsim.games.sequential import Chance, Decision, SequentialGame, Terminal
from kurilsim.games.signalling import SignallingGame

__all__ = [
    "Chance",
    "Choice",
    "Decision",
    "ExtensiveFormGame",
    "NormalFormGame",
    "Profile",
    "SequentialGame",
    "SignallingGame",
    "Terminal",
    "payoffs",
]

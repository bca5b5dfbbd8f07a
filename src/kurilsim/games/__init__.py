"""Games: normal-form games (and, later, sequential games and bargaining problems)."""

from kurilsim.games.normal_form import NormalFormGame, Profile

__all__ = ["NormalFormGame", "Profile"]

"""Finite n-player games in strategic (normal) form."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import finite_real
from kurilsim._errors import (
    InvalidGameError,
    InvalidProfileError,
)
from kurilsim.games.payoffs import deviation_gains, deviation_payoffs, gains_exceed

if TYPE_CHECKING:
    import nashpy
    import pygambit
    import quantecon.game_theory

__all__ = ["NormalFormGame", "Profile", "gains_exceed"]

#: A mixed-strategy profile: one probability vector per player.
Profile = tuple[NDArray[np.float64], ...]

#: Default relative tolerance of equilibrium checks (multiplied by the payoff range).
DEFAULT_TOL = 1e-9

#: Machine epsilon of float64 (2**-52).
EPS = float(np.finfo(np.float64).eps)

#: Integers up to this magnitude are exactly float64 values.
_EXACT_INT_LIMIT = 2**53


@dataclass(frozen=True, slots=True, eq=False)
class NormalFormGame:
    """An immutable finite game in strategic form with any number of players.

    Parameters
    ----------
    payoffs : sequence of array_like, or array_like
        One payoff array per player, all of the same shape ``(m_1, ..., m_n)``:
        entry ``[s_1, ..., s_n]`` of array ``i`` is player ``i``'s payoff when
        player ``k`` plays pure strategy ``s_k``.  A single array of shape
        ``(n, m_1, ..., m_n)`` is accepted too.  Two shorthands (see Notes):
        ``NormalFormGame(A, B)`` -- the players' arrays as separate
        arguments -- and ``NormalFormGame(A)`` with one 2-D matrix ``A``,
        the two-player zero-sum game ``[A, -A]``.  The payoffs are stored as
        float64; exact numbers that float64 rounds (Python ints beyond
        ``2**53``, :class:`fractions.Fraction`, :class:`decimal.Decimal`)
        are also kept as given, in :attr:`exact_payoffs`.
    *more_payoffs : array_like
        The payoff arrays of players 2, 3, ... when each player's array is
        passed as its own argument (``payoffs`` is then player 1's array).
    players : sequence of str, optional
        Player names (default ``"Player 1"``, ``"Player 2"``, ...).
    strategies : sequence of sequence of str, optional
        Strategy labels per player (default ``"s0"``, ``"s1"``, ...).

    Raises
    ------
    InvalidGameError
        If the arrays have different shapes, the wrong number of dimensions,
        an empty strategy set, non-numeric or non-finite entries, or the names
        and labels do not match the shape.

    See Also
    --------
    kurilsim.solve_nash : equilibria of a game.

    Notes
    -----
    How the positional arguments are read:

    1. Two or more arguments, ``NormalFormGame(A_1, ..., A_n)``: one payoff
       array per player, each with ``n`` axes (``NormalFormGame(A, B)`` for a
       bimatrix game, as in nashpy).
    2. One argument ``P`` with ``k`` items (``len(P)``; the rows of an array)
       whose first item has ``k`` axes: the list of the ``k`` players' payoff
       arrays (``[A, B]``, or an array of shape ``(k, m_1, ..., m_k)``).
    3. One argument whose first item has one axis and ``k >= 2`` items: a
       2-D matrix ``A`` (a nested list such as ``[[1, -1], [-1, 1]]`` or a
       2-D array), the row player's payoffs of the two-player zero-sum game
       with column payoffs ``-A`` (negated exactly, so exact payoffs stay
       exact).
    4. Anything else raises :class:`InvalidGameError` naming what was given
       and these forms.

    A matrix with a single row, ``[[u_1, ..., u_m]]``, matches rule 2 first:
    it is the one-player game with payoffs ``u``; write the ``1 x m``
    zero-sum game as ``NormalFormGame(A, -A)``.

    Examples
    --------
    Matching pennies, zero-sum, and a bimatrix game from two matrices:

    >>> from kurilsim import NormalFormGame
    >>> pennies = NormalFormGame([[1, -1], [-1, 1]])
    >>> pennies.payoffs[1]
    array([[-1.,  1.],
           [ 1., -1.]])
    >>> pennies.is_zero_sum
    True
    >>> NormalFormGame([[3, 0], [5, 1]], [[3, 5], [0, 1]]).shape
    (2, 2)

    The prisoner's dilemma (strategies: cooperate, defect):

    >>> import numpy as np
    >>> from kurilsim import NormalFormGame
    >>> A = np.array([[3, 0], [5, 1]])
    >>> game = NormalFormGame([A, A.T], strategies=[["C", "D"], ["C", "D"]])
    >>> game.shape
    (2, 2)
    >>> profile = ([0.0, 1.0], [0.0, 1.0])
    >>> game.expected_payoffs(profile)
    array([1., 1.])
    >>> game.is_nash(profile)
    True
    >>> game.regret(([1.0, 0.0], [1.0, 0.0]))
    2.0
    """

    payoffs: tuple[NDArray[np.float64], ...]
    _: KW_ONLY
    players: tuple[str, ...] = ()
    strategies: tuple[tuple[str, ...], ...] = ()
    # The exact payoffs, kept only when float64 rounded some of them.  An init
    # field so that ``dataclasses.replace`` carries it to the copy (where it is
    # kept only if the copy has the very same float payoffs).
    _exact: _ExactCopy | None = field(default=None, repr=False)
    _ranges: NDArray[np.float64] = field(init=False, repr=False)
    _centred: tuple[NDArray[np.float64], ...] = field(init=False, repr=False)
    _exact_cache: tuple[NDArray[Any], ...] | None = field(init=False, repr=False)

    def __init__(
        self,
        payoffs: Sequence[ArrayLike] | ArrayLike,
        *more_payoffs: ArrayLike,
        players: Sequence[str] | None = None,
        strategies: Sequence[Sequence[str]] | None = None,
        _exact: _ExactCopy | None = None,
    ) -> None:
        exact: tuple[NDArray[Any], ...] | None
        if _exact is not None and payoffs is _exact.floats and not more_payoffs:
            # a copy of a game (dataclasses.replace, transpose): its floats
            # were validated and its exact copy belongs to them
            arrays, exact = _exact.floats, _exact.values
            bounds = [(float(a.min()), float(a.max())) for a in arrays]
        else:
            arrays, exact, bounds = _validate_payoffs(
                _payoff_list(payoffs, more_payoffs)
            )
        shape = arrays[0].shape
        n = len(arrays)
        if players is None:
            names = tuple(f"Player {i + 1}" for i in range(n))
        else:
            if (
                isinstance(players, str)
                or not isinstance(players, Sequence | np.ndarray)
                or len(players) != n
            ):
                raise InvalidGameError(
                    f"players must name each of the {n} players, got {players!r}"
                )
            names = tuple(str(p) for p in players)
            if len(set(names)) != n:
                raise InvalidGameError(f"player names must be distinct, got {names!r}")
        if strategies is None:
            labels = tuple(tuple(f"s{k}" for k in range(m)) for m in shape)
        else:
            if (
                isinstance(strategies, str)
                or not isinstance(strategies, Sequence | np.ndarray)
                or len(strategies) != n
                or any(
                    isinstance(row, str) or not isinstance(row, Sequence | np.ndarray)
                    for row in strategies
                )
            ):
                raise InvalidGameError(
                    f"strategies must give one label list per player ({n}), "
                    f"got {strategies!r:.200}"
                )
            labels = tuple(tuple(str(s) for s in row) for row in strategies)
            for i, (row, m) in enumerate(zip(labels, shape, strict=True)):
                if len(row) != m:
                    raise InvalidGameError(
                        f"player {i} has {m} strategies but {len(row)} labels: {row!r}"
                    )
                if len(set(row)) != m:
                    raise InvalidGameError(
                        f"strategy labels of player {i} must be distinct, got {row!r}"
                    )
        lows = [low for low, _ in bounds]
        highs = [high for _, high in bounds]
        with np.errstate(over="ignore"):
            spans = np.array(highs) - np.array(lows)
        if not np.all(np.isfinite(spans)):
            bad = int(np.flatnonzero(~np.isfinite(spans))[0])
            raise InvalidGameError(
                f"the payoffs of player {bad} span more than the largest float "
                f"({lows[bad]} to {highs[bad]}); rescale them"
            )
        ranges = readonly(np.where(spans > 0, spans, 1.0))
        # Each player's payoffs minus their minimum: every entry is rounded
        # once (relative error <= eps/2 of at most the range), so the
        # recentred game differs from the given one by at most eps * range,
        # however large the payoffs' magnitude (shift invariance).
        centred = tuple(
            a if low == 0.0 else readonly(a - low)
            for a, low in zip(arrays, lows, strict=True)
        )
        object.__setattr__(self, "payoffs", arrays)
        object.__setattr__(self, "players", names)
        object.__setattr__(self, "strategies", labels)
        object.__setattr__(
            self, "_exact", None if exact is None else _ExactCopy(arrays, exact)
        )
        object.__setattr__(self, "_ranges", ranges)
        object.__setattr__(self, "_centred", centred)
        object.__setattr__(self, "_exact_cache", exact)

    # ------------------------------------------------------------------ shape
    @property
    def n_players(self) -> int:
        """Number of players."""
        return len(self.payoffs)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of pure strategies of each player."""
        return tuple(self.payoffs[0].shape)

    @property
    def payoff_ranges(self) -> NDArray[np.float64]:
        """Each player's payoff spread ``max - min`` (1.0 for a constant payoff).

        Equilibrium checks compare player ``i``'s gain from deviating with
        ``tol * payoff_ranges[i]``, so answers do not change when one player's
        payoffs are rescaled (a positive affine transform).
        """
        return self._ranges

    @property
    def payoff_range(self) -> float:
        """The largest of :attr:`payoff_ranges`."""
        return float(self._ranges.max())

    @property
    def centred_payoffs(self) -> tuple[NDArray[np.float64], ...]:
        """Each player's payoffs minus that player's smallest payoff (read-only).

        Subtracting a constant from a player's payoffs changes no deviation
        gain, so gains are computed from these: their rounding error is
        relative to the payoff *range*, not to the payoffs' magnitude
        (``1e19 + k`` and ``k`` give the same gains).  Each entry is one
        correctly rounded subtraction, within ``eps / 2 * range`` of the
        exact difference.
        """
        return self._centred

    @property
    def resolution(self) -> NDArray[np.float64]:
        """Per player, a bound on the rounding error of a computed deviation gain.

        A deviation payoff is a convex combination of the (recentred)
        payoffs, contracted one opponent at a time, and a gain the
        difference of two such numbers, so its rounding error is at most
        about ``(sum(shape) + 2) * eps * payoff_ranges[i]``
        (``eps = 2**-52``).  Gains below this cannot be told apart from
        zero in float64; equilibrium tolerances ``tol * payoff_ranges``
        must exceed it.

        Examples
        --------
        >>> from kurilsim import NormalFormGame
        >>> game = NormalFormGame([[[1, 0], [0, 1]], [[0, 2], [2, 0]]])
        >>> [f"{r:.2g}" for r in game.resolution]
        ['1.3e-15', '2.7e-15']
        """
        return readonly((sum(self.shape) + 2) * EPS * self._ranges)

    @property
    def is_zero_sum(self) -> bool:
        """Whether the payoffs sum to the same constant in every cell."""
        total = np.sum(np.stack(self.payoffs), axis=0)
        return bool(np.ptp(total) <= 1e-12 * self.payoff_range)

    # --------------------------------------------------------- exact values
    @property
    def is_float_exact(self) -> bool:
        """Whether :attr:`payoffs` (float64) equal the payoffs as given.

        ``False`` when some payoff was given exactly (a Python ``int``,
        :class:`fractions.Fraction`, :class:`decimal.Decimal` or a numpy
        integer beyond ``2**53``) and float64 rounded it; the game then
        keeps the given values in :attr:`exact_payoffs`.

        Examples
        --------
        >>> from fractions import Fraction
        >>> from kurilsim import NormalFormGame
        >>> NormalFormGame([[[1, 2]], [[0, Fraction(1, 2)]]]).is_float_exact
        True
        >>> NormalFormGame([[[1, 2]], [[0, Fraction(1, 3)]]]).is_float_exact
        False
        >>> NormalFormGame([[[10**19, 10**19 + 1]], [[0, 0]]]).is_float_exact
        False
        """
        return self._exact is None

    @property
    def exact_payoffs(self) -> tuple[NDArray[Any], ...]:
        """The payoffs as exact rationals: one read-only object array of
        :class:`fractions.Fraction` per player.

        The values given to the constructor when float64 rounded some of
        them (:attr:`is_float_exact` is ``False``); otherwise the exact
        values of the float payoffs (every float64 is a rational), built on
        first use and cached.  ``solve_nash(..., exact=True)`` solves the
        game these define; the float methods and :meth:`regret`,
        :meth:`is_nash` and friends compute with :attr:`payoffs`.

        Examples
        --------
        >>> from fractions import Fraction
        >>> from kurilsim import NormalFormGame
        >>> game = NormalFormGame([[[Fraction(1, 3), 10**19 + 1]], [[0, 0]]])
        >>> game.payoffs[0]
        array([[3.33333333e-01, 1.00000000e+19]])
        >>> [str(v) for v in game.exact_payoffs[0].ravel()]
        ['1/3', '10000000000000000001']
        """
        cached = self._exact_cache
        if cached is None:
            cached = tuple(_fractions_of_floats(a) for a in self.payoffs)
            object.__setattr__(self, "_exact_cache", cached)
        return cached

    # ------------------------------------------------------------- equality
    def __eq__(self, other: object) -> bool:
        """Same players, labels and payoffs (the exact ones if either game
        keeps exact payoffs)."""
        if not isinstance(other, NormalFormGame):
            return NotImplemented
        if not (
            self.players == other.players
            and self.strategies == other.strategies
            and self.shape == other.shape
            and all(
                np.array_equal(a, b)
                for a, b in zip(self.payoffs, other.payoffs, strict=True)
            )
        ):
            return False
        if self._exact is None and other._exact is None:
            return True
        return all(
            bool(np.all(a == b))
            for a, b in zip(self.exact_payoffs, other.exact_payoffs, strict=True)
        )

    def __hash__(self) -> int:
        return hash(
            (self.players, self.strategies, tuple(a.tobytes() for a in self.payoffs))
        )

    def __repr__(self) -> str:
        dims = "×".join(str(m) for m in self.shape)
        exact = "" if self._exact is None else ", exact payoffs"
        return f"NormalFormGame({dims}, players={list(self.players)!r}{exact})"

    # ----------------------------------------------------------- profiles
    def validate_profile(self, profile: Sequence[ArrayLike], *, tol: float = 1e-9) -> Profile:
        """Return ``profile`` as a tuple of float arrays after checking it.

        Parameters
        ----------
        profile : sequence of array_like
            One probability vector per player.
        tol : float
            Allowed deviation of each vector from the probability simplex.

        Raises
        ------
        InvalidProfileError
            If the number of vectors or their lengths do not match the game, or
            a vector has negative, non-finite entries or does not sum to one.
        """
        if isinstance(profile, str | bytes) or not isinstance(profile, Sequence | np.ndarray):
            raise InvalidProfileError(
                f"a profile must be a sequence of one probability vector per player "
                f"({self.n_players}), got {type(profile).__name__} {profile!r:.80}"
            )
        if len(profile) != self.n_players:
            raise InvalidProfileError(
                f"a profile needs one strategy per player ({self.n_players}), "
                f"got {len(profile)}"
            )
        out = []
        for i, (sigma, m) in enumerate(zip(profile, self.shape, strict=True)):
            try:
                vec = np.asarray(sigma, dtype=np.float64)
            except (TypeError, ValueError):
                raise InvalidProfileError(
                    f"strategy of player {i} must be a vector of {m} probabilities, "
                    f"got {sigma!r:.80}"
                ) from None
            if vec.shape != (m,):
                raise InvalidProfileError(
                    f"strategy of player {i} must have shape ({m},), got {vec.shape}"
                )
            if not np.all(np.isfinite(vec)):
                raise InvalidProfileError(
                    f"strategy of player {i} has non-finite entries: {vec!r}"
                )
            if vec.min() < -tol or abs(vec.sum() - 1.0) > tol * m + tol:
                raise InvalidProfileError(
                    f"strategy of player {i} is not a probability vector "
                    f"(min {vec.min():.3g}, sum {vec.sum():.12g}): {vec!r}"
                )
            out.append(vec)
        return tuple(out)

    def deviation_payoffs(self, profile: Sequence[ArrayLike]) -> Profile:
        """Payoff of each pure strategy of each player against the others' mix.

        Returns
        -------
        tuple of ndarray
            Entry ``i`` has shape ``(m_i,)``: player ``i``'s expected payoff of
            each of its pure strategies when the others play ``profile``.
        """
        sigma = self.validate_profile(profile)
        return deviation_payoffs(self.payoffs, sigma)

    def expected_payoffs(self, profile: Sequence[ArrayLike]) -> NDArray[np.float64]:
        """Expected payoff of each player under the mixed profile ``profile``."""
        sigma = self.validate_profile(profile)
        dev = deviation_payoffs(self.payoffs, sigma)
        return np.array([d @ s for d, s in zip(dev, sigma, strict=True)])

    def regret(self, profile: Sequence[ArrayLike]) -> float:
        """Largest gain any player gets from a unilateral deviation (≥ 0).

        A profile is a Nash equilibrium exactly when its regret is zero; the
        ``epsilon`` of an epsilon-equilibrium is its regret.
        """
        return float(self.gains(profile).max())

    def gains(self, profile: Sequence[ArrayLike]) -> NDArray[np.float64]:
        """Each player's gain from its best unilateral deviation (≥ 0)."""
        sigma = self.validate_profile(profile)
        return deviation_gains(self._centred, sigma)

    def is_nash(self, profile: Sequence[ArrayLike], *, tol: float = DEFAULT_TOL) -> bool:
        """Whether ``profile`` is a Nash equilibrium up to a relative tolerance.

        Parameters
        ----------
        profile : sequence of array_like
            One probability vector per player.
        tol : float, default 1e-9
            Relative tolerance: player ``i`` may gain at most
            ``tol * self.payoff_ranges[i]`` by deviating (the rule of
            :func:`gains_exceed`, the one every solver uses).
        """
        checked = finite_real(tol)
        if checked is None or checked < 0:
            raise InvalidProfileError(f"tol must be a non-negative number, got {tol!r}")
        return not bool(np.any(gains_exceed(self.gains(profile), tol * self._ranges)))

    def pure_profile(self, actions: Sequence[int]) -> Profile:
        """The mixed profile that plays pure strategy ``actions[i]`` for player i."""
        if isinstance(actions, str | bytes) or not isinstance(actions, Sequence | np.ndarray):
            raise InvalidProfileError(
                f"actions must be a sequence of one pure strategy index per player "
                f"({self.n_players}), got {actions!r:.80}"
            )
        if len(actions) != self.n_players:
            raise InvalidProfileError(
                f"need one action per player ({self.n_players}), got {actions!r}"
            )
        out: list[NDArray[np.float64]] = []
        for i, (a, m) in enumerate(zip(actions, self.shape, strict=True)):
            if not isinstance(a, (int, np.integer)) or not 0 <= int(a) < m:
                raise InvalidProfileError(
                    f"action of player {i} must be an integer in [0, {m}), got {a!r}"
                )
            vec = np.zeros(m)
            vec[int(a)] = 1.0
            out.append(vec)
        return tuple(out)

    # ---------------------------------------------------------- transforms
    def transpose(self) -> NormalFormGame:
        """The same game with the order of the players reversed.

        For two players this swaps the row and the column player.  Exact
        payoffs (:attr:`exact_payoffs`) are carried over.
        """
        n = self.n_players
        axes = tuple(range(n - 1, -1, -1))
        floats = tuple(readonly(np.transpose(a, axes)) for a in reversed(self.payoffs))
        exact = None
        if self._exact is not None:
            values = tuple(
                readonly(np.transpose(a, axes)) for a in reversed(self._exact.values)
            )
            exact = _ExactCopy(floats, values)
        return NormalFormGame(
            floats,
            players=self.players[::-1],
            strategies=self.strategies[::-1],
            _exact=exact,
        )

    # ---------------------------------------------------------- interchange
    @classmethod
    def from_nfg(cls, source: str | os.PathLike[str]) -> NormalFormGame:
        """Read a game from Gambit's ``.nfg`` format (a path or the text).

        Both the payoff and the outcome version are read; see
        :func:`kurilsim.io.nfg.read_nfg`.  Malformed input raises
        :class:`InvalidGameError` naming the line.
        """
        from kurilsim.io.nfg import read_nfg

        return read_nfg(source)

    def to_nfg(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        title: str = "",
        outcome_version: bool = False,
    ) -> str:
        """This game in Gambit's ``.nfg`` format; also written to ``path`` if given.

        See :func:`kurilsim.io.nfg.write_nfg`.
        """
        from kurilsim.io.nfg import write_nfg

        return write_nfg(self, path, title=title, outcome_version=outcome_version)

    def to_nashpy(self) -> nashpy.Game:
        """This two-player game as a :class:`nashpy.Game`.

        Raises
        ------
        ImportError
            If nashpy is not installed (``pip install 'kurilsim[peers]'``).
        InvalidGameError
            If the game does not have two players.
        """
        nashpy = _import_peer("nashpy")
        if self.n_players != 2:
            raise InvalidGameError(
                f"nashpy supports two-player games only; this game has "
                f"{self.n_players} players"
            )
        return nashpy.Game(np.array(self.payoffs[0]), np.array(self.payoffs[1]))

    @classmethod
    def from_nashpy(cls, game: nashpy.Game) -> NormalFormGame:
        """Build a game from a :class:`nashpy.Game` (its ``payoff_matrices``)."""
        try:
            matrices = game.payoff_matrices
        except AttributeError:
            raise InvalidGameError(
                f"expected a nashpy.Game with payoff_matrices, got {type(game).__name__}"
            ) from None
        return cls([np.asarray(m) for m in matrices])

    def to_quantecon(self) -> quantecon.game_theory.NormalFormGame:
        """This game as a QuantEcon :class:`quantecon.game_theory.NormalFormGame`.

        QuantEcon stores one payoff array per player with that player's own
        axis first and the others following cyclically (player ``i``'s array
        has axes ``i, i+1, ..., n-1, 0, ..., i-1``); the arrays are
        transposed accordingly.  QuantEcon has no player names or strategy
        labels, and its payoffs are float64 (:attr:`payoffs`; exact payoffs
        are rounded).

        Raises
        ------
        ImportError
            If quantecon is not installed (``pip install 'kurilsim[peers]'``).

        Examples
        --------
        >>> from kurilsim import NormalFormGame
        >>> game = NormalFormGame([[3, 0], [5, 1]], [[3, 5], [0, 1]])
        >>> qe_game = game.to_quantecon()  # doctest: +SKIP
        >>> qe_game.players[1].payoff_array  # doctest: +SKIP
        array([[3., 0.],
               [5., 1.]])
        """
        game_theory = _import_peer("quantecon.game_theory", "quantecon")
        n = self.n_players
        players = [
            game_theory.Player(
                np.ascontiguousarray(np.transpose(a, [(i + j) % n for j in range(n)]))
            )
            for i, a in enumerate(self.payoffs)
        ]
        return game_theory.NormalFormGame(players)

    @classmethod
    def from_quantecon(cls, game: quantecon.game_theory.NormalFormGame) -> NormalFormGame:
        """Build a game from a QuantEcon
        :class:`quantecon.game_theory.NormalFormGame` (any number of players).

        The inverse of :meth:`to_quantecon`: player ``i``'s QuantEcon payoff
        array (own axis first) is transposed back to axes ``0, ..., n-1``.
        Players and strategies get the default names.

        Raises
        ------
        InvalidGameError
            If ``game`` has no QuantEcon ``players`` with payoff arrays.
        """
        try:
            arrays = [np.asarray(p.payoff_array) for p in game.players]
        except (AttributeError, TypeError):
            raise InvalidGameError(
                f"expected a quantecon NormalFormGame with players holding "
                f"payoff_array, got {type(game).__name__}"
            ) from None
        n = len(arrays)
        return cls(
            [np.transpose(a, [(p - i) % n for p in range(n)]) for i, a in enumerate(arrays)]
        )

    def to_pygambit(self, *, title: str = "") -> pygambit.Game:
        """This game as a strategic-form :class:`pygambit.Game`.

        Player names and strategy labels are carried over.  Float payoffs
        are written as their shortest decimals (as in :meth:`to_nfg`), so
        ``0.1`` is Gambit's decimal ``0.1``; exact payoffs that float64
        rounds (:attr:`exact_payoffs`) are Gambit rationals.

        Parameters
        ----------
        title : str, optional
            The Gambit game's title (default: Gambit's own).

        Raises
        ------
        ImportError
            If pygambit is not installed (``pip install 'kurilsim[peers]'``).

        Examples
        --------
        >>> from fractions import Fraction
        >>> from kurilsim import NormalFormGame
        >>> game = NormalFormGame([[Fraction(1, 3), 0]], [[0, 1]],
        ...                       strategies=[["T"], ["L", "R"]])
        >>> g = game.to_pygambit()  # doctest: +SKIP
        >>> [s.label for s in g.strategies]  # doctest: +SKIP
        ['T', 'L', 'R']
        >>> NormalFormGame.from_pygambit(g) == game  # doctest: +SKIP
        True
        """
        gbt = _import_peer("pygambit")
        values = [_gambit_values(self, i) for i in range(self.n_players)]
        kwargs = {"title": title} if title else {}
        game = gbt.Game.from_arrays(*values, **kwargs)
        for player, name, labels in zip(
            game.players, self.players, self.strategies, strict=True
        ):
            player.label = name
            for strategy, label in zip(player.strategies, labels, strict=True):
                strategy.label = label
        return game

    @classmethod
    def from_pygambit(cls, game: pygambit.Game) -> NormalFormGame:
        """Build a game from a strategic-form :class:`pygambit.Game`.

        Player and strategy labels are kept (repeated labels are
        renamed as :meth:`from_nfg` does, e.g. ``a_1``, ``a_2``);
        Gambit rationals (and integers) are kept exactly, Gambit decimals
        are read as the nearest float (as :meth:`from_nfg` reads them); a
        contingency without an outcome pays 0.

        Raises
        ------
        InvalidGameError
            If ``game`` is not a pygambit game, or is an extensive-form game.
        """
        try:
            is_tree = game.is_tree
            players = list(game.players)
        except AttributeError:
            raise InvalidGameError(
                f"expected a pygambit.Game, got {type(game).__name__}"
            ) from None
        if is_tree:
            raise InvalidGameError(
                "from_pygambit reads strategic-form games; this pygambit game is an "
                "extensive-form tree (see kurilsim.io.efg for extensive games)"
            )
        shape = tuple(len(p.strategies) for p in players)
        payoffs = [np.empty(shape, dtype=object) for _ in players]
        for cell in np.ndindex(*shape):
            outcome = game[cell]
            for array, player in zip(payoffs, players, strict=True):
                array[cell] = 0 if outcome is None else _from_gambit_number(outcome[player])
        from kurilsim.io.nfg import gambit_distinct  # type: ignore[attr-defined]

        return cls(
            payoffs,
            players=gambit_distinct([str(p.label) for p in players], rename_empty=False),
            strategies=[
                gambit_distinct([str(s.label) for s in p.strategies], rename_empty=False)
                for p in players
            ],
        )


def _import_peer(module: str, package: str | None = None) -> Any:
    """Import an optional peer library, or say which extra installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        name = package or module
        raise ImportError(
            f"this conversion needs {name}, which is not installed; install it with "
            f"pip install 'kurilsim[peers]'"
        ) from exc


def _gambit_values(game: NormalFormGame, i: int) -> NDArray[Any]:
    """Player ``i``'s payoffs as numbers pygambit reads exactly: ints for
    integral values, shortest decimal text for other floats, ``Fraction``
    for exact payoffs float64 rounds."""
    floats = game.payoffs[i]
    exact = None if game.is_float_exact else game.exact_payoffs[i]
    out = np.empty(floats.shape, dtype=object)
    for cell, f in np.ndenumerate(floats):
        value = float(f)
        q = None if exact is None else exact[cell]
        if q is not None and Fraction(value) != q:
            out[cell] = q  # a Gambit rational
        elif value.is_integer():
            out[cell] = int(value)  # exact (Gambit reads no positive exponents)
        else:
            out[cell] = repr(value)  # shortest decimal: 0.1, 2.5e-07
    return out


def _from_gambit_number(value: Any) -> Any:
    """A pygambit payoff: rationals exactly, decimals as the nearest float."""
    if isinstance(value, Fraction):  # pygambit.Rational subclasses Fraction
        return Fraction(value)
    return float(value)


class _ExactCopy:
    """A game's exact payoffs, tied to the float arrays they belong to."""

    __slots__ = ("floats", "values")

    def __init__(
        self, floats: tuple[NDArray[np.float64], ...], values: tuple[NDArray[Any], ...]
    ) -> None:
        self.floats = floats
        self.values = values


#: The accepted forms of the payoffs, for error messages.
_FORMS = (
    "accepted: a list of n payoff arrays with n axes each ([A, B] for two "
    "players, or one array of shape (n, m_1, ..., m_n)), the arrays as separate "
    "arguments (NormalFormGame(A, B)), or one 2-D matrix A (the zero-sum game "
    "[A, -A])"
)


def _ndim(item: Any) -> int | None:
    """The number of axes of ``item`` as numpy reads it (``None`` if ragged)."""
    if isinstance(item, np.ndarray):
        return item.ndim
    try:
        return int(np.ndim(item))
    except (TypeError, ValueError):
        return None


def _describe(value: Any) -> str:
    """A short description of a payoff argument for error messages."""
    name = type(value).__name__
    name = f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"
    shape = getattr(value, "shape", None)
    if shape is None:
        try:
            shape = np.shape(value)
        except (TypeError, ValueError):
            shape = None
    if shape is not None:
        return f"{name} of shape {tuple(shape)}"
    try:
        items = list(value)
    except TypeError:
        return name
    shapes = []
    for item in items[:4]:
        d = _ndim(item)
        shapes.append("ragged" if d is None else str(np.shape(item)))
    more = ", ..." if len(items) > 4 else ""
    return f"{name} of {len(items)} items of shapes {', '.join(shapes)}{more}"


def _payoff_list(payoffs: Any, more: tuple[Any, ...]) -> Sequence[Any]:
    """The payoff arrays, one per player, from the constructor's positional
    arguments (the rules in :class:`NormalFormGame`'s Notes)."""
    if more:
        arrays = [payoffs, *more]
        n = len(arrays)
        for i, item in enumerate(arrays):
            d = _ndim(item)
            if d != n:
                got = "a ragged array" if d is None else f"{d} axes"
                raise InvalidGameError(
                    f"NormalFormGame(A_1, ..., A_n) takes one payoff array per "
                    f"player with one axis per player ({n}); argument {i + 1} has "
                    f"{got} ({_describe(item)}); {_FORMS}"
                )
        return arrays
    if isinstance(payoffs, str | bytes) or not hasattr(payoffs, "__len__"):
        raise InvalidGameError(
            f"payoffs must be payoff arrays, got {_describe(payoffs)}; {_FORMS}"
        )
    if isinstance(payoffs, np.ndarray) and payoffs.ndim == 0:
        raise InvalidGameError(f"payoffs must be payoff arrays, got a scalar array; {_FORMS}")
    k = len(payoffs)
    if k == 0:
        raise InvalidGameError("a game needs at least one player; got no payoff arrays")
    first = payoffs[0] if isinstance(payoffs, np.ndarray | Sequence) else next(iter(payoffs))
    d0 = _ndim(first)
    if d0 == k or d0 is None:  # the payoff list (rule 2; a ragged item is named there)
        return payoffs  # type: ignore[no-any-return]
    if d0 == 1 and k >= 2:  # a 2-D matrix: the zero-sum game (rule 3)
        return [payoffs, _negated(payoffs)]
    raise InvalidGameError(
        f"cannot read the payoffs: got {_describe(payoffs)}, whose first item has "
        f"{d0} axes (as the payoff list of "
        f"a {k}-player game each item needs {k} axes; a 2-D matrix has 1-D rows); "
        f"{_FORMS}"
    )


def _negated(matrix: Any) -> NDArray[Any]:
    """``-matrix``, exactly: integers and exact numbers are negated as Python
    objects (no int64 overflow, no rounding)."""
    try:
        raw = np.asarray(matrix)
    except (TypeError, ValueError):
        raw = None
    if raw is None or raw.ndim != 2:
        raise InvalidGameError(
            f"a zero-sum game needs one 2-D matrix, got {_describe(matrix)}; {_FORMS}"
        )
    kind = raw.dtype.kind
    if kind == "c":
        raise InvalidGameError("payoffs of player 0 must be real, got complex values")
    try:
        if kind == "f":
            negated: NDArray[Any] = -raw
        elif kind in "biuO":
            negated = np.negative(raw.astype(object))
        else:
            negated = -np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"payoffs of player 0 are not a numeric array: {exc}") from None
    return negated


def _validate_payoffs(
    payoffs: Sequence[ArrayLike] | NDArray[Any],
) -> tuple[
    tuple[NDArray[np.float64], ...],
    tuple[NDArray[Any], ...] | None,
    list[tuple[float, float]],
]:
    """The payoffs as read-only float64 arrays, their exact values (read-only
    object arrays of ``Fraction``) if converting to float64 changed any, and
    each array's ``(min, max)``."""
    if isinstance(payoffs, (str, bytes)) or not hasattr(payoffs, "__len__"):
        raise InvalidGameError(
            f"payoffs must be a sequence of arrays, one per player, got {type(payoffs).__name__}"
        )
    if isinstance(payoffs, np.ndarray):
        items: list[Any] = list(payoffs)
    else:
        items = list(payoffs)
    n = len(items)
    if n == 0:
        raise InvalidGameError("a game needs at least one player; got no payoff arrays")
    arrays = []
    ratios: list[list[Fraction | None] | None] = []
    bounds: list[tuple[float, float] | None] = []
    for i, item in enumerate(items):
        converted, given, known = _as_float(i, item)
        arrays.append(converted)
        ratios.append(given)
        bounds.append(known)
    shape = arrays[0].shape
    for i, arr in enumerate(arrays):
        if arr.ndim != n:
            raise InvalidGameError(
                f"with {n} payoff arrays each must have {n} dimensions (one per "
                f"player); array {i} has shape {arr.shape}"
            )
        if arr.shape != shape:
            raise InvalidGameError(
                f"payoff arrays must share one shape; array 0 has shape {shape}, "
                f"array {i} has shape {arr.shape}"
            )
    if 0 in shape:
        raise InvalidGameError(f"every player needs at least one strategy; shape is {shape}")
    extremes: list[tuple[float, float]] = []
    for i, (arr, known) in enumerate(zip(arrays, bounds, strict=True)):
        low, high = (float(arr.min()), float(arr.max())) if known is None else known
        extremes.append((low, high))
        if math.isfinite(low) and math.isfinite(high):
            continue  # (a NaN or infinity shows in the minimum or the maximum)
        bad = ~np.isfinite(arr)
        where = tuple(int(k) for k in np.argwhere(bad)[0])
        raise InvalidGameError(
            f"payoffs must be finite; player {i}'s payoff at {where} is {float(arr[where])}"
        )
    floats = tuple(readonly(a) for a in arrays)
    if all(r is None for r in ratios):
        return floats, None, extremes
    exact = tuple(
        _fractions_of_floats(a) if r is None else _fractions(a, r)
        for a, r in zip(floats, ratios, strict=True)
    )
    return floats, exact, extremes


# A player's float payoffs; their exact values, None where the value is the
# float (or None for all when none was rounded); their (min, max) if computed.
_Converted = tuple[
    NDArray[np.float64], list[Fraction | None] | None, tuple[float, float] | None
]


def _as_float(i: int, item: Any) -> _Converted:
    """Player ``i``'s payoffs as a new float64 array, and, if converting
    rounded any of them, every entry's exact value (``None`` where the
    entry's value is its float), and
    the array's ``(min, max)`` if they were computed.

    The common inputs (float arrays, integer arrays within ``2**53``, lists
    of such numbers) take one vectorised conversion; only object arrays
    (``Fraction``, ``Decimal``, Python ints beyond int64) and integers beyond
    ``2**53`` are looked at one by one.
    """
    try:
        raw = np.asarray(item)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"payoffs of player {i} are not a numeric array: {exc}") from None
    kind = raw.dtype.kind
    if kind == "c":
        raise InvalidGameError(f"payoffs of player {i} must be real, got complex values")
    fresh = isinstance(item, list | tuple)  # np.asarray made a new array
    if kind in "biu" or (kind == "f" and raw.dtype.itemsize <= 8):
        arr = raw.astype(np.float64, copy=not fresh)
        if (kind in "iu" or (kind == "f" and fresh)) and arr.size:
            # An integer beyond 2**53 may have been rounded (numpy also turns
            # a list [10**19 + 1, 0.5] into floats): look at the numbers.
            # Rounding is monotone, so such integers show in the extremes.
            low, high = float(arr.min()), float(arr.max())
            if high >= _EXACT_INT_LIMIT or low <= -_EXACT_INT_LIMIT:
                if kind == "f":
                    objects = np.array(item, dtype=object)
                    return _as_float_one_by_one(i, objects, objects.tolist())
                return _as_float_one_by_one(i, raw, raw.tolist())
            return arr, None, (low, high)
        return arr, None, None
    if kind in "fO":  # long double, or Python objects
        return _as_float_one_by_one(i, raw, raw.tolist())
    try:  # strings and other numpy types, as numpy converts them
        return np.array(item, dtype=np.float64), None, None
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"payoffs of player {i} are not a numeric array: {exc}") from None


def _as_float_one_by_one(i: int, raw: NDArray[Any], values: Any) -> _Converted:
    flat = list(_flatten(values, raw.ndim))
    out = np.empty(len(flat))
    exact: list[Fraction | None] = []
    rounded = False
    for k, v in enumerate(flat):
        if isinstance(v, complex | np.complexfloating):
            raise InvalidGameError(f"payoffs of player {i} must be real, got complex values")
        try:
            f = float(v)
        except OverflowError:
            where = tuple(int(t) for t in np.unravel_index(k, raw.shape))
            raise InvalidGameError(
                f"payoffs must be finite; player {i}'s payoff at {where} is "
                f"{v!s:.40} (beyond the float64 range)"
            ) from None
        except (TypeError, ValueError) as exc:
            raise InvalidGameError(
                f"payoffs of player {i} are not a numeric array: {exc}"
            ) from None
        out[k] = f
        q = _exact_number(v)
        exact.append(q)
        if (
            q is not None
            and math.isfinite(f)
            and f.as_integer_ratio() != (q.numerator, q.denominator)
        ):
            rounded = True
    return out.reshape(raw.shape), (exact if rounded else None), None


def _flatten(values: Any, ndim: int) -> Any:
    """The scalars of ``ndarray.tolist()`` output in C order."""
    if ndim == 0:
        yield values
        return
    for v in values:
        yield from _flatten(v, ndim - 1)


def _exact_number(value: Any) -> Fraction | None:
    """The exact value of an exact number (``int``, ``Fraction``,
    ``Decimal``, numpy integer, long double, other ``numbers.Rational``);
    ``None`` for floats and anything else whose value is taken to be its float."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool | np.bool_ | float):
        return None
    if isinstance(value, int | np.integer):
        return Fraction(int(value))
    if isinstance(value, Decimal):
        return Fraction(value) if value.is_finite() else None
    if isinstance(value, np.floating):
        if value.dtype.itemsize > 8 and np.isfinite(value):  # long double
            n, d = value.as_integer_ratio()
            return Fraction(int(n), int(d))
        return None
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    return None


def _fractions(
    floats: NDArray[np.float64], exact: Sequence[Fraction | None]
) -> NDArray[Any]:
    out = np.empty(floats.size, dtype=object)
    out[:] = [
        Fraction(f) if q is None else q
        for f, q in zip(floats.ravel().tolist(), exact, strict=True)
    ]
    return readonly(out.reshape(floats.shape))


def _fractions_of_floats(floats: NDArray[np.float64]) -> NDArray[Any]:
    out = np.empty(floats.size, dtype=object)
    out[:] = [Fraction(f) for f in floats.ravel().tolist()]
    return readonly(out.reshape(floats.shape))

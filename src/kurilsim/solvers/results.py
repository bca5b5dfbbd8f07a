"""Result types of the equilibrium solvers and the certification step.

Every solver result of kurilsim follows one contract, the
:class:`SolverResult` protocol: a read-only ``certificate`` (the error
measure that was checked), the ``tol`` it was checked against (a result is
*certified* when ``certificate <= tol``), a one-line ``message`` and the
``method`` that produced it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import KW_ONLY, dataclass
from fractions import Fraction
from typing import Any, NoReturn, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from kurilsim._errors import InvalidArgumentError, InvalidGameError, PrecisionError
from kurilsim.games.normal_form import EPS, NormalFormGame, Profile
from kurilsim.games.payoffs import deviation_payoffs_batch, gains_exceed
from kurilsim.solvers._numba import numba_disabled

__all__ = [
    "Equilibrium",
    "NashResult",
    "SolverResult",
    "certify",
    "certify_blocks",
    "certify_candidates",
    "certify_exact",
    "check_resolution",
    "rounding_errors",
    "smallest_differences",
]


@runtime_checkable
class SolverResult(Protocol):
    """What every solver result of kurilsim exposes: the result contract.

    The four attributes are read-only.  Each result type documents what its
    ``certificate`` measures; the rule is the same for all of them.

    Attributes
    ----------
    certificate : float
        The error measure the solver checked before returning, in the units
        of ``tol`` (for example the largest deviation gain relative to the
        payoff range, for Nash equilibria).  ``0.0`` means exact.
    tol : float
        The tolerance ``certificate`` was checked against: the result is
        *certified* when ``certificate <= tol``.  Solvers raise rather than
        return a result that fails its check.
    message : str
        A one-line human-readable account of the run.
    method : str
        The algorithm or solution concept that produced the result (the
        actual method, when ``"auto"`` chose one).

    Examples
    --------
    >>> from kurilsim import NormalFormGame, solve_nash
    >>> from kurilsim.solvers.results import SolverResult
    >>> result = solve_nash(NormalFormGame([[[1, 0], [0, 1]], [[1, 0], [0, 1]]]))
    >>> isinstance(result, SolverResult)
    True
    >>> result.method, result.certificate <= result.tol
    ('vertex', True)
    """

    @property
    def certificate(self) -> float: ...

    @property
    def tol(self) -> float: ...

    @property
    def message(self) -> str: ...

    @property
    def method(self) -> str: ...


@dataclass(frozen=True, slots=True, eq=False)
class Equilibrium:
    """A certified (mixed) Nash equilibrium.

    Attributes
    ----------
    strategies : tuple of ndarray
        One read-only probability vector per player.
    payoffs : ndarray
        Each player's expected payoff.
    regret : float
        The largest gain any player gets from a unilateral deviation: the
        profile is a ``regret``-equilibrium.  Solvers only return profiles in
        which each player ``i`` gains at most ``tol * game.payoff_ranges[i]``.

    Notes
    -----
    With ``solve_nash(..., exact=True)`` the strategies and payoffs are
    read-only object arrays of :class:`fractions.Fraction` and ``regret`` is
    ``Fraction(0)``.
    """

    strategies: Profile
    _: KW_ONLY
    payoffs: NDArray[np.float64]
    regret: float | Fraction
    #: Strategy labels per player, shown by ``repr`` (empty: none); set by
    #: :meth:`labelled`.  Not part of equality or the hash.
    labels: tuple[tuple[str, ...], ...] = ()

    def labelled(self, game: NormalFormGame) -> Equilibrium:
        """This equilibrium with ``game``'s strategy labels for its ``repr``.

        Labels are kept only when the game names its strategies (not the
        default ``s0``, ``s1``, ...).

        Examples
        --------
        >>> from kurilsim import NormalFormGame, solve_nash
        >>> pd = NormalFormGame([[3, 0], [5, 1]], [[3, 5], [0, 1]],
        ...                     strategies=[["C", "D"], ["C", "D"]])
        >>> solve_nash(pd).equilibria[0].labelled(pd)
        Equilibrium(({D: 1}, {D: 1}), payoffs=[1., 1.], regret=0)
        """
        from kurilsim.games.normal_form import NormalFormGame

        if not isinstance(game, NormalFormGame):
            raise InvalidGameError(
                f"labelled() needs the NormalFormGame this equilibrium belongs to, got "
                f"{type(game).__name__}"
            )
        shape = tuple(len(s) for s in self.strategies)
        if game.shape != shape:
            raise InvalidGameError(
                f"labelled() got a game of shape {game.shape} for an equilibrium of "
                f"shape {shape}"
            )
        default = tuple(tuple(f"s{k}" for k in range(m)) for m in game.shape)
        if game.strategies == default:
            return self
        return Equilibrium(
            self.strategies, payoffs=self.payoffs, regret=self.regret, labels=game.strategies
        )

    @property
    def is_pure(self) -> bool:
        """Whether every player plays one strategy with probability one."""
        return all(np.count_nonzero(s) == 1 for s in self.strategies)

    @property
    def support(self) -> tuple[tuple[int, ...], ...]:
        """Indices of the strategies each player plays with positive probability."""
        return tuple(tuple(int(k) for k in np.flatnonzero(s)) for s in self.strategies)

    def isclose(
        self, other: Equilibrium | Sequence[NDArray[np.float64]], *, atol: float = 1e-7
    ) -> bool:
        """Whether ``other`` has the same strategies up to ``atol`` per entry."""
        theirs = other.strategies if isinstance(other, Equilibrium) else other
        return len(theirs) == len(self.strategies) and all(
            np.shape(a) == np.shape(b)
            and np.allclose(
                np.asarray(a, dtype=np.float64),
                np.asarray(b, dtype=np.float64),
                rtol=0.0,
                atol=atol,
            )
            for a, b in zip(self.strategies, theirs, strict=True)
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Equilibrium):
            return NotImplemented
        return all(
            np.array_equal(a, b)
            for a, b in zip(self.strategies, other.strategies, strict=True)
        ) and len(self.strategies) == len(other.strategies)

    def __hash__(self) -> int:
        if any(s.dtype == object for s in self.strategies):  # exact (Fraction) entries
            return hash(tuple(tuple(s.tolist()) for s in self.strategies))
        return hash(tuple(s.tobytes() for s in self.strategies))

    def __repr__(self) -> str:
        exact = self.payoffs.dtype == object
        formatter = {"all": str} if exact else None
        strategies = ", ".join(
            np.array2string(s, precision=4, separator=", ", formatter=formatter)  # type: ignore[arg-type]
            for s in self.strategies
        )
        payoffs = np.array2string(
            self.payoffs, precision=4, separator=", ", formatter=formatter  # type: ignore[arg-type]
        )
        regret = str(self.regret) if exact else f"{self.regret:.2g}"
        if self.labels:  # the support only, at most 6 strategies per player
            parts = []
            for s, names in zip(self.strategies, self.labels, strict=True):
                shown = [f"{names[k]}: {s[k] if exact else f'{s[k]:.4g}'}"
                         for k in np.flatnonzero(s)]
                extra = f", ... (+{len(shown) - 6})" if len(shown) > 6 else ""
                parts.append("{" + ", ".join(shown[:6]) + extra + "}")
            strategies = ", ".join(parts)
        return f"Equilibrium(({strategies}), payoffs={payoffs}, regret={regret})"

    def _html_rows(self) -> list[list[object]]:
        """One row per player: its strategy (the support, with probabilities
        and labels where the equilibrium has them) and its payoff."""
        from kurilsim._html import Html, join

        rows: list[list[object]] = []
        for player, strategy in enumerate(self.strategies):
            names = self.labels[player] if self.labels else ()
            played = [
                join([names[k] if names else f"s{k}", ": ", strategy[k]])
                for k in np.flatnonzero(strategy)
            ]
            if len(played) > 8:  # a compact table: the first 8 of a wide support
                played = [*played[:8], join([f"... (+{len(played) - 8})"])]
            rows.append([f"player {player}", Html(join(played, ", ")),
                         self.payoffs[player]])
        return rows

    def _repr_html_(self) -> str:
        """The equilibrium as an HTML table for notebooks: each player's
        support with its probabilities, and payoff; the regret in the caption."""
        from kurilsim._html import table, view

        pure = "pure" if self.is_pure else "mixed"
        return view(table(self._html_rows(), header=["player", "strategy", "payoff"],
                          caption=f"{pure} equilibrium, regret {_regret(self.regret)}"))


@dataclass(frozen=True, slots=True)
class NashResult:
    """What :func:`kurilsim.solve_nash` found, and how.

    Attributes
    ----------
    equilibria : tuple of Equilibrium
        The certified equilibria, without duplicates, in a deterministic order
        (lexicographically decreasing strategy vectors, so pure strategies on
        low indices come first).
    method : str
        The method that ran (``"auto"`` is resolved to the actual method).
    tol : float
        The relative tolerance: in each equilibrium, player ``i`` gains at
        most ``tol * game.payoff_ranges[i]`` by deviating.
    certificate : float
        The checked error measure: the largest deviation gain over the
        returned equilibria and their players, each player's gain divided by
        its payoff range (``game.payoff_ranges[i]``; a player whose payoffs
        are all equal gains nothing), so ``certificate <= tol`` (up to the
        rounding of that division).  ``0.0`` when there is no equilibrium
        (``"pure"`` on a game without pure equilibria) and with
        ``exact=True`` (every regret is exactly zero, and ``tol`` is 0).
        :attr:`max_regret` is the same largest gain in payoff units.
    payoff_range : float
        The game's largest payoff spread over the players.
    message : str
        A one-line human-readable account of the run.
    complete : bool
        Whether ``equilibria`` is guaranteed to be the whole set the method
        promises (all equilibria for ``"pure"`` and ``"support"`` on
        nondegenerate games, all extreme equilibria for ``"vertex"``).
    n_candidates : int
        Candidate profiles examined before certification.
    n_rejected : int
        Candidates that failed certification and were discarded.
    value : float or None
        For ``"lp"``: the value of the zero-sum game to player 1; else ``None``.
    exact : bool
        Whether the equilibria were computed in rational arithmetic
        (``solve_nash(..., exact=True)``): their strategies and payoffs are
        then read-only object arrays of :class:`fractions.Fraction` and
        every regret is exactly ``Fraction(0)``; ``tol`` is 0.

    Notes
    -----
    There is no ``success`` flag: a method that cannot produce a certified
    answer raises (:class:`~kurilsim.SolverError`,
    :class:`~kurilsim.PrecisionError`, :class:`~kurilsim.ProblemTooLargeError`),
    so every returned result is certified (``certificate <= tol``);
    ``complete`` says whether it holds every equilibrium the method promises.
    """

    equilibria: tuple[Equilibrium, ...]
    _: KW_ONLY
    method: str
    tol: float
    certificate: float
    payoff_range: float
    message: str
    complete: bool
    n_candidates: int = 0
    n_rejected: int = 0
    value: float | None = None
    exact: bool = False

    def __len__(self) -> int:
        return len(self.equilibria)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.equilibria)

    def __getitem__(self, index: int) -> Equilibrium:
        return self.equilibria[index]

    @property
    def max_regret(self) -> float:
        """The largest regret among the returned equilibria (0.0 if none), in
        payoff units (:attr:`certificate` is relative to the payoff ranges)."""
        return float(max((e.regret for e in self.equilibria), default=0.0))

    @property
    def success(self) -> NoReturn:
        """Removed: a returned result is always certified (failures raise)."""
        raise AttributeError(
            "NashResult.success was removed: solve_nash raises when it cannot "
            "certify an answer, so every result is certified (certificate <= tol); "
            "see NashResult.complete for whether every equilibrium was found"
        )

    def __repr__(self) -> str:
        lines = [
            (
                f"NashResult(method={self.method!r}, {len(self.equilibria)} equilibria, "
                f"complete={self.complete}, certificate={self.certificate:.2g}, "
                f"max_regret={self.max_regret:.2g})"
            ),
        ]
        lines += [f"  {eq!r}" for eq in self.equilibria]
        if self.value is not None:
            lines.append(f"  value={self.value:.6g}")
        lines.append(f"  message: {self.message}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """The result as an HTML table for notebooks: one block of rows per
        equilibrium (each player's support, probabilities and payoff), the
        method, completeness and certificate in the caption, the message below.

        At most 20 equilibria are shown; the caption gives the count."""
        from kurilsim._html import paragraph, table, view

        shown = 20
        rows: list[list[object]] = []
        for number, equilibrium in enumerate(self.equilibria[:shown]):
            for k, row in enumerate(equilibrium._html_rows()):
                first = [number, _regret(equilibrium.regret)] if k == 0 else ["", ""]
                rows.append([*first, *row])
        if len(self.equilibria) > shown:
            rows.append([f"... {len(self.equilibria) - shown} more", "", "", "", ""])
        caption = (
            f"{len(self.equilibria)} Nash equilibria by {self.method!r} "
            f"({'complete' if self.complete else 'not proven complete'}), "
            f"certificate {self.certificate:.2g} (tol {self.tol:.2g})"
        )
        value = "" if self.value is None else paragraph(f"value {self.value:.6g}")
        return view(
            table(rows, header=["#", "regret", "player", "strategy", "payoff"],
                  caption=caption),
            value, paragraph(self.message, small=True),
        )


def _regret(regret: float | Fraction) -> str:
    """A regret as text: exact ones as they are, floats to two digits."""
    return str(regret) if isinstance(regret, Fraction) else f"{regret:.2g}"


#: Candidates within this distance (largest entry difference) of an earlier
#: kept one are merged: the default ``dedupe_atol`` of the certification.
DEDUPE_ATOL = 1e-9

#: Up to this many candidates duplicates are found by comparing every pair
#: (also in :func:`kurilsim.solvers._lh_numba.certify_pairs`); above it by a
#: sort.
PAIRWISE_UP_TO = 32


def certify(
    game: NormalFormGame,
    candidates: Iterable[Sequence[NDArray[np.float64]]],
    *,
    tol: float,
    dedupe_atol: float = DEDUPE_ATOL,
) -> tuple[tuple[Equilibrium, ...], int, int]:
    """Check candidate profiles and keep the certified, distinct ones.

    Returns ``(equilibria, n_candidates, n_rejected)``.  Each candidate is
    cleaned (round-off below ``1e-12`` set to zero, renormalised) and kept
    when each player's gain from deviating is at most
    ``tol * game.payoff_ranges[i]``; candidates within ``dedupe_atol`` of an
    earlier one (largest entry difference) are merged.  Two-player
    candidates are checked in one batch of matrix products.
    """
    cands = [tuple(np.asarray(s, dtype=np.float64) for s in c) for c in candidates]
    if not cands:
        return (), 0, 0
    blocks = [np.stack([c[i] for c in cands]) for i in range(game.n_players)]
    return certify_blocks(game, blocks, tol=tol, dedupe_atol=dedupe_atol)


def certify_blocks(
    game: NormalFormGame,
    blocks: Sequence[NDArray[np.float64]],
    *,
    tol: float,
    dedupe_atol: float = DEDUPE_ATOL,
) -> tuple[tuple[Equilibrium, ...], int, int]:
    """:func:`certify` for candidates given as one ``(k, m_i)`` array per player.

    Row ``c`` of ``blocks[i]`` is player ``i``'s strategy in candidate ``c``;
    the arrays are not modified.  All players' strategies are cleaned,
    checked and compared in one ``(k, sum m_i)`` array; for two players the
    payoffs and gains of all candidates take two matrix products.
    """
    return certify_candidates(game, blocks, tol=tol, dedupe_atol=dedupe_atol)[:3]


def certify_candidates(
    game: NormalFormGame,
    blocks: Sequence[NDArray[np.float64]],
    *,
    tol: float,
    dedupe_atol: float = DEDUPE_ATOL,
) -> tuple[tuple[Equilibrium, ...], int, int, float]:
    """:func:`certify_blocks`, and the certificate of the kept equilibria.

    Returns ``(equilibria, n_candidates, n_rejected, certificate)``, where
    ``certificate`` is the largest deviation gain over the kept equilibria
    and players, each relative to the player's payoff range (0.0 if none is
    kept): the :attr:`NashResult.certificate`.

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers.results import certify_candidates
    >>> game = NormalFormGame([[[1, 0], [0, 1]], [[1, 0], [0, 1]]])
    >>> rows = np.array([[1.0, 0.0], [0.5, 0.5]])
    >>> kept, n_candidates, n_rejected, certificate = certify_candidates(
    ...     game, [rows, np.array([[1.0, 0.0], [0.0, 1.0]])], tol=1e-9)
    >>> len(kept), n_candidates, n_rejected, certificate
    (1, 2, 1, 0.0)
    """
    n = game.n_players
    _check_blocks(game, blocks)
    k = len(blocks[0])
    if k == 0:
        return (), 0, 0, 0.0
    if n == 2:
        compiled = compiled_two_player()
        if compiled is not None:
            return _certify_two_players_compiled(
                compiled, game, blocks[0], blocks[1], tol, dedupe_atol
            )
        return _certify_two_players(game, blocks[0], blocks[1], tol, dedupe_atol)
    sizes = [int(np.shape(b)[1]) for b in blocks]
    starts = [0]
    for size in sizes[:-1]:
        starts.append(starts[-1] + size)
    flat = np.concatenate(blocks, axis=1, dtype=np.float64)
    flat = np.where(flat > 1e-12, flat, 0.0)  # round-off (and NaN) to zero
    totals = np.add.reduceat(flat, starts, axis=1)  # (k, n)
    positive = totals > 0
    if positive.all():
        flat /= np.repeat(totals, sizes, axis=1)
    else:  # rows with total 0 are all zero already
        np.divide(flat, np.repeat(totals, sizes, axis=1), out=flat,
                  where=np.repeat(positive, sizes, axis=1))
    # Gains from the recentred payoffs (shift invariant: their rounding error
    # is relative to each player's payoff range, not to the payoffs' size).
    centred = game.centred_payoffs
    if n == 2:
        A, B = centred
        m = sizes[0]
        dev = np.empty_like(flat)
        np.matmul(flat[:, m:], A.T, out=dev[:, :m])  # row player's deviation payoffs
        np.matmul(flat[:, :m], B, out=dev[:, m:])  # column player's
    else:
        dev = np.concatenate(
            deviation_payoffs_batch(
                centred, [flat[:, a : a + b] for a, b in zip(starts, sizes, strict=True)]
            ),
            axis=1,
        )
    values = np.add.reduceat(flat * dev, starts, axis=1)
    gains = np.maximum.reduceat(dev, starts, axis=1)
    gains -= values
    # within tolerance (NaN fails) by the one rule, and a mixed strategy per player
    ok = ~gains_exceed(gains, tol * game.payoff_ranges) & positive
    idx = np.flatnonzero(ok.all(axis=1))
    n_rejected = k - len(idx)
    kept_flat = flat[idx]
    if len(idx) > 1:
        keep = _first_of_close(kept_flat, dedupe_atol)
        idx, kept_flat = idx[keep], kept_flat[keep]
        if len(idx) > 1:
            idx = idx[np.lexsort(-kept_flat.T[::-1])]
    flat.flags.writeable = False
    # Reported payoffs from the payoffs as given, for the kept candidates only.
    values = np.zeros((k, n))
    if len(idx):
        if n == 2:  # deviation_payoffs_batch's products (np.dot), without its set-up
            A, B = game.payoffs
            kept_dev: tuple[NDArray[np.float64], ...] = (
                np.dot(flat[idx, m:], A.T), np.dot(flat[idx, :m], B)
            )
        else:
            kept_dev = deviation_payoffs_batch(
                game.payoffs, [flat[idx, a : a + b] for a, b in zip(starts, sizes, strict=True)]
            )
        for i, (a, b) in enumerate(zip(starts, sizes, strict=True)):
            values[idx, i] = np.einsum("cj,cj->c", flat[idx, a : a + b], kept_dev[i])
    values.flags.writeable = False
    regrets = np.maximum(gains.max(axis=1), 0.0).tolist()
    if n == 2:
        m = sizes[0]
        kept = tuple(
            Equilibrium((flat[c, :m], flat[c, m:]), payoffs=values[c], regret=regrets[c])
            for c in idx.tolist()
        )
    else:
        bounds = [(a, a + b) for a, b in zip(starts, sizes, strict=True)]
        kept = tuple(
            Equilibrium(tuple(flat[c, a:b] for a, b in bounds), payoffs=values[c], regret=regrets[c])
            for c in idx.tolist()
        )
    certificate = 0.0
    if len(idx):  # each player's largest gain over its payoff range
        ranges = game.payoff_ranges
        moving = ranges > 0  # a player with constant payoffs gains nothing
        largest = gains[idx].max(axis=0)[moving] / ranges[moving]
        certificate = max(float(largest.max(initial=0.0)), 0.0)
    return kept, k, n_rejected, certificate


def _certify_two_players(
    game: NormalFormGame,
    rows: NDArray[np.float64],
    cols: NDArray[np.float64],
    tol: float,
    dedupe_atol: float,
) -> tuple[tuple[Equilibrium, ...], int, int, float]:
    """:func:`certify_candidates` for two players, in as few NumPy calls as possible.

    The same cleaning, the same rule (:func:`gains_exceed` on gains from
    the recentred payoffs, the arithmetic of the general path), the same
    deduplication and order; fixed per-call cost matters here because small
    bimatrix games are solved in well under a millisecond.  Reported payoffs
    are computed from the payoffs as given, for the kept candidates only.
    (The NumPy path: once numba is imported, :func:`certify_candidates`
    uses the compiled twin, :func:`_certify_two_players_compiled`.)
    """
    k = len(rows)
    m = int(np.shape(rows)[1])
    flat = np.concatenate((rows, cols), axis=1, dtype=np.float64)
    flat = np.where(flat > 1e-12, flat, 0.0)  # round-off (and NaN) to zero
    starts = (0, m)
    totals = np.add.reduceat(flat, starts, axis=1)  # (k, 2)
    positive = totals > 0
    if positive.all():
        flat[:, :m] /= totals[:, :1]
        flat[:, m:] /= totals[:, 1:]
    else:  # rows with total 0 are all zero already
        safe = np.where(positive, totals, 1.0)
        flat[:, :m] /= safe[:, :1]
        flat[:, m:] /= safe[:, 1:]
    A, B = game.centred_payoffs
    dev = np.empty_like(flat)
    np.matmul(flat[:, m:], A.T, out=dev[:, :m])  # row player's deviation payoffs
    np.matmul(flat[:, :m], B, out=dev[:, m:])  # column player's
    gains = np.maximum.reduceat(dev, starts, axis=1)
    dev *= flat
    gains -= np.add.reduceat(dev, starts, axis=1)
    # within tolerance (NaN fails) by the one rule, and a mixed strategy per player
    bad = gains_exceed(gains, tol * game.payoff_ranges)
    bad |= ~positive
    idx = np.flatnonzero(~(bad[:, 0] | bad[:, 1]))
    n_rejected = k - len(idx)
    flat.flags.writeable = False
    if not len(idx):
        return (), k, n_rejected, 0.0
    if len(idx) > 1:
        kept_flat = flat[idx]
        keep = _first_of_close(kept_flat, dedupe_atol)
        if not keep.all():
            idx, kept_flat = idx[keep], kept_flat[keep]
        if len(idx) > 1:
            idx = idx[np.lexsort(-kept_flat.T[::-1])]
    kept_flat = flat[idx]
    # reported payoffs from the payoffs as given
    A, B = game.payoffs
    kept_dev = np.empty_like(kept_flat)
    np.matmul(kept_flat[:, m:], A.T, out=kept_dev[:, :m])
    np.matmul(kept_flat[:, :m], B, out=kept_dev[:, m:])
    kept_dev *= kept_flat
    values = np.add.reduceat(kept_dev, starts, axis=1)
    values.flags.writeable = False
    kept_gains = gains[idx]
    regrets = np.maximum(kept_gains.max(axis=1), 0.0).tolist()
    kept = tuple(
        Equilibrium((flat[c, :m], flat[c, m:]), payoffs=values[r], regret=regrets[r])
        for r, c in enumerate(idx.tolist())
    )
    # each player's largest gain over its payoff range (a player with constant
    # payoffs gains nothing)
    largest = kept_gains.max(axis=0).tolist()
    certificate = max(
        [g / r for g, r in zip(largest, game.payoff_ranges.tolist(), strict=True) if r > 0],
        default=0.0,
    )
    return kept, k, n_rejected, max(certificate, 0.0)


def _check_blocks(game: NormalFormGame, blocks: Sequence[NDArray[np.float64]]) -> None:
    """Refuse candidate blocks that are not one ``(k, strategies)`` array per
    player, with the same ``k`` (the compiled loops do no bounds checks)."""
    shapes = [np.shape(block) for block in blocks]
    k = shapes[0][0] if shapes and len(shapes[0]) == 2 else -1
    if len(shapes) != game.n_players or any(
        len(shape) != 2 or shape != (k, size)
        for shape, size in zip(shapes, game.shape, strict=False)
    ):
        raise InvalidArgumentError(
            f"candidate blocks must be {game.n_players} arrays of shape (k, strategies): "
            f"{[('k', size) for size in game.shape]} for this "
            f"{'x'.join(map(str, game.shape))} game with one k, got shapes {shapes}"
        )


def _certify_two_players_compiled(
    compiled: Any,
    game: NormalFormGame,
    rows: NDArray[np.float64],
    cols: NDArray[np.float64],
    tol: float,
    dedupe_atol: float,
) -> tuple[tuple[Equilibrium, ...], int, int, float]:
    """:func:`_certify_two_players` by the compiled loop of
    :func:`kurilsim.solvers._lh_numba.certify_pairs`: the same cleaning,
    rule, deduplication and order (sums taken in another order than NumPy's
    matrix products, so gains and payoffs can differ in the last bits)."""
    rows = np.ascontiguousarray(rows, dtype=np.float64)
    k, m = rows.shape
    range_a, range_b = game.payoff_ranges.tolist()
    A_c, B_c = game.centred_payoffs
    A, B = game.payoffs
    table, order, n_passed = compiled.certify_pairs(
        rows, np.ascontiguousarray(cols, dtype=np.float64),
        A_c, B_c, A, B, tol * range_a, tol * range_b, float(dedupe_atol),
    )
    return _kept_from_table(game, table, order, n_passed, k, m, dedupe_atol)


def _kept_from_table(
    game: NormalFormGame,
    table: NDArray[np.float64],
    order: NDArray[np.intp],
    n_passed: int,
    k: int,
    m: int,
    dedupe_atol: float,
) -> tuple[tuple[Equilibrium, ...], int, int, float]:
    """:func:`certify_candidates`' answer from what
    :func:`kurilsim.solvers._lh_numba.certify_pairs` returned for ``k``
    candidates whose first strategies have ``m`` entries."""
    n_rejected = k - n_passed
    if not n_passed:
        return (), k, n_rejected, 0.0
    range_a, range_b = game.payoff_ranges.tolist()
    d = table.shape[1] - 4
    if n_passed > PAIRWISE_UP_TO:  # not merged nor sorted yet: as NumPy does
        kept_flat = table[order, :d]
        keep = _first_of_close(kept_flat, dedupe_atol)
        if not keep.all():
            order, kept_flat = order[keep], kept_flat[keep]
        order = order[np.lexsort(-kept_flat.T[::-1])]
    table.setflags(write=False)
    kept = []
    largest_a = largest_b = -np.inf
    for c in order.tolist():
        row = table[c]
        gain_a, gain_b = row[d : d + 2].tolist()
        largest_a = max(largest_a, gain_a)
        largest_b = max(largest_b, gain_b)
        kept.append(
            Equilibrium(
                (row[:m], row[m:d]), payoffs=row[d + 2 :], regret=max(gain_a, gain_b, 0.0)
            )
        )
    # each player's largest gain over its payoff range (ranges are positive)
    certificate = max(largest_a / range_a, largest_b / range_b, 0.0)
    return tuple(kept), k, n_rejected, certificate


_UNSET: Any = object()
_compiled: Any = _UNSET  # the compiled module, None if unusable, _UNSET: not yet


def compiled_two_player() -> Any:
    """The compiled two-player loops (:mod:`kurilsim.solvers._lh_numba`), or ``None``.

    The common path of every two-player method of
    :func:`~kurilsim.solvers.nash.solve_nash` (the precision check and the
    certification) uses them once numba is imported in the process, by a
    compiled kernel (Lemke-Howson's path with ``engine="auto"`` after its
    first 0.5 s of numpy paths, or ``engine="numba"``) or by the user: this
    function never imports numba itself, so a script that solves a few
    small games does not pay the few tenths of a second that costs.
    ``None`` also when ``KURILSIM_DISABLE_NUMBA`` is set, or numba cannot
    compile them (the NumPy path is then used: the same answers, up to the
    rounding of sums).

    Examples
    --------
    >>> from kurilsim.solvers.results import compiled_two_player
    >>> compiled = compiled_two_player()
    >>> compiled is None or callable(compiled.certify_pairs)
    True
    """
    global _compiled
    if _compiled is not _UNSET:
        return _compiled
    if "numba" not in sys.modules:
        return None
    if numba_disabled():
        _compiled = None
        return None
    try:
        from kurilsim.solvers import _lh_numba

        if not _lh_numba.HAVE_NUMBA:
            raise ImportError("numba")
        eye = np.eye(2)
        _lh_numba.smallest_steps(eye, eye)
        _lh_numba.certify_pairs(eye, eye, eye, eye, eye, eye, 1e-9, 1e-9, 1e-9)
        _lh_numba.pure_pairs(eye, eye, 1e-9, 1e-9)
        _lh_numba.certified_path(eye, eye, 0, 10, 1e-11, eye, eye, 1e-9, 1e-9, 1e-9)
        _compiled = _lh_numba
    except Exception:  # noqa: BLE001 - any failure: the NumPy path instead
        _compiled = None
    return _compiled


def _first_of_close(points: NDArray[np.float64], atol: float) -> NDArray[np.bool_]:
    """Which rows to keep: a row goes if it is within ``atol`` (largest entry
    difference) of an earlier kept row.

    Sort-based, never a comparison of all pairs (a 16x16 coordination game
    has 65,535 equilibria, whose pairwise comparison would need terabytes):
    the rows are sorted by their projection on a fixed direction ``w`` with
    positive weights; rows within ``atol`` of each other have projections
    within ``atol * sum(w)``, so only rows that close in the sorted order are
    compared, one offset at a time.  Time ``O(k log k)`` plus the number of
    rows sharing a projection window (a handful, for distinct equilibria).
    """
    k, d = points.shape
    if k <= PAIRWISE_UP_TO:  # few rows: every pair compared directly finds the same close pairs
        close = np.abs(points[:, None, :] - points[None, :, :]).max(axis=2) <= atol
        keep = np.ones(k, dtype=bool)
        rows, cols = np.nonzero(close)  # pairs in lexicographic order
        for p, q in zip(rows.tolist(), cols.tolist(), strict=True):
            if p < q and keep[p]:
                keep[q] = False
        return keep
    # a fixed direction (deterministic answers), positive weights in [1, 2)
    weights = np.asarray(np.random.default_rng(20240613).random((d,)), dtype=np.float64) + 1.0
    projection = points @ weights
    order = np.argsort(projection, kind="stable")
    sorted_proj = projection[order]
    window = atol * float(weights.sum()) * (1.0 + 1e-9) + 4 * EPS * (
        1.0 + float(np.abs(sorted_proj).max(initial=0.0))
    )
    firsts: list[NDArray[np.intp]] = []
    seconds: list[NDArray[np.intp]] = []
    live = np.arange(k - 1)  # positions i whose partner i + offset is still in the window
    offset = 1
    while live.size:
        live = live[live + offset < k]
        live = live[sorted_proj[live + offset] - sorted_proj[live] <= window]
        if not live.size:
            break
        a, b = order[live], order[live + offset]
        close = np.abs(points[a] - points[b]).max(axis=1) <= atol
        firsts.append(np.minimum(a, b)[close])
        seconds.append(np.maximum(a, b)[close])
        offset += 1
    keep = np.ones(k, dtype=bool)
    if firsts:
        p_idx, q_idx = np.concatenate(firsts), np.concatenate(seconds)
        if p_idx.size:
            pairs = np.lexsort((q_idx, p_idx))
            for p, q in zip(p_idx[pairs].tolist(), q_idx[pairs].tolist(), strict=True):
                if keep[p]:
                    keep[q] = False
    return keep


def smallest_differences(game: NormalFormGame) -> NDArray[np.float64]:
    """Per player, the smallest nonzero difference between two of its own
    strategies' payoffs against the same pure profile of the others (``inf``
    if there is none).

    These differences decide best replies.  Computed by sorting each player's
    (recentred) payoffs along its own axis: memory and time linear in the
    payoff tensor (times ``log m_i``).  A game that keeps exact payoffs
    (:attr:`NormalFormGame.is_float_exact` is ``False``) is measured on
    them, so that two payoffs float64 rounds to one value still count as
    different: each payoff is its float plus the rounding residual (a
    float), which orders them exactly and gives each difference to within a
    relative ``1e-16``; payoffs whose float and residual both agree are
    compared as fractions.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers.results import smallest_differences
    >>> big = 10**19
    >>> game = NormalFormGame([[[big, 0], [big + 1, 3]], [[0, 1], [1, 0]]])
    >>> smallest_differences(game).tolist()
    [1.0, 1.0]
    """
    return _smallest_differences(game, None if game.is_float_exact else _residuals(game))


_Residuals = list[tuple[NDArray[np.float64], NDArray[np.bool_]]]


def _smallest_differences(
    game: NormalFormGame, residuals: _Residuals | None
) -> NDArray[np.float64]:
    """:func:`smallest_differences`, given the game's :func:`_residuals`
    (``None`` for a game without exact payoffs)."""
    out = np.full(game.n_players, np.inf)
    if residuals is None:
        for i, u in enumerate(game.centred_payoffs):
            if u.shape[i] < 2:
                continue
            steps = np.diff(np.sort(u, axis=i), axis=i)
            positive = steps[steps > 0]
            if positive.size:
                out[i] = float(positive.min())
        return out
    for i, (floats, exact, (residual, rounded)) in enumerate(
        zip(game.payoffs, game.exact_payoffs, residuals, strict=True)
    ):
        m = floats.shape[i]
        if m < 2:
            continue
        # one row per pure profile of the others, the player's strategies along it
        f, r, q, w = (np.moveaxis(a, i, -1).reshape(-1, m) for a in (floats, residual, exact, rounded))
        order = np.lexsort((r, f), axis=-1)  # the exact order (rounding is monotone)
        f, r, q, w = (np.take_along_axis(a, order, axis=-1) for a in (f, r, q, w))
        steps = np.diff(f, axis=-1) + np.diff(r, axis=-1)
        # equal floats and residuals: equal unless both were rounded
        rows, cols = np.nonzero((steps == 0) & w[:, 1:] & w[:, :-1])
        if rows.size:
            upper, lower = q[rows, cols + 1], q[rows, cols]
            differ = np.flatnonzero(upper != lower)
            for k in differ.tolist():
                steps[rows[k], cols[k]] = float(abs(upper[k] - lower[k]))
        positive = steps[steps > 0]
        if positive.size:
            out[i] = float(positive.min())
    return out


def _residuals(game: NormalFormGame) -> _Residuals:
    """Per player, ``exact_payoffs - payoffs`` rounded to floats, and where
    rounding changed a payoff."""
    out = []
    for floats, exact in zip(game.payoffs, game.exact_payoffs, strict=True):
        residual = np.zeros(floats.size)
        rounded = np.zeros(floats.size, dtype=bool)
        for k, (f, value) in enumerate(
            zip(floats.ravel().tolist(), exact.ravel().tolist(), strict=True)
        ):
            a, b = f.as_integer_ratio()
            n, d = value.numerator, value.denominator
            if a != n or b != d:
                residual[k] = (n * b - a * d) / (d * b)  # (correctly rounded)
                rounded[k] = True
        out.append((residual.reshape(floats.shape), rounded.reshape(floats.shape)))
    return out


def rounding_errors(game: NormalFormGame) -> NDArray[np.float64]:
    """Per player, the largest change float64 made to a payoff as given.

    ``|payoffs - exact_payoffs|`` at its largest (correctly rounded to a
    float): zero unless the game keeps exact payoffs that float64 rounded
    (:attr:`NormalFormGame.is_float_exact` is ``False``).

    Examples
    --------
    >>> from fractions import Fraction
    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers.results import rounding_errors
    >>> game = NormalFormGame([[[10**19 + 1, 0]], [[Fraction(1, 2), 0]]])
    >>> rounding_errors(game).tolist()
    [1.0, 0.0]
    """
    return _rounding_errors(game, None if game.is_float_exact else _residuals(game))


def _rounding_errors(
    game: NormalFormGame, residuals: _Residuals | None
) -> NDArray[np.float64]:
    out = np.zeros(game.n_players)
    for i, (residual, _) in enumerate(residuals or ()):
        out[i] = float(np.abs(residual).max())
    return out


def check_resolution(
    game: NormalFormGame, tol: float, *, method: str, exact_methods: Sequence[str] = ()
) -> None:
    """Raise :class:`PrecisionError` if float64 cannot answer ``game`` at ``tol``.

    Two conditions, per player ``i``, with ``r_i = game.resolution[i]`` the
    rounding error bound of a computed deviation gain (relative to the
    player's payoff range, since gains are computed from recentred
    payoffs), widened by ``2 e_i`` where ``e_i`` is the largest change
    float64 made to one of the player's payoffs *as given*
    (:func:`rounding_errors`; zero unless the game keeps exact payoffs, see
    :attr:`NormalFormGame.exact_payoffs`): a gain in the float game differs
    from the gain in the game as given by at most ``2 e_i``.

    1. ``tol * payoff_ranges[i] < r_i + 2 e_i``: no computed gain can be
       certified to be within the tolerance (for the game as given).
    2. some nonzero difference between player ``i``'s payoffs for two of its
       strategies, against the same pure profile of the others, is at most
       ``r_i + 2 e_i`` (measured exactly on the payoffs as given): whether
       that deviation gains is decided by rounding.  Payoffs such as
       ``2**63 + 2048 k`` next to payoffs near zero (Gambit's
       ``large_payoff_game``) are of this kind, and so is every game in
       which float64 rounds two payoffs a player compares to one value
       (``10**19 + 1`` and ``10**19``): the float game has a tie the game
       as given does not have.  (Where ``e_i > 0`` this condition is checked
       first, for the clearer message.)

    ``method`` is the method of :func:`~kurilsim.solvers.nash.solve_nash`
    named in the message; ``exact_methods`` are the methods that solve a
    two-player game with ``exact=True`` (``solve_nash`` passes those of its
    table), which the message suggests where they apply (none if empty).
    """
    resolution = game.resolution
    residuals = None if game.is_float_exact else _residuals(game)
    errors = _rounding_errors(game, residuals)
    ranges = game.payoff_ranges
    limits = tol * ranges
    effective = resolution + 2.0 * errors
    exact_hint = game.n_players == 2 and method in exact_methods
    exact_list = ", ".join(repr(m) for m in exact_methods)
    dims = "x".join(map(str, game.shape))
    differences = _smallest_differences(game, residuals)
    tiny = differences <= effective
    # the rounding of payoffs given exactly merges (or nearly) two that differ
    merged = np.flatnonzero(tiny & (errors > 0))
    if merged.size:
        i = int(merged[0])
        raise PrecisionError(
            f"the payoffs given are not representable in float64: rounding "
            f"changes player {i}'s by up to {errors[i]:.3g}, and two of its "
            f"payoffs for different strategies differ by only {differences[i]:.3g}, "
            f"so the float64 game can order them differently; method {method!r} "
            "would solve another game. "
            + (
                f"Solve with exact=True (methods {exact_list})"
                if game.n_players == 2 and exact_methods
                else "Give payoffs whose differences float64 keeps"
            )
        )
    short = np.flatnonzero(limits < effective)
    if short.size:
        i = int(short[0])
        need = effective[i] / ranges[i]
        if limits[i] >= resolution[i]:  # the rounding of the payoffs given decides
            raise PrecisionError(
                f"the payoffs given are not representable in float64: rounding "
                f"changes player {i}'s by up to {errors[i]:.3g}, more than tol={tol:g} "
                f"of its payoff range ({ranges[i]:.3g}) allows; "
                + ("solve with exact=True, or " if exact_hint else "")
                + f"use tol >= {need:.2g}"
            )
        raise PrecisionError(
            f"tol={tol:g} is below what float64 resolves for this "
            f"{dims} game: a computed deviation gain of "
            f"player {i} is uncertain by up to {need:.2g} "
            f"of the payoff range; use tol >= {need:.2g}"
            + (" or exact=True" if exact_hint else "")
        )
    tiny_at = np.flatnonzero(tiny)
    if tiny_at.size:
        i = int(tiny_at[0])
        scale = max(abs(float(game.payoffs[i].min())), abs(float(game.payoffs[i].max())))
        raise PrecisionError(
            f"player {i}'s payoffs for two strategies differ by only "
            f"{differences[i]:.3g}, below the {resolution[i]:.3g} that float64 resolves "
            f"in expected payoffs of this game (payoff range {ranges[i]:.3g}, "
            f"magnitude {scale:.3g}); method {method!r} could return wrong equilibria. "
            + (
                f"Solve with exact=True (methods {exact_list}), or rescale the payoffs"
                if game.n_players == 2 and exact_methods
                else "Rescale the payoffs"
            )
            + " so that the differences that matter exceed "
            f"{(sum(game.shape) + 2) * EPS:.1e} of the payoff range"
        )


def certify_exact(
    game: NormalFormGame, profiles: Sequence[Sequence[Sequence[Fraction]]]
) -> tuple[tuple[Equilibrium, ...], int]:
    """Check rational profiles of a two-player game exactly; keep the equilibria.

    The payoffs are the game's exact ones
    (:attr:`NormalFormGame.exact_payoffs`).  A profile is kept when each strategy is a probability vector (entries
    ``>= 0`` summing exactly to one) and no player gains anything by
    deviating (regret exactly zero).  Returns ``(equilibria,
    n_rejected)``; duplicates are dropped and the order is the one of
    :func:`certify` (lexicographically decreasing strategy vectors).
    """
    A, B = (u.tolist() for u in game.exact_payoffs)
    m, n = game.shape
    seen: set[tuple[tuple[Fraction, ...], ...]] = set()
    kept: list[tuple[tuple[Fraction, ...], tuple[Fraction, ...], Fraction, Fraction]] = []
    rejected = 0
    for profile in profiles:
        try:
            x = tuple(Fraction(v) for v in profile[0])
            y = tuple(Fraction(v) for v in profile[1])
        except (TypeError, ValueError, IndexError):
            rejected += 1
            continue
        if (
            len(profile) != 2
            or len(x) != m
            or len(y) != n
            or min(x) < 0
            or min(y) < 0
            or sum(x) != 1
            or sum(y) != 1
        ):
            rejected += 1
            continue
        row = [sum((a * q for a, q in zip(A[j], y, strict=True)), Fraction(0)) for j in range(m)]
        col = [
            sum((B[j][k] * p for j, p in enumerate(x)), Fraction(0)) for k in range(n)
        ]
        v_row = sum((p * r for p, r in zip(x, row, strict=True)), Fraction(0))
        v_col = sum((q * c for q, c in zip(y, col, strict=True)), Fraction(0))
        if max(row) != v_row or max(col) != v_col:
            rejected += 1
            continue
        if (x, y) not in seen:
            seen.add((x, y))
            kept.append((x, y, v_row, v_col))
    kept.sort(key=lambda e: tuple(-v for v in e[0] + e[1]))
    return tuple(
        Equilibrium(
            (_fraction_array(x), _fraction_array(y)),
            payoffs=_fraction_array((v_row, v_col)),
            regret=Fraction(0),
        )
        for x, y, v_row, v_col in kept
    ), rejected


def _fraction_array(values: Sequence[Fraction]) -> NDArray[Any]:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    out.flags.writeable = False
    return out

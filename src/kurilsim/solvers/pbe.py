"""Pure-strategy perfect Bayesian equilibria of signalling games.

A pure *perfect Bayesian equilibrium* (PBE) of a :class:`~kurilsim.SignallingGame`
is a message per type, a response per message and a belief per message such
that

1. each type's message is a best message given the responses (every type,
   those of prior probability zero included);
2. at every message some type of positive probability sends, the belief is
   given by Bayes' rule and the response is a best response to it;
3. at every other message ("off the path") the belief is admissible
   (:meth:`SignallingGame.belief_support`) and the response a best response
   to it.

:func:`pure_pbe` enumerates them all, :func:`intuitive_criterion` applies
Cho and Kreps's (1987) Intuitive Criterion, :func:`solve_pbe` returns them
with a selected one and a certificate, and :func:`select_pbe` computes the
selected one for a whole batch of games at once (the sweep kernel).

Equilibria are reported by *class*: two PBE that send the same messages and
answer every sent message alike differ only in responses at messages nobody
sends, where the set of admissible responses (those that deter every type) is
what matters.  Each class is reported once, with one representative response
at each unsent message: among the sustainable responses that deter every
type, the one that minimises the largest gain of a type deviating to the
message (the strongest deterrent), ties (gains within ``tol`` times the
sender's payoff range of the least) to the lowest index.

Tie-breaking: a receiver indifferent (within ``tol`` of its payoff range)
between responses at a sent message may choose either; equilibria with each
are enumerated, never selected among.  Selection is a separate, documented
rule (:func:`solve_pbe`).

References
----------
Cho, I.-K. and Kreps, D. M. (1987). Signaling games and stable equilibria.
*Quarterly Journal of Economics* 102(2), 179-221.

Fudenberg, D. and Tirole, J. (1991). *Game Theory*, MIT Press, section 8.2
(perfect Bayesian equilibrium in signalling games) and 11.2 (the Intuitive
Criterion).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any, Final, NamedTuple, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import check_real, describe, real_array
from kurilsim._errors import InvalidArgumentError, ProblemTooLargeError, SolverError
from kurilsim.games.extensive import ExtensiveFormGame
from kurilsim.games.signalling import (
    DEFAULT_TOL,
    SignallingGame,
    best_of,
    expected_values,
    supporting_belief,
)
from kurilsim.solvers._numba import numba_disabled

__all__ = [
    "DEFAULT_MAX_WORK",
    "KINDS",
    "PBE",
    "PBEResult",
    "PBESelection",
    "intuitive_criterion",
    "pbe_regret",
    "pure_pbe",
    "select_pbe",
    "solve_pbe",
]

#: The kinds of pure PBE; :func:`select_pbe` reports a kind by its index here
#: (-1 where there is no pure PBE).
KINDS: Final = ("pooling", "separating", "semi-separating")

#: Selection rules of :func:`solve_pbe` and :func:`select_pbe`.
RULES: Final = ("sender-optimal",)

#: :meth:`PBE.describe` lists every message's response up to this many
#: messages, and summarises those off the path beyond it.
_LISTED_MESSAGES: Final = 8

#: ``repr(PBEResult)`` lists this many equilibria (and the selected one).
_LISTED_EQUILIBRIA: Final = 10

#: Default budget of :func:`pure_pbe`, :func:`solve_pbe` and :func:`select_pbe`:
#: the most candidate equilibria (a sender strategy with responses at its
#: messages) one call examines, about a minute of work; building a PBE found
#: counts as :data:`_PBE_WORK` candidates.
DEFAULT_MAX_WORK: Final = 5_000_000

#: The work of building one PBE (its beliefs, criterion and regret), in units
#: of candidates examined (measured: about 40 times as long).
_PBE_WORK: Final = 40


class _Budget:
    """The work left of a ``max_work`` budget, shared by the games of a batch."""

    def __init__(self, max_work: float) -> None:
        self.limit = max_work
        self.spent = 0

    def check(self, estimate: float, what: str) -> None:
        """Refuse at once if ``estimate`` more units would exceed the budget."""
        if self.spent + estimate > self.limit:
            raise ProblemTooLargeError(
                f"the pure PBE enumeration would examine about {estimate:.3g} candidate "
                f"equilibria ({what}), more than max_work={self.limit:g}; pass a larger "
                "max_work to run it",
                estimate=float(estimate),
            )

    def spend(self, units: int) -> None:
        self.spent += units
        if self.spent > self.limit:
            raise ProblemTooLargeError(
                f"the pure PBE enumeration examined more than max_work={self.limit:g} "
                "candidate equilibria (a degenerate game with many ties or many PBE); "
                "pass a larger max_work to finish it",
                estimate=float(self.spent),
            )


def _check_max_work(max_work: object) -> float:
    return check_real(max_work, "max_work", low=0, low_open=True)


@dataclass(frozen=True, slots=True, eq=False)
class PBE:
    """A pure-strategy perfect Bayesian equilibrium (one class; see the module notes).

    Attributes
    ----------
    sender : ndarray of int
        The message index each type sends.
    receiver : ndarray of int
        The response index at each message (at unsent messages, the class
        representative: the strongest deterrent).
    beliefs : ndarray
        ``(n_messages, n_types)``: Bayes' rule where the message is sent
        with positive probability; elsewhere one admissible belief that
        supports the response.
    belief_intervals : ndarray or None
        Two types only: ``(n_messages, 2)``, the interval of probabilities of
        the second type at which the response is a best response (a point
        where Bayes' rule applies); ``None`` otherwise.
    off_path : ndarray of bool
        The messages sent with probability zero.
    kind : str
        ``"pooling"`` (all types send one message), ``"separating"`` (all
        different) or ``"semi-separating"``.
    sender_payoffs : ndarray
        Each type's equilibrium payoff.
    receiver_payoff : float
        The receiver's ex-ante expected payoff.
    intuitive : bool
        Whether the equilibrium survives the Intuitive Criterion
        (:func:`intuitive_criterion`).
    regret : float
        :func:`pbe_regret`: the largest deviation gain of a type or of the
        receiver (at any message, under the stated beliefs), each relative
        to the player's payoff range.
    """

    sender: NDArray[np.intp]
    receiver: NDArray[np.intp]
    beliefs: NDArray[np.float64]
    _: KW_ONLY
    belief_intervals: NDArray[np.float64] | None
    off_path: NDArray[np.bool_]
    kind: str
    sender_payoffs: NDArray[np.float64]
    receiver_payoff: float
    intuitive: bool
    regret: float

    def ex_ante_sender_payoff(self, prior: ArrayLike) -> float:
        """The sender's payoff averaged over ``prior`` (summed in type order)."""
        return _ex_ante(np.asarray(prior, dtype=np.float64), self.sender_payoffs)

    def describe(self, game: SignallingGame) -> str:
        """A one-line account with the game's labels.

        With more than :data:`_LISTED_MESSAGES` messages, the responses at
        messages off the path are summarised by their counts.
        """
        sends = ", ".join(
            f"{game.types[t]}->{game.messages[int(m)]}" for t, m in enumerate(self.sender)
        )
        flag = "intuitive" if self.intuitive else "fails the Intuitive Criterion"
        if len(self.receiver) > _LISTED_MESSAGES:
            on = ", ".join(
                f"{game.messages[m]}:{game.responses[int(self.receiver[m])]}"
                for m in np.flatnonzero(~self.off_path).tolist()
            )
            off = np.bincount(self.receiver[self.off_path], minlength=len(game.responses))
            counts = ", ".join(
                f"{game.responses[r]} {int(k)}" for r, k in enumerate(off.tolist()) if k
            )
            return (
                f"{self.kind} PBE: {sends}; responses {on}; off the path "
                f"({int(self.off_path.sum())} messages): {counts or 'none'}; {flag}"
            )
        answers = ", ".join(
            f"{game.messages[m]}:{game.responses[int(r)]}"
            + ("*" if self.off_path[m] else "")
            for m, r in enumerate(self.receiver)
        )
        return f"{self.kind} PBE: {sends}; responses {answers} (* off path); {flag}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PBE):
            return NotImplemented
        return np.array_equal(self.sender, other.sender) and np.array_equal(
            self.receiver, other.receiver
        )

    def __hash__(self) -> int:
        return hash((self.sender.tobytes(), self.receiver.tobytes()))

    def __repr__(self) -> str:
        return (
            f"PBE(kind={self.kind!r}, sender={self.sender.tolist()}, "
            f"receiver={self.receiver.tolist()}, "
            f"sender_payoffs={np.array2string(self.sender_payoffs, precision=4)}, "
            f"intuitive={self.intuitive}, regret={self.regret:.2g})"
        )


@dataclass(frozen=True, slots=True)
class PBEResult:
    """What :func:`solve_pbe` found.

    Attributes
    ----------
    equilibria : tuple of PBE
        Every pure PBE class (see :mod:`kurilsim.solvers.pbe`), ordered by
        the messages of the types, then the responses at them.
    selected : PBE or None
        The one the selection rule picks (``None`` if there is no pure PBE).
    rule : str
        The selection rule (``"sender-optimal"``, or ``"custom"`` for a
        callable).
    game : SignallingGame
    method : str
        ``"pure-enumeration"``.
    tol : float
        Relative tolerance of every best-response comparison.
    certificate : float
        The largest :attr:`PBE.regret` over the equilibria (0.0 if none):
        each type's and the receiver's largest deviation gain relative to
        their payoff range, recomputed from the strategies and beliefs.
    message : str
        A one-line account.
    complete : bool
        Always ``True``: every pure PBE class is listed.
    """

    equilibria: tuple[PBE, ...]
    _: KW_ONLY
    selected: PBE | None
    rule: str
    game: SignallingGame
    method: str
    tol: float
    certificate: float
    message: str
    complete: bool = True

    def __len__(self) -> int:
        return len(self.equilibria)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.equilibria)

    def __getitem__(self, index: int) -> PBE:
        return self.equilibria[index]

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kind of each equilibrium."""
        return tuple(e.kind for e in self.equilibria)

    def __repr__(self) -> str:
        lines = [
            (f"PBEResult({len(self.equilibria)} pure PBE, rule={self.rule!r}, "
            f"certificate={self.certificate:.2g})")
        ]
        shown = list(self.equilibria[:_LISTED_EQUILIBRIA])
        if self.selected is not None and all(e is not self.selected for e in shown):
            shown.append(self.selected)
        lines += [
            ("> " if e is self.selected else "  ") + e.describe(self.game) for e in shown
        ]
        if len(self.equilibria) > len(shown):
            lines.append(
                f"  ... and {len(self.equilibria) - len(shown)} more (see .equilibria)"
            )
        lines.append(f"  message: {self.message}")
        return "\n".join(lines)


class PBESelection(NamedTuple):
    """What :func:`select_pbe` returns for a batch (unpacks as a 3-tuple).

    Attributes
    ----------
    sender : ndarray of int
        ``(..., n_types)``: each type's message (-1 where there is no pure PBE).
    receiver : ndarray of int
        ``(..., n_messages)``: the response at each message (-1 where there
        is no pure PBE).
    kind : ndarray of int
        ``(...)``: the index of the kind in :data:`KINDS` (-1: no pure PBE).
    """

    sender: NDArray[np.intp]
    receiver: NDArray[np.intp]
    kind: NDArray[np.intp]


# --------------------------------------------------------------------------
# Enumeration (one game)
# --------------------------------------------------------------------------


def _ex_ante(prior: NDArray[np.float64], payoffs: NDArray[np.float64]) -> float:
    """``sum_t prior[t] * payoffs[t]`` summed in type order (as the kernel does)."""
    total = prior[0] * payoffs[0]
    for t in range(1, len(prior)):
        total = total + prior[t] * payoffs[t]
    return float(total)


def _kind(sender: Sequence[int], n_types: int) -> str:
    distinct = len(set(sender))
    if distinct == 1:
        return KINDS[0]
    return KINDS[1] if distinct == n_types else KINDS[2]


class _Tables:
    """Per-game quantities the enumeration and the criterion share."""

    def __init__(self, game: SignallingGame, tol: float) -> None:
        self.game = game
        self.tol = tol
        self.slack_sender = tol * float(game.payoff_ranges[0])
        self.slack_receiver = tol * float(game.payoff_ranges[1])
        allowed = game.senders_allowed
        self.supports = [list(game.belief_support(m)) for m in range(game.n_messages)]
        sustainable = np.zeros((game.n_messages, game.n_responses), dtype=bool)
        for m, support in enumerate(self.supports):
            payoffs = game.receiver_payoffs[support, m, :]
            for r in range(game.n_responses):
                sustainable[m, r] = (
                    supporting_belief(payoffs, r, self.slack_receiver) is not None
                )
        self.sustainable = sustainable
        # a type that may not send a message never deviates to it
        self.deviation = np.where(allowed[:, :, None], game.sender_payoffs, -np.inf)
        self._subset_cache: dict[tuple[int, tuple[int, ...]], tuple[int, ...]] = {}
        self._support_cache: dict[
            tuple[int, int], tuple[NDArray[np.float64], tuple[float, float] | None]
        ] = {}

    def support(
        self, message: int, response: int
    ) -> tuple[NDArray[np.float64], tuple[float, float] | None]:
        """A supporting admissible belief of ``response`` at ``message`` (and,
        for two types, the interval of them), cached."""
        key = (message, response)
        if key not in self._support_cache:
            game = self.game
            belief = game.supporting_belief(message, response, tol=self.tol)
            if belief is None:  # pragma: no cover - responses are sustainable
                raise SolverError(f"no belief supports response {response} at {message}")
            interval = (
                game.belief_interval(message, response, tol=self.tol)
                if game.n_types == 2
                else None
            )
            self._support_cache[key] = (belief, interval)
        return self._support_cache[key]

    def responses_for(self, message: int, types: Sequence[int]) -> tuple[int, ...]:
        """Responses sustainable at ``message`` by beliefs over ``types``."""
        key = (message, tuple(types))
        if key not in self._subset_cache:
            payoffs = self.game.receiver_payoffs[list(types), message, :]
            self._subset_cache[key] = tuple(
                r
                for r in range(self.game.n_responses)
                if supporting_belief(payoffs, r, self.slack_receiver) is not None
            )
        return self._subset_cache[key]


def _enumerate(game: SignallingGame, tables: _Tables, budget: _Budget) -> list[PBE]:
    T, M, _ = game.shape
    prior = game.prior
    uS = game.sender_payoffs
    uR = game.receiver_payoffs
    allowed = game.senders_allowed
    slack_s = tables.slack_sender
    slack_r = tables.slack_receiver
    found: list[PBE] = []
    # Prune: at every message m' a type may send, each sustainable response
    # (and every response the receiver can give there in a PBE is one) pays
    # it at least floor[t, m']; so its equilibrium payoff is at least the
    # largest floor, and a message whose best sustainable response pays
    # less cannot be its equilibrium message.
    sustained = np.where(tables.sustainable[None, :, :], uS, np.nan)
    floor = np.where(allowed, np.nanmin(sustained, axis=2), -np.inf)
    ceiling = np.nanmax(sustained, axis=2)
    enough = ceiling + slack_s >= floor.max(axis=1, keepdims=True)
    choices = [np.flatnonzero(allowed[t] & enough[t]).tolist() for t in range(T)]
    budget.check(
        float(np.prod([float(len(c)) for c in choices])),
        f"sender strategies of {T} types over {M} messages",
    )
    for profile in itertools.product(*choices):
        sent = sorted(set(profile))
        options: list[Sequence[int]] = []
        bayes: dict[int, NDArray[np.float64]] = {}
        for m in sent:
            senders = [t for t in range(T) if profile[t] == m]
            mass = prior[senders].sum()
            if mass > 0:
                mu = np.zeros(T)
                mu[senders] = prior[senders] / mass
                bayes[m] = mu
                options.append(best_of(expected_values(uR[:, m, :], mu), slack_r).tolist())
            else:
                options.append(np.flatnonzero(tables.sustainable[m]).tolist())
        unsent = np.ones(M, dtype=bool)
        unsent[sent] = False
        for answer in itertools.product(*options):
            budget.spend(1)
            rho = dict(zip(sent, answer, strict=True))
            ustar = np.array([uS[t, profile[t], rho[profile[t]]] for t in range(T)])
            limit = ustar + slack_s
            if any(
                tables.deviation[t, m, rho[m]] > limit[t] for m in sent for t in range(T)
            ):
                continue
            receiver = np.zeros(M, dtype=np.intp)
            for m in sent:
                receiver[m] = rho[m]
            if unsent.any():
                dev = tables.deviation[:, unsent, :]  # (T, k, R)
                deters = tables.sustainable[unsent] & np.all(
                    dev <= limit[:, None, None], axis=0
                )
                if not deters.any(axis=1).all():
                    continue
                gains = np.where(deters, np.max(dev - ustar[:, None, None], axis=0), np.inf)
                # the strongest deterrent; gains within the slack of the least
                # are ties (so that round-off never decides), to the lowest index
                strongest = gains <= gains.min(axis=1, keepdims=True) + slack_s
                receiver[unsent] = np.argmax(strongest, axis=1)
            budget.spend(_PBE_WORK)
            found.append(_build(game, tables, profile, receiver, bayes, ustar))
    return found


def _build(
    game: SignallingGame,
    tables: _Tables,
    profile: Sequence[int],
    receiver: NDArray[np.intp],
    bayes: dict[int, NDArray[np.float64]],
    ustar: NDArray[np.float64],
) -> PBE:
    T, M, _ = game.shape
    beliefs = np.zeros((M, T))
    intervals = np.zeros((M, 2)) if T == 2 else None
    off_path = np.ones(M, dtype=bool)
    for m in range(M):
        if m in bayes:
            beliefs[m] = bayes[m]
            off_path[m] = False
            if intervals is not None:
                intervals[m] = bayes[m][1]
            continue
        belief, interval = tables.support(m, int(receiver[m]))
        beliefs[m] = belief
        if intervals is not None:
            assert interval is not None
            intervals[m] = interval
    sender = readonly(np.asarray(profile, dtype=np.intp))
    receiver = readonly(receiver)
    receiver_values = game.receiver_payoffs[np.arange(T), sender, receiver[sender]]
    intuitive = _intuitive(game, tables, ustar, off_path)
    regret = _regret(game, sender, receiver, beliefs)
    return PBE(
        sender,
        receiver,
        readonly(beliefs),
        belief_intervals=None if intervals is None else readonly(intervals),
        off_path=readonly(off_path),
        kind=_kind(profile, T),
        sender_payoffs=readonly(ustar.astype(np.float64)),
        receiver_payoff=_ex_ante(game.prior, receiver_values),
        intuitive=intuitive,
        regret=regret,
    )


def _intuitive(
    game: SignallingGame,
    tables: _Tables,
    ustar: NDArray[np.float64],
    off_path: NDArray[np.bool_],
) -> bool:
    """The Intuitive Criterion (see :func:`intuitive_criterion`)."""
    uS = game.sender_payoffs
    slack = tables.slack_sender
    positive = game.prior > 0
    for m in np.flatnonzero(off_path).tolist():
        candidates = np.flatnonzero(game.senders_allowed[:, m] & positive).tolist()
        if not candidates:
            continue
        sustainable = np.flatnonzero(tables.sustainable[m])  # beliefs over `candidates`
        theta = [t for t in candidates if uS[t, m, sustainable].max() + slack >= ustar[t]]
        if not theta:  # every type is equilibrium-dominated: no restriction
            continue
        # (if theta holds every candidate, some sustainable response deters
        # them all in a PBE, so the test below passes)
        replies = list(tables.responses_for(m, theta))
        if any(uS[t, m, replies].min() > ustar[t] + slack for t in theta):
            return False
    return True


def _regret(
    game: SignallingGame,
    sender: NDArray[np.intp],
    receiver: NDArray[np.intp],
    beliefs: NDArray[np.float64],
) -> float:
    """:func:`pbe_regret` from arrays (recomputed from scratch)."""
    T, M, _ = game.shape
    allowed = game.senders_allowed
    uS, uR = game.sender_payoffs, game.receiver_payoffs
    own = uS[np.arange(T), sender, receiver[sender]]
    at = uS[:, np.arange(M), receiver]  # (T, M): each type's payoff at each message
    sender_gain = float(np.max(np.where(allowed, at - own[:, None], -np.inf)))
    # beliefs: Bayes on the path, admissible off it
    worst = 0.0
    for m in range(M):
        mu = beliefs[m]
        senders = sender == m
        mass = float(game.prior[senders].sum())
        if mass > 0:
            expected = np.where(senders, game.prior, 0.0) / mass
            if not np.allclose(mu, expected, rtol=0, atol=1e-9):
                return float("inf")
        else:
            support = list(game.belief_support(m))
            outside = np.delete(mu, support)
            if outside.size and outside.max() > 1e-12:
                return float("inf")
        if abs(mu.sum() - 1.0) > 1e-9 or mu.min() < -1e-12:
            return float("inf")
        values = uR[:, m, :].T @ mu
        worst = max(worst, float(values.max() - values[receiver[m]]))
    ranges = game.payoff_ranges
    return max(max(sender_gain, 0.0) / float(ranges[0]), worst / float(ranges[1]))


# --------------------------------------------------------------------------
# Public API (one game)
# --------------------------------------------------------------------------


def _check_game(game: object, name: str = "game") -> SignallingGame:
    if isinstance(game, SignallingGame):
        return game
    if isinstance(game, ExtensiveFormGame):
        return SignallingGame.from_extensive(game)
    raise InvalidArgumentError(
        f"{name} must be a SignallingGame (or an ExtensiveFormGame with its "
        f"structure), got {describe(game)}"
    )


def pure_pbe(
    game: SignallingGame | ExtensiveFormGame,
    *,
    tol: float = DEFAULT_TOL,
    max_work: float = DEFAULT_MAX_WORK,
) -> tuple[PBE, ...]:
    """All pure-strategy perfect Bayesian equilibria of a signalling game (by class).

    Parameters
    ----------
    game : SignallingGame
    tol : float, optional
        Relative tolerance: a response (message) within ``tol`` times the
        receiver's (sender's) payoff range of the best counts as a best one.
    max_work : float, default DEFAULT_MAX_WORK
        The most candidate equilibria to examine (see Notes).

    Returns
    -------
    tuple of PBE
        One per class (see :mod:`kurilsim.solvers.pbe`), ordered by the
        types' messages, then the responses at the sent messages.

    Notes
    -----
    For each pure sender strategy (``prod_t (allowed messages of t)`` of
    them): the responses at sent messages are the best responses to the
    Bayes belief (each tie branched on), or any sustainable response where
    only types of probability zero send the message; the profile is a PBE
    iff no type gains by sending another sent message and, at every unsent
    message, some sustainable response (:meth:`SignallingGame.sustainable_responses`)
    deters every type.  The receiver's ``R**M`` strategies are never
    enumerated.  A signalling game need not have a pure PBE (its PBE may
    require the receiver, or the sender, to mix): the tuple is then empty.

    The sender strategies grow as ``n_messages ** n_types`` and, in
    degenerate games, the tied responses and the PBE found with them:
    :class:`~kurilsim.ProblemTooLargeError` is raised before the enumeration
    when the sender strategies alone exceed ``max_work``, and during it when
    the candidates examined (each PBE built counting as 40) do.

    Examples
    --------
    >>> from kurilsim import SignallingGame
    >>> from kurilsim.solvers.pbe import pure_pbe
    >>> sender = [[[0, 2], [1, 3]], [[1, 3], [0, 2]]]
    >>> receiver = [[[1, 0], [1, 0]], [[0, 1], [0, 1]]]
    >>> game = SignallingGame(["weak", "strong"], [0.1, 0.9], ["beer", "quiche"],
    ...                       ["duel", "no duel"], sender, receiver)
    >>> [(e.kind, e.sender.tolist(), e.receiver.tolist(), e.intuitive)
    ...  for e in pure_pbe(game)]
    [('pooling', [0, 0], [1, 0], True), ('pooling', [1, 1], [0, 1], False)]
    """
    game = _check_game(game)
    tol = check_real(tol, "tol", low=0, high=1, high_open=True)
    budget = _Budget(_check_max_work(max_work))
    tables = _Tables(game, tol)
    return tuple(_enumerate(game, tables, budget))


def intuitive_criterion(
    game: SignallingGame, pbe: PBE, *, tol: float = DEFAULT_TOL
) -> bool:
    """Whether a PBE survives the Intuitive Criterion (Cho and Kreps 1987).

    For each message ``m`` sent with probability zero, let ``Theta(m)`` be the
    types of positive prior probability that may send ``m`` and for which
    ``m`` is not equilibrium-dominated: some response that is a best
    response to some admissible belief gives them at least their
    equilibrium payoff.  The equilibrium fails if some type in
    ``Theta(m)`` gets strictly more than its equilibrium payoff from every
    best response to every belief concentrated on ``Theta(m)``.  (When
    ``Theta(m)`` is empty, or holds every candidate type, the criterion
    puts no restriction at ``m``.)  Comparisons use the tolerance ``tol``
    times the sender's payoff range.

    Types of prior probability zero are left out of ``Theta`` (Cho and Kreps
    assume a prior of full support; such a type cannot upset beliefs).

    Examples
    --------
    >>> from kurilsim import SignallingGame
    >>> from kurilsim.solvers.pbe import intuitive_criterion, pure_pbe
    >>> sender = [[[0, 2], [1, 3]], [[1, 3], [0, 2]]]
    >>> receiver = [[[1, 0], [1, 0]], [[0, 1], [0, 1]]]
    >>> game = SignallingGame(["weak", "strong"], [0.1, 0.9], ["beer", "quiche"],
    ...                       ["duel", "no duel"], sender, receiver)
    >>> [intuitive_criterion(game, e) for e in pure_pbe(game)]
    [True, False]
    """
    game = _check_game(game)
    tol = check_real(tol, "tol", low=0, high=1, high_open=True)
    _check_pbe(game, pbe)
    tables = _Tables(game, tol)
    ustar = game.sender_payoffs[
        np.arange(game.n_types), pbe.sender, pbe.receiver[pbe.sender]
    ]
    off = np.ones(game.n_messages, dtype=bool)
    off[[m for m in set(pbe.sender.tolist()) if game.prior[pbe.sender == m].sum() > 0]] = False
    return _intuitive(game, tables, ustar, off)


def pbe_regret(game: SignallingGame, pbe: PBE) -> float:
    """The largest deviation gain in a PBE, relative to payoff ranges.

    The maximum of (a) the largest gain of any type from sending another
    message it may send, over the sender's payoff range, and (b) the
    largest gain of the receiver from another response at any message,
    under the stated belief there, over the receiver's payoff range.
    Beliefs that are not Bayes' rule where it applies (or put weight
    outside :meth:`SignallingGame.belief_support` elsewhere) give ``inf``.
    Computed from scratch: the oracle of the solver's certificate.
    """
    game = _check_game(game)
    _check_pbe(game, pbe)
    return _regret(game, pbe.sender, pbe.receiver, pbe.beliefs)


def _check_pbe(game: SignallingGame, pbe: object) -> None:
    """Refuse anything but a PBE whose arrays fit ``game``."""
    if not isinstance(pbe, PBE):
        raise InvalidArgumentError(f"pbe must be a PBE (from pure_pbe), got {describe(pbe)}")
    T, M, R = game.shape
    sender, receiver = np.asarray(pbe.sender), np.asarray(pbe.receiver)
    if (
        sender.shape != (T,)
        or receiver.shape != (M,)
        or np.shape(pbe.beliefs) != (M, T)
        or not np.all((sender >= 0) & (sender < M))
        or not np.all((receiver >= 0) & (receiver < R))
    ):
        raise InvalidArgumentError(
            f"pbe does not fit the game's {T} types, {M} messages and {R} responses: "
            f"it sends messages {sender.tolist()} and answers {receiver.tolist()}; "
            "pass the game it was computed for"
        )


def _sort_key(game: SignallingGame, e: PBE) -> tuple[Any, ...]:
    return (
        -_ex_ante(game.prior, e.sender_payoffs),
        tuple(e.sender.tolist()),
        tuple(e.receiver[e.sender].tolist()),
    )


def _select(game: SignallingGame, equilibria: Sequence[PBE]) -> PBE | None:
    """Among the intuitive PBE (all if none is), the highest ex-ante sender
    payoff; ties: lowest messages of the types in type order, then lowest
    responses at them."""
    if not equilibria:
        return None
    pool = [e for e in equilibria if e.intuitive] or list(equilibria)
    return min(pool, key=lambda e: _sort_key(game, e))


def solve_pbe(
    game: SignallingGame | ExtensiveFormGame,
    *,
    select: str | Callable[[tuple[PBE, ...]], PBE | None] | None = None,
    tol: float = DEFAULT_TOL,
    max_work: float = DEFAULT_MAX_WORK,
) -> PBEResult:
    """All pure PBE of a signalling game, with one selected and a certificate.

    Parameters
    ----------
    game : SignallingGame or ExtensiveFormGame
        An extensive game is accepted if it has the structure of a
        signalling game (``SignallingGame.from_extensive``, where available).
    select : str or callable, optional
        ``None`` or ``"sender-optimal"``: among the pure PBE that survive the
        Intuitive Criterion (all pure PBE if none does), the one with the
        highest ex-ante sender payoff; ties go to the lowest message indices
        of the types in type order, then the lowest responses at them.  A
        callable receives the tuple of equilibria and returns one (or None).
    tol : float, optional
        Relative tolerance of best-response comparisons.
    max_work : float, default DEFAULT_MAX_WORK
        The enumeration's budget (see :func:`pure_pbe`).

    Returns
    -------
    PBEResult

    Raises
    ------
    SolverError
        If a returned equilibrium failed its independent check.
    ProblemTooLargeError
        If the enumeration would exceed ``max_work``.

    Examples
    --------
    >>> from kurilsim import SignallingGame, solve_pbe
    >>> sender = [[[0, 2], [1, 3]], [[1, 3], [0, 2]]]
    >>> receiver = [[[1, 0], [1, 0]], [[0, 1], [0, 1]]]
    >>> game = SignallingGame(["weak", "strong"], [0.1, 0.9], ["beer", "quiche"],
    ...                       ["duel", "no duel"], sender, receiver)
    >>> result = solve_pbe(game)
    >>> result.selected.describe(game)
    'pooling PBE: weak->beer, strong->beer; responses beer:no duel, quiche:duel* (* off path); intuitive'
    >>> result.certificate
    0.0
    """
    game = _check_game(game)
    tol = check_real(tol, "tol", low=0, high=1, high_open=True)
    equilibria = pure_pbe(game, tol=tol, max_work=max_work)
    if select is None or isinstance(select, str):
        rule = "sender-optimal" if select is None else select
        if rule not in RULES:
            raise InvalidArgumentError(
                f"select must be one of {', '.join(map(repr, RULES))} or a callable, "
                f"got {describe(select)}"
            )
        selected = _select(game, equilibria)
    elif callable(select):
        rule = "custom"
        selected = select(equilibria)
        if selected is not None and selected not in equilibria:
            raise InvalidArgumentError("select returned an object that is not one of the PBE")
    else:
        raise InvalidArgumentError(
            f"select must be None, 'sender-optimal' or a callable, got {describe(select)}"
        )
    certificate = max((e.regret for e in equilibria), default=0.0)
    if certificate > tol + 1e-12:
        raise SolverError(
            f"a pure PBE failed its check: largest relative deviation gain "
            f"{certificate:.3g} > tol={tol:g}"
        )
    counts = {k: sum(e.kind == k for e in equilibria) for k in KINDS}
    n_intuitive = sum(e.intuitive for e in equilibria)
    summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "none"
    message = (
        f"{len(equilibria)} pure PBE ({summary}); {n_intuitive} survive the "
        f"Intuitive Criterion; "
        + (
            "no pure PBE exists"
            if selected is None
            else f"selected ({rule}): {selected.kind}, types send "
            + ", ".join(game.messages[int(m)] for m in selected.sender)
        )
    )
    return PBEResult(
        equilibria,
        selected=selected,
        rule=rule,
        game=game,
        method="pure-enumeration",
        tol=tol,
        certificate=certificate,
        message=message,
    )


# --------------------------------------------------------------------------
# Batch kernel
# --------------------------------------------------------------------------


def select_pbe(
    sender_payoffs: ArrayLike,
    receiver_payoffs: ArrayLike,
    prior: ArrayLike,
    *,
    allowed: ArrayLike | None = None,
    rule: str = "sender-optimal",
    tol: float = DEFAULT_TOL,
    max_work: float = DEFAULT_MAX_WORK,
) -> PBESelection:
    """The selected pure PBE of every game in a batch (vectorised).

    Equal, point by point, to ``solve_pbe(SignallingGame(..., sender_payoffs[i],
    receiver_payoffs[i], prior[i], allowed=...)).selected`` (its ``sender``
    and ``receiver`` arrays and its kind).

    Parameters
    ----------
    sender_payoffs, receiver_payoffs : array_like
        ``(..., n_types, n_messages, n_responses)``, broadcast together.
    prior : array_like
        ``(..., n_types)``, broadcast against the payoffs' batch dimensions;
        non-negative, each summing to one (renormalised as
        :class:`SignallingGame` does).
    allowed : array_like of bool, optional
        ``(..., n_types, n_messages)``: which messages each type may send.
    rule : str
        ``"sender-optimal"`` (see :func:`solve_pbe`).
    tol : float
        Relative tolerance, as in :func:`solve_pbe`; each game's payoff
        ranges are its own.
    max_work : float, default DEFAULT_MAX_WORK
        Budget of the games that are not two types by two responses, which
        are solved one by one with :func:`pure_pbe`: the candidate
        equilibria examined over the whole batch (the two-by-two path needs
        no budget: its work is ``O(M**2)`` per game, in chunks).

    Returns
    -------
    PBESelection
        ``(sender, receiver, kind)``: the types' messages ``(..., n_types)``,
        the response at each message ``(..., n_messages)`` and the kind code
        ``(...)`` (index in :data:`KINDS`).  All are -1 at points without a
        pure PBE, which happens when every PBE needs mixing: e.g. when the
        receiver's best response to a pooling belief would make some type
        want to separate, and its best response to separation would make
        the types pool.

    Notes
    -----
    Two types and two responses (the pledge game) take a vectorised path
    that never enumerates message pairs in Python: per game it computes the
    receiver's best responses to the pooling belief and to each type's
    point belief, the sustainable responses at every message, and three
    monotone envelopes over messages, evaluated by sorting: the smallest
    payoff of type 1 that deters every message given type 0's payoff
    (``phi``), and the two Intuitive-Criterion bounds.  Pooling candidates
    are then checked in ``O(M)`` and separating pairs in one vectorised
    ``(M x M)`` comparison per game (chunked).  With numba installed, batches
    of at least 1000 such games run the same computation as one compiled
    loop over the games (:mod:`kurilsim.solvers._pbe_kernel`: the envelopes
    by one sort each, the separating pairs scanned best bound first with
    early exits, no quadratic array), identical answers, ties included;
    ``KURILSIM_DISABLE_NUMBA=1`` keeps numpy.  Other shapes loop over the
    batch with :func:`solve_pbe`.

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim.solvers.pbe import select_pbe
    >>> sender = np.array([[[0, 2], [1, 3]], [[1, 3], [0, 2]]], dtype=float)
    >>> receiver = np.array([[[1, 0], [1, 0]], [[0, 1], [0, 1]]], dtype=float)
    >>> priors = np.array([[0.1, 0.9], [0.9, 0.1]])  # P(weak), P(strong)
    >>> chosen = select_pbe(sender, receiver, priors)
    >>> chosen.sender.tolist(), chosen.receiver.tolist(), chosen.kind.tolist()
    ([[0, 0], [-1, -1]], [[1, 0], [-1, -1]], [0, -1])

    With the prior 0.9 on the weak type, beer-quiche has no pure PBE: pooling
    on either breakfast meets a duel, from which one type would break away,
    and either separation lets the weak type profit by mimicking.
    """
    if rule not in RULES:
        raise InvalidArgumentError(
            f"rule must be one of {', '.join(map(repr, RULES))}, got {describe(rule)}"
        )
    tol = check_real(tol, "tol", low=0, high=1, high_open=True)
    budget = _Budget(_check_max_work(max_work))
    uS = real_array(sender_payoffs, "sender_payoffs")
    uR = real_array(receiver_payoffs, "receiver_payoffs")
    p = real_array(prior, "prior")
    if uS.ndim < 3 or uR.ndim < 3 or p.ndim < 1:
        raise InvalidArgumentError(
            "sender_payoffs and receiver_payoffs must be (..., n_types, n_messages, "
            f"n_responses) and prior (..., n_types), got shapes {uS.shape}, {uR.shape}, "
            f"{p.shape}"
        )
    if allowed is not None and np.asarray(allowed).dtype != np.bool_:
        raise InvalidArgumentError(f"allowed must be a boolean array, got {describe(allowed)}")
    try:
        core = np.broadcast_shapes(uS.shape[-3:], uR.shape[-3:])
        T, M, R = core
        if p.shape[-1] != T:
            raise ValueError
        batch = np.broadcast_shapes(uS.shape[:-3], uR.shape[:-3], p.shape[:-1])
        if allowed is not None:
            al = np.asarray(allowed)
            if al.ndim < 2 or al.shape[-2:] != (T, M):
                raise ValueError
            batch = np.broadcast_shapes(batch, al.shape[:-2])
    except ValueError:
        raise InvalidArgumentError(
            f"the shapes of sender_payoffs {uS.shape}, receiver_payoffs {uR.shape}, "
            f"prior {p.shape}"
            + ("" if allowed is None else f" and allowed {np.shape(allowed)}")
            + " do not broadcast to (..., n_types, n_messages, n_responses)"
        ) from None
    if np.any(p < 0) or np.any(np.abs(p.sum(axis=-1) - 1.0) > 1e-9):
        raise InvalidArgumentError("prior must be non-negative and sum to 1 at every point")
    n = int(np.prod(batch, dtype=np.int64))
    uS = np.broadcast_to(uS, (*batch, T, M, R)).reshape(n, T, M, R)
    uR = np.broadcast_to(uR, (*batch, T, M, R)).reshape(n, T, M, R)
    p = np.broadcast_to(p, (*batch, T)).reshape(n, T)
    if allowed is None:
        al = np.ones((n, T, M), dtype=bool)
    else:
        al = np.broadcast_to(np.asarray(allowed), (*batch, T, M)).reshape(n, T, M)
    if not al.any(axis=2).all():
        raise InvalidArgumentError("allowed must give every type a message at every point")
    if not al.any(axis=1).all():
        raise InvalidArgumentError("allowed must let some type send every message")
    if n == 0:
        sender = np.zeros((0, T), dtype=np.intp)
        receiver = np.zeros((0, M), dtype=np.intp)
        kind = np.zeros(0, dtype=np.intp)
    elif (
        T == 2 and R == 2 and n >= _COMPILED_MIN_GAMES
        and (compiled := _compiled_two_by_two()) is not None
    ):  # one compiled loop over the games
        sender = np.empty((n, T), dtype=np.intp)
        receiver = np.empty((n, M), dtype=np.intp)
        kind = np.empty(n, dtype=np.intp)
        compiled(
            np.ascontiguousarray(uS, dtype=np.float64),
            np.ascontiguousarray(uR, dtype=np.float64),
            np.ascontiguousarray(p / p.sum(axis=1, keepdims=True)),
            np.ascontiguousarray(al, dtype=np.bool_),
            float(tol), sender, receiver, kind,
        )
    elif T == 2 and R == 2:  # in chunks of rows that stay in the CPU's caches
        parts = [
            _select_two_by_two(
                uS[lo : lo + _CHUNK_ROWS], uR[lo : lo + _CHUNK_ROWS],
                p[lo : lo + _CHUNK_ROWS], al[lo : lo + _CHUNK_ROWS], tol,
            )
            for lo in range(0, n, _CHUNK_ROWS)
        ]
        sender, receiver, kind = (np.concatenate(x) for x in zip(*parts, strict=True))
    else:
        games = f"{n} game{'' if n == 1 else 's'}"
        budget.check(float(n) * float(M) ** T, f"{games} of {T} types over {M} messages")
        sender, receiver, kind = _select_loop(uS, uR, p, al, tol, budget)
    return PBESelection(
        sender.reshape(*batch, T), receiver.reshape(*batch, M), kind.reshape(batch)
    )


def _select_loop(
    uS: NDArray[np.float64],
    uR: NDArray[np.float64],
    p: NDArray[np.float64],
    al: NDArray[np.bool_],
    tol: float,
    budget: _Budget,
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    n, T, M, R = uS.shape
    sender = np.full((n, T), -1, dtype=np.intp)
    receiver = np.full((n, M), -1, dtype=np.intp)
    kind = np.full(n, -1, dtype=np.intp)
    labels = (
        tuple(f"t{t}" for t in range(T)),
        tuple(f"m{m}" for m in range(M)),
        tuple(f"r{r}" for r in range(R)),
    )
    for i in range(n):
        game = SignallingGame(
            labels[0], p[i], labels[1], labels[2], uS[i], uR[i], allowed=np.array(al[i])
        )
        chosen = _select(game, tuple(_enumerate(game, _Tables(game, tol), budget)))
        if chosen is not None:
            sender[i] = chosen.sender
            receiver[i] = chosen.receiver
            kind[i] = KINDS.index(chosen.kind)
    return sender, receiver, kind



#: Batches of at least this many two-by-two games use the compiled loop (when
#: numba is there): loading it costs a few tenths of a second once per
#: process (compiling it, the first time ever, some seconds), the numpy
#: kernel about a millisecond per game of the pledge game.
_COMPILED_MIN_GAMES: Final = 1000

_compiled: Any = None  # the compiled two-by-two loop once looked up; False if none


def _compiled_two_by_two() -> Callable[..., None] | None:
    """The numba-compiled two-by-two selection, or ``None`` for the numpy kernel.

    ``None`` if numba is not installed or cannot be imported, or if the
    environment variable ``KURILSIM_DISABLE_NUMBA`` is set (to anything but
    ``""``, ``0``, ``false`` or ``no``; read once, on first use).  Both give
    the same selection (``tests/solvers/test_pbe_kernel.py``).
    """
    global _compiled
    if _compiled is None:
        _compiled = False
        if not numba_disabled():
            try:
                from kurilsim.solvers import _pbe_kernel
            except ImportError:  # pragma: no cover - numba unusable
                pass
            else:
                if _pbe_kernel.HAVE_NUMBA:
                    _compiled = _pbe_kernel.two_by_two_games
    return _compiled or None


#: Games per call of the two-by-two kernel (a few MB of working arrays at M = 160).
_CHUNK_ROWS: Final = 512

#: Target number of pair entries per chunk of the two-by-two kernel.
_CHUNK_ENTRIES: Final = 1 << 22


def _count_le(
    keys: NDArray[np.float64], queries: NDArray[np.float64], *, strict: bool
) -> NDArray[np.intp]:
    """Row by row, how many ``keys`` are ``<= query`` (``< query`` if strict).

    ``keys`` is ``(n, K)`` sorted along each row, ``queries`` ``(n, Q)``.  One
    :func:`numpy.searchsorted` over all rows: each value ``v`` of row ``i``
    becomes the complex number ``i + v j``, which numpy orders by real part
    first, so the rows do not mix (infinities included).
    """
    n, K = keys.shape
    rows = np.arange(n, dtype=np.float64)[:, None]
    flat_keys = np.empty(keys.shape, dtype=np.complex128)
    flat_keys.real = rows
    flat_keys.imag = keys
    flat_queries = np.empty(queries.shape, dtype=np.complex128)
    flat_queries.real = rows
    flat_queries.imag = queries
    found = np.searchsorted(
        flat_keys.ravel(), flat_queries.ravel(), side="left" if strict else "right"
    ).reshape(queries.shape)
    counts: NDArray[np.intp] = found - (np.arange(n, dtype=np.intp) * K)[:, None]
    return counts


def _select_two_by_two(
    uS: NDArray[np.float64],
    uR: NDArray[np.float64],
    p: NDArray[np.float64],
    al: NDArray[np.bool_],
    tol: float,
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """:func:`select_pbe` for two types and two responses (see its Notes).

    Every comparison is the very float expression the enumeration uses, so
    the two agree exactly (ties included).
    """
    n, _, M, _ = uS.shape
    inf = np.inf
    p = p / p.sum(axis=1, keepdims=True)
    p0, p1 = p[:, 0], p[:, 1]
    flatS = uS.reshape(n, -1)
    flatR = uR.reshape(n, -1)
    spanS = flatS.max(axis=1) - flatS.min(axis=1)
    spanR = flatR.max(axis=1) - flatR.min(axis=1)
    slackS = (tol * np.where(spanS > 0, spanS, 1.0))[:, None, None]  # (n, 1, 1)
    slackR = (tol * np.where(spanR > 0, spanR, 1.0))[:, None, None]
    al0, al1 = al[:, 0, :], al[:, 1, :]  # (n, M)
    S0, S1 = uS[:, 0], uS[:, 1]  # (n, M, 2)
    R0, R1 = uR[:, 0], uR[:, 1]

    def best(values: NDArray[np.float64]) -> NDArray[np.bool_]:
        chosen: NDArray[np.bool_] = values >= values.max(axis=2, keepdims=True) - slackR
        return chosen

    # best responses to a belief on one type, computed as expected_values does
    br0 = best(1.0 * R0 + 0.0 * R1)  # belief on type 0
    br1 = best(0.0 * R0 + 1.0 * R1)  # belief on type 1
    # pooling: Bayes belief = the prior (renormalised over the two senders)
    mass = p0 + p1
    mu0, mu1 = (p0 / mass)[:, None, None], (p1 / mass)[:, None, None]
    brp = best(mu0 * R0 + mu1 * R1)
    # admissible belief support per message
    in0 = al0 & (p0[:, None] > 0)
    in1 = al1 & (p1[:, None] > 0)
    none = ~(in0 | in1)
    in0 = in0 | (none & al0)
    in1 = in1 | (none & al1)
    sus = (in0[:, :, None] & br0) | (in1[:, :, None] & br1)  # (n, M, 2)
    # the response a type's own message gets when it sends it alone
    sep0 = np.where((p0 > 0)[:, None, None], br0, sus)
    sep1 = np.where((p1 > 0)[:, None, None], br1, sus)

    # --- deterrence envelope phi(A): max over messages of the smallest type-1
    # payoff a sustainable response gives there among those giving type 0 <= A
    alpha = np.where(sus, np.where(al0[:, :, None], S0, -inf), inf)  # (n, M, 2)
    beta = np.where(al1[:, :, None], S1, -inf)
    swap = alpha[:, :, 1] < alpha[:, :, 0]
    a_lo = np.where(swap, alpha[:, :, 1], alpha[:, :, 0])
    a_hi = np.where(swap, alpha[:, :, 0], alpha[:, :, 1])
    b_lo = np.where(swap, beta[:, :, 1], beta[:, :, 0])
    b_hi = np.where(swap, beta[:, :, 0], beta[:, :, 1])
    b_min = np.minimum(b_lo, b_hi)
    a_star = a_lo.max(axis=1)  # below this, some message deters nobody
    A_all = (S0 + slackS).reshape(n, 2 * M)  # queries: type-0 payoffs (+ slack)
    order = np.argsort(a_hi, axis=1, kind="stable")
    sorted_ahi = np.take_along_axis(a_hi, order, axis=1)
    sorted_bmin = np.take_along_axis(b_min, order, axis=1)
    sorted_blo = np.take_along_axis(b_lo, order, axis=1)
    prefix = np.concatenate(
        [np.full((n, 1), -inf), np.maximum.accumulate(sorted_bmin, axis=1)], axis=1
    )
    suffix = np.concatenate(
        [np.maximum.accumulate(sorted_blo[:, ::-1], axis=1)[:, ::-1], np.full((n, 1), -inf)],
        axis=1,
    )
    k = _count_le(sorted_ahi, A_all, strict=False)
    phi = np.maximum(
        np.take_along_axis(prefix, k, axis=1), np.take_along_axis(suffix, k, axis=1)
    )
    phi = np.where(A_all < a_star[:, None], inf, phi).reshape(n, M, 2)

    # --- Intuitive Criterion envelopes, at messages both types may send
    both = al0 & al1 & (p0 > 0)[:, None] & (p1 > 0)[:, None]
    g0 = np.where(br0, S0, inf).min(axis=2)  # type 0's worst reply to a belief on it
    g1 = np.where(br1, S1, inf).min(axis=2)
    h0 = np.where(sus, S0, -inf).max(axis=2)  # a type's best sustainable reply
    h1 = np.where(sus, S1, -inf).max(axis=2)
    s_flat = slackS[:, :, 0]
    g0 = np.where(both, g0, -inf)
    H1 = h1 + s_flat
    H0 = np.where(both, h0 + s_flat, inf)
    # psi1(A) = min{H1 : g0 > A};  psi2(a) = max{g1 : H0 < a}
    order = np.argsort(g0, axis=1, kind="stable")
    sorted_g0 = np.take_along_axis(g0, order, axis=1)
    sorted_H1 = np.take_along_axis(H1, order, axis=1)
    suffix_min = np.concatenate(
        [np.minimum.accumulate(sorted_H1[:, ::-1], axis=1)[:, ::-1], np.full((n, 1), inf)],
        axis=1,
    )
    k = _count_le(sorted_g0, A_all, strict=False)
    psi1 = np.take_along_axis(suffix_min, k, axis=1).reshape(n, M, 2)
    order = np.argsort(H0, axis=1, kind="stable")
    sorted_H0 = np.take_along_axis(H0, order, axis=1)
    sorted_g1 = np.take_along_axis(np.where(both, g1, -inf), order, axis=1)
    prefix_max = np.concatenate(
        [np.full((n, 1), -inf), np.maximum.accumulate(sorted_g1, axis=1)], axis=1
    )
    k = _count_le(sorted_H0, S0.reshape(n, 2 * M), strict=True)
    psi2 = np.take_along_axis(prefix_max, k, axis=1).reshape(n, M, 2)

    A = S0 + slackS  # (n, M, 2)
    B = S1 + slackS

    # --- pooling candidates (m, r)
    pool_ok = (al0 & al1)[:, :, None] & brp & (phi <= B)
    pool_int = pool_ok & ~(psi1 < S1) & ~(psi2 > B)
    pool_val = p0[:, None, None] * S0 + p1[:, None, None] * S1
    mm = np.arange(M)[:, None]
    rr = np.arange(2)[None, :]
    pool_code = np.broadcast_to(((mm * M + mm) * 2 + rr) * 2 + rr, (M, 2))

    # --- separating candidates: type 0 options i = (m0, r0), type 1 options j
    opt0 = al0[:, :, None] & sep0
    opt1 = al1[:, :, None] & sep1
    # a type's equilibrium payoff (+ slack) is at least the largest, over the
    # messages it may send, of the least a sustainable response pays it
    # there (phi <= B enforces it too; pruning here only narrows the pairs)
    floor0 = np.where(al0, np.where(sus, S0, inf).min(axis=2), -inf).max(axis=1)
    floor1 = np.where(al1, np.where(sus, S1, inf).min(axis=2), -inf).max(axis=1)
    opt0 &= floor0[:, None, None] <= A
    opt1 &= floor1[:, None, None] <= B
    thr = np.maximum(np.where(al1[:, :, None], S1, -inf), phi)  # (n, M, 2)
    c = np.where(al0[:, :, None], S0, -inf)

    big = 4 * M
    code = (np.arange(M)[:, None] * 2 + np.arange(2)[None, :]).reshape(-1)  # m*2+r

    def compact(valid: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
        flat = np.where(valid.reshape(n, -1), code[None, :], big)
        flat.sort(axis=1)
        width = max(int(valid.reshape(n, -1).sum(axis=1).max(initial=0)), 1)
        flat = flat[:, :width]
        return np.minimum(flat, 2 * M - 1), flat < big

    idx0, live0 = compact(opt0)
    idx1, live1 = compact(opt1)

    def take(a: NDArray[Any], idx: NDArray[np.intp]) -> NDArray[Any]:
        return np.take_along_axis(a.reshape(n, -1), idx, axis=1)

    a_i, A_i = take(S0, idx0), take(A, idx0)
    thr_i = np.where(live0, take(thr, idx0), inf)
    psi1_i, psi2_i = take(psi1, idx0), take(psi2, idx0)
    m0_i, r0_i = idx0 // 2, idx0 % 2
    b_j, B_j = take(S1, idx1), take(B, idx1)
    c_j = np.where(live1, take(c, idx1), inf)
    m1_j, r1_j = idx1 // 2, idx1 % 2
    # order type 1's options by (p1 * b desc, code asc): the first feasible
    # one in this order is the best partner of a type-0 option
    w_j = p1[:, None] * b_j
    order = np.argsort(-w_j, axis=1, kind="stable")  # stable: codes ascend
    b_j, B_j, c_j, m1_j, r1_j = (
        np.take_along_axis(x, order, axis=1) for x in (b_j, B_j, c_j, m1_j, r1_j)
    )
    low_int = np.maximum(thr_i, psi2_i)  # psi2 <= B  and  thr <= B

    def first_partner(rows: NDArray[np.intp], lower: NDArray[np.float64],
                      upper: NDArray[np.float64] | None) -> NDArray[np.intp]:
        """Per type-0 option of the given rows: the first feasible partner
        (-1 if none); ``upper`` bounds b (the Intuitive Criterion) if given."""
        out = np.full((rows.size, K0), -1, dtype=np.intp)
        step = max(1, _CHUNK_ENTRIES // max(K0 * K1, 1))
        for lo in range(0, rows.size, step):
            r = rows[lo : lo + step]
            mask = c_j[r, None, :] <= A_i[r, :, None]
            mask &= lower[r, :, None] <= B_j[r, None, :]
            if upper is not None:
                mask &= b_j[r, None, :] <= upper[r, :, None]
            mask &= m0_i[r, :, None] != m1_j[r, None, :]
            choice = np.argmax(mask, axis=2)
            hit = np.take_along_axis(mask, choice[:, :, None], axis=2)[:, :, 0]
            out[lo : lo + r.size] = np.where(hit, choice, -1)
        return out

    K0, K1 = idx0.shape[1], idx1.shape[1]
    every = np.arange(n)
    best_int = first_partner(every, low_int, psi1_i)
    # the "all PBE" phase matters only where no candidate is intuitive
    need = ~(pool_int.reshape(n, -1).any(axis=1) | (best_int >= 0).any(axis=1))
    best_all = np.full((n, K0), -1, dtype=np.intp)
    if need.any():
        rows = np.flatnonzero(need)
        best_all[rows] = first_partner(rows, thr_i, None)

    def separating(best_j: NDArray[np.intp]) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
        """Per option i: the value and code of its best pair (-inf / big if none)."""
        j = np.maximum(best_j, 0)
        b = np.take_along_axis(b_j, j, axis=1)
        val = p0[:, None] * a_i + p1[:, None] * b
        m1 = np.take_along_axis(m1_j, j, axis=1)
        r1 = np.take_along_axis(r1_j, j, axis=1)
        codes = ((m0_i * M + m1) * 2 + r0_i) * 2 + r1
        hit = best_j >= 0
        return np.where(hit, val, -inf), np.where(hit, codes, np.iinfo(np.intp).max)

    def pick(
        vals: Sequence[NDArray[np.float64]], codes: Sequence[NDArray[np.intp]]
    ) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
        v = np.concatenate([x.reshape(n, -1) for x in vals], axis=1)
        cds = np.concatenate([x.reshape(n, -1) for x in codes], axis=1)
        top = v.max(axis=1)
        chosen = np.where(v == top[:, None], cds, np.iinfo(np.intp).max).min(axis=1)
        return top, chosen

    never = np.iinfo(np.intp).max
    pool_code_b = np.broadcast_to(pool_code, (n, M, 2))
    v_int, c_int = pick(
        [np.where(pool_int, pool_val, -inf), separating(best_int)[0]],
        [np.where(pool_int, pool_code_b, never), separating(best_int)[1]],
    )
    v_all, c_all = pick(
        [np.where(pool_ok, pool_val, -inf), separating(best_all)[0]],
        [np.where(pool_ok, pool_code_b, never), separating(best_all)[1]],
    )
    use_int = v_int > -inf
    chosen = np.where(use_int, c_int, c_all)
    exists = np.where(use_int, True, v_all > -inf)
    chosen = np.where(exists, chosen, 0)
    r1 = chosen % 2
    r0 = (chosen // 2) % 2
    m1 = (chosen // 4) % M
    m0 = (chosen // 4) // M
    rows = np.arange(n)
    a = S0[rows, m0, r0]
    b = S1[rows, m1, r1]
    # representative responses at unsent messages: the strongest deterrent
    limit0, limit1 = (a + slackS[:, 0, 0])[:, None, None], (b + slackS[:, 0, 0])[:, None, None]
    dev0 = np.where(al0[:, :, None], S0, -inf)
    dev1 = np.where(al1[:, :, None], S1, -inf)
    deters = sus & (dev0 <= limit0) & (dev1 <= limit1)
    gains = np.where(deters, np.maximum(dev0 - a[:, None, None], dev1 - b[:, None, None]), inf)
    # ties within the slack to the lowest index, as in _enumerate
    strongest = gains <= gains.min(axis=2, keepdims=True) + slackS
    receiver = np.argmax(strongest, axis=2).astype(np.intp)
    receiver[rows, m0] = r0
    receiver[rows, m1] = r1
    sender = np.stack([m0, m1], axis=1).astype(np.intp)
    kind = np.where(m0 == m1, 0, 1).astype(np.intp)
    sender[~exists] = -1
    receiver[~exists] = -1
    kind[~exists] = -1
    return sender, receiver, kind


def _select_proposal_games(
    accept_sender: NDArray[np.float64],
    accept_receiver: NDArray[np.float64],
    reject_sender: NDArray[np.float64],
    reject_receiver: NDArray[np.float64],
    prior: NDArray[np.float64],
    keep: NDArray[np.bool_],
    *,
    tol: float = DEFAULT_TOL,
    compiled: bool | None = None,
) -> PBESelection:
    """:func:`select_pbe` of a batch of proposal games, each on its kept messages.

    A proposal game is a two-by-two signalling game whose second response
    (reject) pays both players a status quo that depends on neither the
    type nor the message: game ``g`` has sender payoffs
    ``(accept_sender[g, t, m], reject_sender[g])`` (likewise the
    receiver), shapes ``(n, 2, M)`` and ``(n,)``, and only the messages
    ``keep[g]`` (``(n, M)``, message 0 kept everywhere): its selection is
    ``solve_pbe`` of the :class:`SignallingGame` on those messages, mapped
    back to the messages' indices, with -1 as the response at a removed
    message (and everywhere at a point without a pure PBE).

    ``compiled``: use the compiled loop
    (:func:`kurilsim.solvers._pbe_kernel.proposal_games`) if numba is there
    (``None``: for batches of at least ``_COMPILED_MIN_GAMES`` games;
    ``KURILSIM_DISABLE_NUMBA`` keeps numpy either way), else numpy:
    :func:`_select_two_by_two` on the games grouped by their number of kept
    messages.  Inputs are not checked (an internal path of the sweeps).

    Examples
    --------
    >>> import numpy as np
    >>> accept = np.array([[[0.0, 1.0, -1.0], [0.0, 1.0, -1.0]]])
    >>> chosen = _select_proposal_games(
    ...     accept, accept, np.zeros(1), np.zeros(1), np.array([[0.5, 0.5]]),
    ...     np.array([[True, True, False]]), compiled=False)
    >>> chosen.sender.tolist(), chosen.receiver.tolist(), chosen.kind.tolist()
    ([[1, 1]], [[0, 0, -1]], [0])
    """
    n, T, M = accept_sender.shape
    function = _compiled_proposal_games() if compiled is not False else None
    if function is not None and (compiled or n >= _COMPILED_MIN_GAMES):
        sender = np.empty((n, T), dtype=np.intp)
        receiver = np.empty((n, M), dtype=np.intp)
        kind = np.empty(n, dtype=np.intp)
        function(
            np.ascontiguousarray(accept_sender, dtype=np.float64),
            np.ascontiguousarray(accept_receiver, dtype=np.float64),
            np.ascontiguousarray(reject_sender, dtype=np.float64),
            np.ascontiguousarray(reject_receiver, dtype=np.float64),
            np.ascontiguousarray(prior / prior.sum(axis=1, keepdims=True)),
            np.ascontiguousarray(keep, dtype=np.bool_),
            float(tol), sender, receiver, kind,
        )
        return PBESelection(sender, receiver, kind)
    sender = np.full((n, T), -1, dtype=np.intp)
    receiver = np.full((n, M), -1, dtype=np.intp)
    kind = np.full(n, -1, dtype=np.intp)
    counts = keep.sum(axis=1)
    for K in np.unique(counts).tolist():
        rows = np.flatnonzero(counts == K)
        # the kept messages of each row, in order
        index = np.argsort(~keep[rows], axis=1, kind="stable")[:, :K]
        for lo in range(0, len(rows), _CHUNK_ROWS):
            part, at = rows[lo : lo + _CHUNK_ROWS], index[lo : lo + _CHUNK_ROWS]
            r = len(part)
            uS = np.empty((r, T, K, 2))
            uS[..., 0] = np.take_along_axis(accept_sender[part], at[:, None, :], axis=2)
            uS[..., 1] = reject_sender[part, None, None]
            uR = np.empty((r, T, K, 2))
            uR[..., 0] = np.take_along_axis(accept_receiver[part], at[:, None, :], axis=2)
            uR[..., 1] = reject_receiver[part, None, None]
            got, answers, kinds = _select_two_by_two(
                uS, uR, prior[part], np.ones((r, T, K), dtype=bool), tol
            )
            solved = kinds >= 0
            sender[part[solved]] = np.take_along_axis(at[solved], got[solved], axis=1)
            rows_solved = part[solved]
            receiver[rows_solved[:, None], at[solved]] = answers[solved]
            kind[part] = kinds
    return PBESelection(sender, receiver, kind)


#: The compiled loops of :mod:`kurilsim.solvers._pbe_kernel` once looked up
#: (by function name; ``None``: no numba, or numba disabled).
_COMPILED_LOOPS: dict[str, Callable[..., None] | None] = {}


def _compiled_loop(name: str) -> Callable[..., None] | None:
    """The numba-compiled loop ``name`` of :mod:`kurilsim.solvers._pbe_kernel`,
    or ``None`` (as :func:`_compiled_two_by_two`: without numba, or with
    ``KURILSIM_DISABLE_NUMBA`` set, the caller selects in numpy)."""
    if name not in _COMPILED_LOOPS:
        found: Callable[..., None] | None = None
        if _compiled_two_by_two() is not None:
            from kurilsim.solvers import _pbe_kernel

            found = cast("Callable[..., None]", getattr(_pbe_kernel, name))
        _COMPILED_LOOPS[name] = found
    return _COMPILED_LOOPS[name]


def _compiled_proposal_games() -> Callable[..., None] | None:
    """The compiled proposal-game selection, or ``None``."""
    return _compiled_loop("proposal_games")


def _compiled_commitment_games() -> Callable[..., None] | None:
    """The compiled selection of proposal games with commitments
    (:func:`kurilsim.solvers._pbe_kernel.commitment_games`), or ``None``: the
    caller then builds the tables in numpy and selects with
    :func:`_select_proposal_games`."""
    return _compiled_loop("commitment_games")

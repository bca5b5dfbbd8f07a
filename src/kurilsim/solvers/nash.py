"""``solve_nash``: one entry point for Nash equilibria of normal-form games.

Every method is one :class:`NashMethod` record in :data:`NASH_METHODS`: its
name, its description, the player counts it supports, the options it uses,
its cost *estimate*, its *kernel* (a function that returns the method's
candidate profiles as one :class:`Candidates` record) and its exact
(rational-arithmetic) kernel if it has one.  :func:`solve_nash` validates
the arguments against that table, checks the estimate against the budgets,
runs the kernel, certifies the candidates
(:func:`~kurilsim.solvers.results.certify_candidates`) and builds the
:class:`~kurilsim.solvers.results.NashResult`, the same way for every
method.  The method lists in messages and in the docstrings of
:func:`solve_nash` and :func:`estimate_cost` are read from the table too, so
adding a method is adding one record.
"""

from __future__ import annotations

import inspect
import math
import numbers
import textwrap
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from math import comb, prod
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, NamedTuple, overload

import numpy as np
from numpy.typing import NDArray

from kurilsim._checks import finite_real
from kurilsim._errors import (
    DegenerateGameWarning,
    InvalidArgumentError,
    InvalidGameError,
    ProblemTooLargeError,
    SolverError,
    UnusedOptionWarning,
)
from kurilsim.games.extensive import ExtensiveFormGame
from kurilsim.games.normal_form import DEFAULT_TOL, EPS, NormalFormGame
from kurilsim.games.payoffs import gains_exceed
from kurilsim.solvers._enumerate import enumerate_kernel, reduced_shape
from kurilsim.solvers._exact import (
    ExactKernel,
    exact_lemke_howson,
    exact_pure,
    exact_support,
    exact_vertex,
)
from kurilsim.solvers._lemke_howson import certified_path, lemke_howson_path
from kurilsim.solvers._pure import pure_equilibria_kernel
from kurilsim.solvers._support import support_enumeration_kernel
from kurilsim.solvers._vertex import vertex_candidates
from kurilsim.solvers._zero_sum import zero_sum_kernel
from kurilsim.solvers.logit import logit_solve_kernel
from kurilsim.solvers.results import (
    DEDUPE_ATOL,
    Equilibrium,
    NashResult,
    _kept_from_table,
    certify_candidates,
    certify_exact,
    check_resolution,
    compiled_two_player,
)

if TYPE_CHECKING:
    from kurilsim.solvers.extensive import ExtensiveNashResult

__all__ = [
    "AUTO_ENUMERATE_LIMIT",
    "DEFAULT_MAX_MEMORY",
    "DEFAULT_MAX_WORK",
    "EXACT_METHODS",
    "METHODS",
    "MIN_TOL",
    "NASH_METHODS",
    "OPTIONS",
    "Candidates",
    "Cost",
    "NashMethod",
    "Options",
    "estimate_cost",
    "solve_nash",
]

Method = Literal[
    "auto", "pure", "enumerate", "logit", "support", "vertex", "lemke-howson", "lp"
]

#: ``"auto"`` uses ``"enumerate"`` for n-player games with at most this many
#: support profiles (3x3x3 has 343, 2x2x2x2 has 81), ``"logit"`` above.
AUTO_ENUMERATE_LIMIT = 400

#: The smallest ``tol`` accepted: below about ``1e-15`` of the payoff range
#: no deviation gain computed in float64 can be certified.
MIN_TOL = 1e-15

#: Default memory budget of one :func:`solve_nash` call, in bytes (2 GiB).
DEFAULT_MAX_MEMORY = 2**31

#: With ``exact=True`` one exact linear system or pivot counts as this many
#: steps of ``max_work`` (the default budget allows a million of them).
EXACT_STEP = 1e4

#: Default work budget of one :func:`solve_nash` call, in elementary
#: floating-point steps (about 1e8 per second: a few minutes at most).
DEFAULT_MAX_WORK = 1e10

#: The method-specific options of :func:`solve_nash` (the other keyword
#: arguments apply to every method).  Each method lists the ones it uses in
#: :attr:`NashMethod.options`; the others warn (:class:`UnusedOptionWarning`).
OPTIONS = ("initial_label", "max_pivots")


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """The arguments of one :func:`solve_nash` call that a kernel may use.

    ``initial_label`` and ``max_pivots`` hold their defaults (0 and
    1,000,000) when not given.
    """

    tol: float
    initial_label: int = 0
    max_pivots: int = 1_000_000
    max_memory: float = DEFAULT_MAX_MEMORY
    max_work: float = DEFAULT_MAX_WORK


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidates:
    """What a method's kernel returns: candidate profiles, before certification.

    Attributes
    ----------
    blocks : tuple of ndarray
        One ``(k, m_i)`` array per player: row ``c`` of ``blocks[i]`` is
        player ``i``'s strategy in candidate ``c`` (not necessarily
        normalised; :func:`~kurilsim.solvers.results.certify_candidates`
        cleans and checks them).
    complete : bool
        Whether the candidates contain every equilibrium the method promises
        (becomes :attr:`NashResult.complete`).
    summary : callable
        ``summary(n)`` is the result's one-line message once ``n``
        candidates are certified.
    origin : str
        For a method that returns one candidate: where it came from, for the
        error raised if it fails certification.
    value : float or None
        ``"lp"``: the candidate is an optimal strategy pair of a zero-sum
        game (the result's ``value`` is its certified payoff).
    first_only : bool
        Keep only the first certified equilibrium (the ``"logit"``
        fallback, which returns one equilibrium of a complete method).
    certified : tuple or None
        What :func:`~kurilsim.solvers.results.certify_candidates` returns for
        ``blocks`` at the call's ``tol``, when the kernel certified its
        candidates itself by the same compiled loop (Lemke-Howson's compiled
        path, to save a call); only for methods that add no pure candidates.
    """

    blocks: tuple[NDArray[np.float64], ...]
    complete: bool
    summary: Callable[[int], str]
    origin: str = ""
    value: float | None = None
    first_only: bool = False
    certified: tuple[tuple[Equilibrium, ...], int, int, float] | None = None


#: A method's kernel: the candidates of ``game`` for the options of one call.
Kernel = Callable[[NormalFormGame, Options], Candidates]


class Cost(NamedTuple):
    """What :func:`estimate_cost` returns: a method's cost on one game."""

    #: Estimated peak memory, in bytes.
    memory: float
    #: Estimated work, in elementary floating-point steps (about 1e8 per second).
    work: float
    #: What the estimate counts, for messages.
    what: str


#: A method's cost estimate: worst-case memory and work on ``game``, from its
#: shape alone (the first paragraph of its docstring documents it in
#: :func:`estimate_cost`).
Estimate = Callable[[NormalFormGame], Cost]


@dataclass(frozen=True, slots=True, kw_only=True)
class NashMethod:
    """One method of :func:`solve_nash`: a row of :data:`NASH_METHODS`.

    Attributes
    ----------
    name : str
        What ``solve_nash(game, method=...)`` takes.
    description : str
        One line: what the method finds, and for which games.
    details : str
        The method's paragraph in the docstring of :func:`solve_nash`.
    kernel : callable or None
        ``kernel(game, options) -> Candidates``; ``None`` for a method that
        chooses another one (``choose``).
    estimate : callable or None
        ``estimate(game) -> Cost``: the worst-case memory and work of the
        kernel on ``game`` (:func:`estimate_cost`), which :func:`solve_nash`
        checks against ``max_memory`` and ``max_work`` before running it.
        Required with a kernel (there is no default estimate); ``None``
        exactly when ``choose`` is set.
    choose : callable or None
        ``choose(game) -> name``: for a method that only picks another one
        (``"auto"``), the method that runs on ``game``.
    max_players : int or None
        The largest number of players it solves (``None``: any).
    options : frozenset of str
        The method-specific options (of :data:`OPTIONS`) it uses.
    exact_kernel : callable or None
        The kernel that solves two-player games in exact rational arithmetic
        with ``exact=True`` (an :class:`~kurilsim.solvers._exact.ExactKernel`;
        ``None``: the method has none).  A method that uses ``max_pivots``
        is also bounded by it in exact pivots.
    exhaustive : bool
        Whether it promises every (extreme) equilibrium of its kind, so that
        finding none is an error (every finite game has an equilibrium).
    adds_pure : bool
        Whether the pure equilibria ``"pure"`` accepts are added to its
        candidates (the exhaustive methods, so that every method returns the
        same pure equilibria).
    for_two_players : str or None
        The method that runs instead on two-player games.
    light : bool
        Whether it finds one equilibrium at a modest cost on any game it
        supports, so that the messages of a method refused for its cost (or
        out of memory) suggest it.
    """

    name: str
    description: str
    details: str
    kernel: Kernel | None
    estimate: Estimate | None
    choose: Callable[[NormalFormGame], str] | None = None
    max_players: int | None = None
    options: frozenset[str] = frozenset()
    exact_kernel: ExactKernel | None = None
    exhaustive: bool = False
    adds_pure: bool = False
    for_two_players: str | None = None
    light: bool = False

    def __post_init__(self) -> None:
        chooses = self.choose is not None
        if (self.kernel is None) != chooses or (self.estimate is None) != chooses:
            raise InvalidArgumentError(
                f"method {self.name!r} needs a kernel and an estimate, or (a method "
                "that picks another one) a choose function and neither"
            )

    @property
    def exact(self) -> bool:
        """Whether ``exact=True`` runs it: it has an exact kernel, or chooses a method.

        A choosing method (``"auto"``) picks, for two players, a method with
        an exact kernel (a test checks it).
        """
        return self.exact_kernel is not None or self.choose is not None

    def supports(self, n_players: int) -> bool:
        """Whether the method solves games with ``n_players`` players."""
        return self.max_players is None or n_players <= self.max_players


@overload
def solve_nash(
    game: NormalFormGame,
    method: Method | str = ...,
    *,
    tol: float = ...,
    exact: bool = ...,
    initial_label: int | None = ...,
    max_pivots: int | None = ...,
    max_memory: float = ...,
    max_work: float = ...,
) -> NashResult: ...


@overload
def solve_nash(
    game: ExtensiveFormGame,
    method: Method | str = ...,
    *,
    tol: float = ...,
    exact: bool = ...,
    initial_label: int | None = ...,
    max_pivots: int | None = ...,
    max_memory: float = ...,
    max_work: float = ...,
) -> ExtensiveNashResult: ...


def solve_nash(
    game: NormalFormGame | ExtensiveFormGame,
    method: Method | str = "auto",
    *,
    tol: float = DEFAULT_TOL,
    exact: bool = False,
    initial_label: int | None = None,
    max_pivots: int | None = None,
    max_memory: float = DEFAULT_MAX_MEMORY,
    max_work: float = DEFAULT_MAX_WORK,
) -> NashResult | ExtensiveNashResult:
    """Nash equilibria of a normal-form game, each certified by its regret.

    Parameters
    ----------
    game : NormalFormGame or ExtensiveFormGame
        The game to solve.  An :class:`~kurilsim.ExtensiveFormGame` goes to
        :func:`kurilsim.solvers.extensive.solve_extensive`, which returns an
        :class:`~kurilsim.solvers.extensive.ExtensiveNashResult` of behaviour
        equilibria, each certified by its regret on the tree, with methods
        ``"lcp"`` (two players: one equilibrium from the sequence form by
        Lemke's algorithm), ``"vertex"`` (two players: every extreme
        equilibrium of the reduced strategic form, in behaviour strategies),
        ``"enumerate"`` (any number of players, on the reduced strategic
        form), ``"logit"`` (any number of players: the limit of the agent
        logit QRE branch) and ``"auto"`` (``"lcp"`` for two players with
        perfect recall, ``"logit"`` otherwise).  The methods below are for
        normal forms.
    method : str, default "auto"
        A method of :data:`NASH_METHODS` (this list is read from it):

{methods}

        The exhaustive methods
        ({exhaustive})
        add every pure profile that ``"pure"`` accepts to their candidates
        and certify them by the same rule, so each such profile is returned,
        unless an equilibrium within the duplicate distance of it (a mixed
        one that puts weight of order ``tol`` on another strategy) stands
        for it.
    tol : float, default 1e-9
        Relative tolerance, in ``[MIN_TOL, 1)`` (``MIN_TOL = 1e-15``).  An
        equilibrium is returned only if no player ``i`` gains more than
        ``tol * game.payoff_ranges[i]`` by deviating (the rule of
        :func:`~kurilsim.games.normal_form.gains_exceed`).
    exact : bool, default False
        Solve a two-player game in rational arithmetic, on the game's
        :attr:`~NormalFormGame.exact_payoffs` (the payoffs as given when
        float64 rounded some, e.g. ``Fraction(1, 3)``, ``10**19 + 1`` or a
        rational in an ``.nfg`` file; else the exact rationals the floats
        are), and every equilibrium is an exact one (regret exactly zero).
        Methods (:data:`EXACT_METHODS`):
        {exact_methods}.
        The strategies, payoffs and regrets of the result are
        :class:`fractions.Fraction` (object arrays, read-only); ``tol`` is
        not used.
    initial_label : int, optional
        For {initial_label} only (other methods ignore it and warn): the
        label dropped first, ``0 .. m+n-1`` (``i < m`` is row strategy
        ``i``, ``m + j`` column strategy ``j``); default 0.
    max_pivots : int, optional
        For {max_pivots} only (other methods ignore it and warn):
        pivot limit before :class:`SolverError` (with ``exact=True``,
        :class:`ProblemTooLargeError`); default 1,000,000.
    max_memory : float, default 2**31 (2 GiB)
        Memory budget in bytes.  Before solving, the memory the method may
        need is estimated (a worst-case bound, e.g. from the upper bound
        theorem for the vertices of the best-response polytopes, or the
        number of support profiles); above the budget the call is refused.
    max_work : float, default 1e10
        Work budget, in elementary floating-point steps (about ``1e8`` per
        second); estimated like ``max_memory``, for every method.  For
        {max_pivots} the estimate is the work of its tableaux (about
        ``(m + n)**3`` steps), not of its pivots, whose number
        ``max_pivots`` bounds instead.  With ``exact=True`` each exact
        linear system or pivot counts ``EXACT_STEP = 1e4`` steps, and the
        exact kernels stop at the budget (pivots also at ``max_pivots``).

    Returns
    -------
    NashResult or ExtensiveNashResult
        (The latter for an :class:`~kurilsim.ExtensiveFormGame`.)
        The certified equilibria and diagnostics; ``result.method`` names the
        method that ran, ``result.certificate`` (at most ``result.tol``) is
        the largest deviation gain of an equilibrium relative to the
        deviating player's payoff range.

    Raises
    ------
    InvalidArgumentError
        If an argument has the wrong type or value: an unknown ``method``
        (the message lists :data:`METHODS`), ``tol`` outside
        ``[MIN_TOL, 1)``, an invalid value of an option the method uses,
        ``exact=True`` with a method or game it does not support.
    InvalidGameError
        If ``game`` is not a :class:`NormalFormGame`, or the method does not
        apply to it (a two-player method on more players, ``"lp"`` on a game
        that is not constant-sum).
    PrecisionError
        If float64 cannot resolve the game at ``tol``: ``tol * payoff range``
        is below the rounding error of a computed deviation gain
        (:attr:`NormalFormGame.resolution`), or some player's payoffs
        differ, between its strategies, by less than that error (payoffs
        such as ``2**63 + 2048 k``).  For a game that keeps exact payoffs
        (:attr:`NormalFormGame.is_float_exact` is ``False``) the error
        includes the rounding of the payoffs given, and the differences are
        measured on them: a game whose float64 rounding merges two payoffs
        a player compares (``10**19 + 1`` and ``10**19``) is refused, since
        the float methods would solve another game.  ``exact=True`` solves
        two-player games of this kind.
    ProblemTooLargeError
        If the estimated memory or work exceeds ``max_memory`` or
        ``max_work`` (the message gives the estimate), or the solver runs
        out of memory anyway.
    SolverError
        If ``"lemke-howson"`` exceeds ``max_pivots``, an iterative method
        ends on a profile that fails certification, or a method that
        promises every equilibrium of its kind finds none (a finite game
        always has one, so the game is beyond what float64 resolves at
        ``tol``).

    Warns
    -----
    DegenerateGameWarning
        ``"support"`` on a degenerate game.
    UnusedOptionWarning
        An option of :data:`OPTIONS` the method that runs does not use
        (``initial_label`` or ``max_pivots`` with any method but
        {max_pivots}): it is ignored, and the message names the methods that
        use it.

    See Also
    --------
    NormalFormGame.is_nash : the check applied to every equilibrium.
    estimate_cost : the memory and work estimates behind the budgets.

    References
    ----------
    .. [1] B. von Stengel, "Equilibrium computation for two-player games in
       strategic and extensive form", ch. 3 of N. Nisan et al. (eds.),
       *Algorithmic Game Theory*, Cambridge University Press, 2007.
    .. [2] D. Avis, G. D. Rosenberg, R. Savani and B. von Stengel,
       "Enumeration of Nash equilibria for two-player games", *Economic
       Theory* 42:9-37, 2010.
    .. [3] C. E. Lemke and J. T. Howson, "Equilibrium points of bimatrix
       games", *SIAM J. Appl. Math.* 12:413-423, 1964.

    Examples
    --------
    Battle of the sexes has two pure equilibria and one mixed one:

    >>> import numpy as np
    >>> from kurilsim import NormalFormGame, solve_nash
    >>> game = NormalFormGame([[[3, 0], [0, 2]], [[2, 0], [0, 3]]])
    >>> result = solve_nash(game)
    >>> result.method, len(result.equilibria)
    ('vertex', 3)
    >>> [eq.is_pure for eq in result.equilibria]
    [True, False, True]
    >>> result.equilibria[1].strategies
    (array([0.6, 0.4]), array([0.4, 0.6]))

    Matching pennies by linear programming, with its value:

    >>> pennies = NormalFormGame([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]])
    >>> solve_nash(pennies, "lp").value
    0.0

    Payoffs whose differences float64 cannot resolve are refused rather
    than mis-solved:

    >>> big = float(2**63)
    >>> huge = NormalFormGame([[[big, 0], [big + 2048, 1]], [[0, 1], [1, 0]]])
    >>> solve_nash(huge)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.PrecisionError: player 0's payoffs for two strategies differ by only 1, ...

    Payoffs given exactly that float64 cannot hold apart are refused by the
    float methods and solved as given with ``exact=True``:

    >>> exact = NormalFormGame([[[10**19 + 1, 10**19], [10**19, 10**19 + 1]],
    ...                         [[0, 1], [1, 0]]])
    >>> solve_nash(exact)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.PrecisionError: the payoffs given are not representable in float64: ...
    >>> [str(p) for p in solve_nash(exact, exact=True)[0].strategies[0]]
    ['1/2', '1/2']
    """
    if type(game) is not NormalFormGame and isinstance(game, ExtensiveFormGame):
        # lazy: solvers.extensive builds on this module
        from kurilsim.solvers.extensive import solve_extensive

        return solve_extensive(
            game,
            method,
            tol=tol,
            exact=exact,
            initial_label=initial_label,
            max_pivots=max_pivots,
            max_memory=max_memory,
            max_work=max_work,
        )
    if not isinstance(game, NormalFormGame):
        raise InvalidGameError(
            "solve_nash expects a NormalFormGame or an ExtensiveFormGame, got "
            f"{type(game).__name__}"
        )
    if not isinstance(method, str) or method not in NASH_METHODS:
        raise InvalidArgumentError(
            f"method must be one of {sorted(NASH_METHODS)}, got {method!r:.80}"
        )
    # plain floats (the usual case) skip the general conversion
    checked = tol if type(tol) is float else finite_real(tol)
    if checked is None or not MIN_TOL <= checked < 1:
        raise InvalidArgumentError(
            f"tol must be a number in [{MIN_TOL:g}, 1), got {tol!r:.80}: float64 "
            f"cannot certify deviation gains below about {MIN_TOL:g} of the payoff range"
        )
    tol = checked
    if exact is not False and not isinstance(exact, bool | np.bool_):
        raise InvalidArgumentError(f"exact must be True or False, got {exact!r:.80}")
    max_memory = _budget("max_memory", max_memory)
    max_work = _budget("max_work", max_work)
    if exact and game.n_players != 2:
        raise InvalidArgumentError(
            f"exact=True is for two-player games only; this game has "
            f"{game.n_players} players"
        )
    spec = _choose(game, method)
    if initial_label is None and max_pivots is None:
        used: frozenset[str] = frozenset()
    elif max_pivots is None and type(initial_label) is int and "initial_label" in spec.options:
        used = _LABEL_ONLY  # a plain label for a method that uses it: no warning
    else:
        given = {"initial_label": initial_label, "max_pivots": max_pivots}
        used = _used_options(spec, method, given)
    if "initial_label" in used and not (
        type(initial_label) is int and 0 <= initial_label < sum(game.payoffs[0].shape)
    ) and (
        isinstance(initial_label, bool | np.bool_)
        or not isinstance(initial_label, numbers.Integral)
        or not 0 <= int(initial_label) < sum(game.shape)
    ):
        raise InvalidArgumentError(
            f"initial_label must be an integer in [0, {sum(game.shape)}) for this "
            f"{'x'.join(map(str, game.shape))} game, got {initial_label!r:.40}"
        )
    if "max_pivots" in used and (
        isinstance(max_pivots, bool | np.bool_)
        or not isinstance(max_pivots, numbers.Integral)
        or max_pivots < 1
    ):
        raise InvalidArgumentError(
            f"max_pivots must be a positive integer, got {max_pivots!r:.40}"
        )
    if exact and not spec.exact:
        raise InvalidArgumentError(
            f"exact=True supports methods {list(EXACT_METHODS)}, got {spec.name!r}"
        )
    if spec.max_players is not None and not spec.supports(game.n_players):
        needs = (
            "a two-player game" if spec.max_players == 2
            else f"a game of at most {spec.max_players} players"
        )
        anyone = [n for n, m in NASH_METHODS.items() if m.max_players is None]
        raise InvalidGameError(
            f"method {spec.name!r} needs {needs}; this game has {game.n_players} "
            f"players (use {', '.join(repr(n) for n in anyone)})"
        )
    options = _options(
        tol,
        0 if initial_label is None else int(initial_label),
        1_000_000 if max_pivots is None else int(max_pivots),
        max_memory,
        max_work,
    )
    memory, work, what = _estimate(game, spec, exact)
    # exact=True: the exact kernels count their own work (exact systems or
    # pivots, EXACT_STEP steps each) and refuse above the budget themselves
    if memory > max_memory or (not exact and work > max_work):
        _check_budget(game, spec, memory, 0.0 if exact else work, what, max_memory, max_work)
    if exact:
        return _guarded(spec, lambda: _solve_exact(game, spec, options))
    if not _resolved_two_player(game, tol):
        check_resolution(
            game,
            tol,
            method=spec.name,
            exact_methods=[n for n, m in NASH_METHODS.items() if m.exact_kernel],
        )
    try:  # _guarded(spec, lambda: _run(...)), inline
        return _run(game, spec, options)
    except ProblemTooLargeError:
        raise
    except MemoryError as exc:
        raise _out_of_memory(spec, exc) from None


_LABEL_ONLY = frozenset({"initial_label"})

#: The Options of recent calls (immutable), by their values; cleared when it
#: reaches _OPTIONS_KEPT entries.
_recent_options: dict[tuple[float, int, int, float, float], Options] = {}
_OPTIONS_KEPT = 64


def _options(
    tol: float, initial_label: int, max_pivots: int, max_memory: float, max_work: float
) -> Options:
    """``Options(...)`` of these checked values (one frozen record per set of values)."""
    key = (tol, initial_label, max_pivots, max_memory, max_work)
    options = _recent_options.get(key)
    if options is None:
        if len(_recent_options) >= _OPTIONS_KEPT:
            _recent_options.clear()
        options = _recent_options[key] = Options(
            tol=tol,
            initial_label=initial_label,
            max_pivots=max_pivots,
            max_memory=max_memory,
            max_work=max_work,
        )
    return options


def _resolved_two_player(game: NormalFormGame, tol: float) -> bool:
    """Whether a two-player game certainly passes :func:`check_resolution` at ``tol``.

    The same two conditions for a game whose payoffs are their floats
    (no rounding of given payoffs): ``tol * payoff_ranges`` at least the
    resolution, and no nonzero difference between two payoffs a player
    compares at most the resolution.  ``False`` sends the game to
    :func:`check_resolution`, which raises with its message (or passes a
    game with exact payoffs).
    """
    if game.n_players != 2 or not game.is_float_exact:
        return False
    A, B = game.centred_payoffs
    m, n = A.shape
    unit = (m + n + 2) * EPS
    ranges = game.payoff_ranges.tolist()
    resolution = [unit * ranges[0], unit * ranges[1]]  # game.resolution
    if tol * ranges[0] < resolution[0] or tol * ranges[1] < resolution[1]:
        return False
    compiled = compiled_two_player()
    if compiled is not None:  # the same differences of sorted payoffs, compiled
        step_a, step_b = compiled.smallest_steps(A, B)
        return bool(step_a > resolution[0] and step_b > resolution[1])
    # the payoffs each player compares, one column per opponent's strategy
    # (the row player's along A's columns, the column player's along B's rows)
    if m == n:  # both players in one sort
        ordered = np.sort(np.concatenate((A, B.T), axis=1), axis=0)
        parts = ((ordered, 0, n), (ordered, n, 2 * n))
    else:
        parts = ((np.sort(A, axis=0), 0, n), (np.sort(B.T, axis=0), 0, m))
    for (ordered, start, stop), res in zip(parts, resolution, strict=True):
        steps = ordered[1:, start:stop] - ordered[:-1, start:stop]
        steps[steps <= 0.0] = np.inf  # equal payoffs: no difference to resolve
        if steps.size and steps.min() <= res:
            return False
    return True


def _choose(game: NormalFormGame, method: str) -> NashMethod:
    """The method that runs: choices (``"auto"``) and redirections resolved."""
    spec = NASH_METHODS[method]
    if spec.choose is not None:
        spec = NASH_METHODS[spec.choose(game)]
    if game.n_players == 2 and spec.for_two_players is not None:
        spec = NASH_METHODS[spec.for_two_players]
    return spec


def _auto(game: NormalFormGame) -> str:
    """``"auto"``'s choice: see its row of :data:`NASH_METHODS`."""
    if game.n_players == 2:
        return "vertex"
    profiles = int(np.prod([2.0**m - 1 for m in game.shape]))
    return "enumerate" if profiles <= AUTO_ENUMERATE_LIMIT else "logit"


def _used_options(
    spec: NashMethod, requested: str, given: Mapping[str, object]
) -> frozenset[str]:
    """The options given that ``spec`` uses; warn about the others."""
    chosen = "" if requested == spec.name else f" (chosen for method={requested!r})"
    for option, value in given.items():
        if value is None or option in spec.options:
            continue
        users = [m.name for m in NASH_METHODS.values() if option in m.options]
        warnings.warn(
            f"option {option}={value!r:.40} is not used by method {spec.name!r}"
            f"{chosen} and is ignored; it applies only to method "
            + ", ".join(repr(u) for u in users),
            UnusedOptionWarning,
            stacklevel=3,
        )
    return frozenset(o for o, v in given.items() if v is not None and o in spec.options)


def _budget(name: str, value: object) -> float:
    # infinity means no limit, so not finite_real
    if type(value) is float and value > 0:  # the usual cases (NaN fails)
        return value
    if type(value) is int and 0 < value < 2**1000:
        return float(value)
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        checked = None
    else:
        try:
            checked = float(value)
        except OverflowError:  # a huge integer: no limit in practice
            checked = math.inf
    if checked is None or not checked > 0:
        raise InvalidArgumentError(f"{name} must be a positive number, got {value!r:.80}")
    return checked


def _ubt(d: int, facets: int) -> int:
    """McMullen's upper bound on the vertices of a ``d``-polytope with ``facets`` facets."""
    if d <= 0:
        return 1
    return comb(facets - (d + 1) // 2, facets - d) + comb(facets - d // 2 - 1, facets - d)


def estimate_cost(game: NormalFormGame, method: str, *, exact: bool = False) -> Cost:
    """Estimated peak memory (bytes) and work of one :func:`solve_nash` call.

    Worst-case bounds, computed from the game's shape alone, before any
    allocation, by the method's ``estimate`` in :data:`NASH_METHODS`
    (``"auto"``: that of the method it chooses for ``game``):

{estimates}

    ``exact=True`` multiplies the work by ``EXACT_STEP`` (rational
    arithmetic) and the memory by 10.

    Returns
    -------
    Cost
        ``(memory, work, what)``: bytes, elementary floating-point steps
        (about 1e8 per second), and what the estimate counts, for messages.

    Raises
    ------
    InvalidArgumentError
        If ``method`` is not a method of :data:`NASH_METHODS`.

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers.nash import estimate_cost
    >>> game = NormalFormGame([np.eye(30), np.eye(30)])
    >>> memory, work, what = estimate_cost(game, "vertex")
    >>> f"{memory:.1e}", what
    ('2.2e+14', 'up to 4.6e+11 vertices of a 30-dimensional best-response polytope')
    """
    if not isinstance(method, str) or method not in NASH_METHODS:
        raise InvalidArgumentError(
            f"method must be one of {sorted(NASH_METHODS)}, got {method!r:.80}"
        )
    spec = NASH_METHODS[method]
    if spec.choose is not None:
        spec = NASH_METHODS[spec.choose(game)]
    if spec.estimate is None:  # a choice of a choice: the table forbids it
        raise InvalidArgumentError(f"method {spec.name!r} has no cost estimate")
    memory, work, what = spec.estimate(game)
    if exact:
        work *= EXACT_STEP
        memory *= 10.0
    return Cost(memory, work, what)


#: Cost estimates of the two-player methods by (method, shape, exact): they
#: depend on the shape alone.  Cleared when it reaches _ESTIMATES_KEPT entries.
_estimates: dict[tuple[str, tuple[int, ...], bool], Cost] = {}
_ESTIMATES_KEPT = 256


def _estimate(game: NormalFormGame, spec: NashMethod, exact: bool) -> Cost:
    """:func:`estimate_cost` of ``spec`` (a method that runs) on ``game``,
    remembered for the two-player methods, whose estimates read the shape only."""
    if spec.max_players != 2:
        return estimate_cost(game, spec.name, exact=bool(exact))
    key = (spec.name, game.payoffs[0].shape, bool(exact))
    cost = _estimates.get(key)
    if cost is None:
        if len(_estimates) >= _ESTIMATES_KEPT:
            _estimates.clear()
        cost = _estimates[key] = estimate_cost(game, spec.name, exact=bool(exact))
    return cost


def _base_memory(game: NormalFormGame) -> float:
    """The payoffs, recentred copies and candidates."""
    return 8.0 * game.n_players * float(prod(game.shape))


def _pure_cost(game: NormalFormGame) -> Cost:
    """A few arrays the size of the payoff tensor."""
    n_cells = float(prod(game.shape))
    return Cost(
        _base_memory(game) + n_cells * 18.0,
        4.0 * game.n_players * n_cells,
        f"{n_cells:.3g} pure profiles",
    )


def _vertex_cost(game: NormalFormGame) -> Cost:
    """The upper bound theorem (McMullen 1970) on the vertices ``V`` of the
    best-response polytope it enumerates (dimension ``min(m, n)``, ``m + n``
    facets): memory ``8 (m + n) V`` bytes, work ``V d**2``.  Random games
    have far fewer vertices (a 16x16 game: about 1e6 by the bound, solved
    in seconds); games built on cyclic polytopes reach the bound.
    """
    m, k = game.shape
    d = min(m, k)
    V = float(_ubt(d, m + k))
    return Cost(
        _base_memory(game) + 8.0 * (m + k) * V,
        V * d * d,
        f"up to {V:.2g} vertices of a {d}-dimensional best-response polytope",
    )


def _support_cost(game: NormalFormGame) -> Cost:
    """Every pair of equal-size supports and the pair tables of the largest
    support size.
    """
    m, k = game.shape
    base = _base_memory(game)
    pairs = 0.0
    memory = base
    work = 0.0
    for s in range(1, min(m, k) + 1):
        rows, cols = float(comb(m, s)), float(comb(k, s))
        pairs += rows * cols
        work += rows * cols * (s**3 + s * (m + k))
        # pair tables (float64 and bool), conditional dominance tables
        table = 17.0 * rows * cols + (rows * k * k + cols * m * m) * s
        memory = max(memory, base + table)
    memory += m * m * k + k * k * m  # iterated dominance
    return Cost(memory, work, f"{pairs:.3g} support pairs")


def _enumerate_cost(game: NormalFormGame) -> Cost:
    """``prod(2**m_i - 1)`` support profiles, each a polynomial system in
    ``sum(m_i)`` unknowns, on the reduced game (duplicates merged, strictly
    dominated strategies removed) that the kernel enumerates.
    """
    shape = reduced_shape(game)
    n = game.n_players
    profiles = float(prod(2.0**m - 1 for m in shape))
    unknowns = sum(shape)
    memory = _base_memory(game) + profiles * (8.0 * n + 8.0) + max(
        float(prod(2.0**m - 1 for j, m in enumerate(shape) if j != i))
        * float(prod(m for j, m in enumerate(shape) if j != i))
        * 16.0
        for i in range(n)
    )
    work = profiles * unknowns**3 * 50.0
    plural = "" if profiles == 1 else "s"
    return Cost(memory, work, f"{profiles:.3g} support profile{plural} of the reduced game")


def _lemke_howson_cost(game: NormalFormGame) -> Cost:
    """Tableaux of the game's ``m + n`` labels: work ``(m + n)**3``; the
    number of pivots is bounded by ``max_pivots`` instead.
    """
    size = float(sum(game.shape))
    return Cost(
        _base_memory(game) + 8.0 * 6 * size * size,
        size**3,
        f"tableaux of {size:.0f} labels",
    )


def _lp_cost(game: NormalFormGame) -> Cost:
    """A linear program with ``m n`` coefficients."""
    m, k = game.shape
    return Cost(
        _base_memory(game) + 8.0 * 20 * (m + 1) * (k + 1),
        float(m * k) * (m + k),
        f"a linear program with {m * k} coefficients",
    )


def _logit_cost(game: NormalFormGame) -> Cost:
    """Dense ``M x (M + 1)`` Jacobians (``M = sum(shape)``) factorised at
    each of about 300 continuation steps, plus the payoff tensors.
    """
    n = game.n_players
    n_cells = float(prod(game.shape))
    size = float(sum(game.shape))
    steps = 300.0  # a typical branch; the solver stops at max_steps
    memory = _base_memory(game) * 8.0 + 8.0 * 8 * (size + 1.0) ** 2
    # a QR factorisation of the Jacobian in LAPACK runs at several Gflop/s,
    # about M**3 / 10 of the ~1e8-per-second steps counted here
    work = steps * ((size + 1.0) ** 3 / 10.0 + n * n * n_cells)
    return Cost(
        memory,
        work,
        f"{size:.0f} unknowns (dense {size:.0f}x{size + 1:.0f} Jacobians) and "
        f"{n_cells:.3g} payoff cells, about {steps:.0f} continuation steps",
    )


def _check_budget(
    game: NormalFormGame,
    spec: NashMethod,
    memory: float,
    work: float,
    what: str,
    max_memory: float,
    max_work: float,
) -> None:
    if memory <= max_memory and work <= max_work:
        return
    dims = "x".join(map(str, game.shape))
    method = spec.name
    if memory > max_memory:
        raise ProblemTooLargeError(
            f"method {method!r} on this {dims} game may need about {memory:.2g} bytes "
            f"of memory ({what}), above max_memory={max_memory:.3g}; pass "
            f"solve_nash(..., max_memory={_round_up(memory)}) to try anyway"
            + _lighter(spec)
        )
    if work > max_work:
        raise ProblemTooLargeError(
            f"method {method!r} on this {dims} game may take about {work:.2g} steps "
            f"(about {work / 1e8:.2g} s; {what}), above max_work={max_work:.3g}; pass "
            f"solve_nash(..., max_work={_round_up(work)}) to try anyway"
            + _lighter(spec)
        )


def _lighter(spec: NashMethod) -> str:
    """Advice for a refused method: the light methods of the table, if it is not one."""
    if spec.light:
        return ""
    light = ", ".join(repr(n) for n in sorted(NASH_METHODS) if NASH_METHODS[n].light)
    return f", or use a method that finds one equilibrium ({light})"


def _round_up(value: float) -> str:
    exponent = int(np.floor(np.log10(value)))
    mantissa = int(np.ceil(value / 10.0**exponent))
    return f"{mantissa}e{exponent}"


def _guarded(spec: NashMethod, run: Callable[[], NashResult]) -> NashResult:
    """Run a solver, turning an out-of-memory failure into ``ProblemTooLargeError``."""
    try:
        return run()
    except ProblemTooLargeError:
        raise
    except MemoryError as exc:
        raise _out_of_memory(spec, exc) from None


def _out_of_memory(spec: NashMethod, exc: MemoryError) -> ProblemTooLargeError:
    return ProblemTooLargeError(
        f"method {spec.name!r} ran out of memory ({exc or 'MemoryError'}): the game "
        "is too large for it on this machine (its estimate, which max_memory "
        "checks up front, was too low)"
        + _lighter(spec).replace(", or use", "; use")
    )


def _run(game: NormalFormGame, spec: NashMethod, options: Options) -> NashResult:
    """Kernel, certification, result: the one path of every float method."""
    if spec.kernel is None:  # "auto": resolved by _choose, never run
        raise InvalidArgumentError(f"method {spec.name!r} has no kernel to run")
    tol = options.tol
    found = spec.kernel(game, options)
    if found.certified is not None and not spec.adds_pure:
        equilibria, n_candidates, n_rejected, certificate = found.certified
    else:
        blocks = _with_pure(game, tol, found.blocks) if spec.adds_pure else found.blocks
        equilibria, n_candidates, n_rejected, certificate = certify_candidates(
            game, blocks, tol=tol
        )
    if not equilibria and found.origin:  # the one candidate failed
        raise SolverError(
            f"{found.origin} on a profile with regret {_regret(game, found.blocks):.3g} "
            f"> tol × payoff range = {tol * game.payoff_range:.3g}"
        )
    if spec.exhaustive and found.complete and not equilibria:
        raise SolverError(
            f"method {spec.name!r} found no equilibrium ({n_candidates} candidates, "
            f"{n_rejected} rejected at tol={tol:g}), but every finite game has one: "
            "float64 does not resolve this game at this tolerance; try a larger tol"
            + (" or exact=True" if spec.exact and game.n_players == 2 else "")
        )
    message = found.summary(len(equilibria))
    if found.first_only and len(equilibria) > 1:
        # the certificate of the equilibrium kept
        equilibria, _, _, certificate = certify_candidates(
            game, [np.asarray(s)[None, :] for s in equilibria[0].strategies], tol=tol
        )
    value = None
    if found.value is not None and equilibria:
        value = float(equilibria[0].payoffs[0])
    return NashResult(
        equilibria,
        method=spec.name,
        tol=tol,
        certificate=certificate,
        payoff_range=max(game.payoff_ranges.tolist()),  # game.payoff_range
        message=message,
        complete=found.complete,
        n_candidates=n_candidates,
        n_rejected=n_rejected,
        value=value,
    )


def _regret(game: NormalFormGame, blocks: tuple[NDArray[np.float64], ...]) -> float:
    """The regret of the first candidate, cleaned as far as possible."""
    profile = []
    for block in blocks:
        s = np.clip(np.nan_to_num(np.asarray(block[0], dtype=np.float64)), 0.0, None)
        total = s.sum()
        profile.append(s / total if total > 0 else np.full(s.size, 1.0 / s.size))
    return game.regret(profile)


def _solve_exact(game: NormalFormGame, spec: NashMethod, options: Options) -> NashResult:
    """``exact=True``: the method's rational-arithmetic kernel, checked exactly."""
    if spec.exact_kernel is None:  # solve_nash refuses these first
        raise InvalidArgumentError(f"method {spec.name!r} has no exact kernel")
    method = spec.name
    # the exact budget in exact systems or pivots (EXACT_STEP steps each); a
    # method with a pivot limit also stops at it
    limit = options.max_pivots if "max_pivots" in spec.options else 1e18
    max_units = max(1, int(min(options.max_work / EXACT_STEP, limit)))
    try:
        profiles, complete = spec.exact_kernel(
            game, max_work=max_units, initial_label=options.initial_label
        )
    except ProblemTooLargeError as exc:
        dims = "x".join(map(str, game.shape))
        if exc.estimate is not None:  # refused up front: the systems it needs
            needed = exc.estimate * EXACT_STEP
            detail = (
                f"needs about {exc.estimate:.3g} exact linear systems, counted as "
                f"{EXACT_STEP:.0e} steps each: {needed:.2g} steps"
            )
        else:  # a pivoting kernel ran out of pivots
            needed = 10.0 * max_units * EXACT_STEP
            detail = f"did not end within {max_units:,} exact pivots"
        raise ProblemTooLargeError(
            f"exact {method!r} on this {dims} game {detail}, above "
            f"max_work={max_units * EXACT_STEP:.3g}; pass solve_nash(..., exact=True, "
            f"max_work={_round_up(needed)}) to allow it, or use a float method",
            estimate=needed,
        ) from None
    equilibria, n_rejected = certify_exact(game, profiles)
    if n_rejected:
        raise SolverError(
            f"exact method {method!r} returned {n_rejected} profiles that are not exact "
            "equilibria (a bug: please report it)"
        )
    if spec.exhaustive and complete and not equilibria:
        raise SolverError(
            f"exact method {method!r} found no equilibrium, but every finite game has one "
            "(a bug: please report it)"
        )
    return NashResult(
        equilibria,
        method=method,
        tol=0.0,
        certificate=0.0,
        payoff_range=game.payoff_range,
        message=f"{_count(len(equilibria))} in exact rational arithmetic",
        complete=bool(complete),
        n_candidates=len(profiles),
        n_rejected=0,
        exact=True,
    )


def _count(n: int, kind: str = "") -> str:
    """``"1 equilibrium"``, ``"3 extreme equilibria"``."""
    return f"{n} {kind}{'equilibrium' if n == 1 else 'equilibria'}"


def _pure_blocks(game: NormalFormGame, tol: float) -> tuple[NDArray[np.float64], ...]:
    """The pure profiles ``"pure"`` accepts, as one ``(k, m_i)`` block per player.

    The exhaustive methods add these to their candidates, so that every
    method returns the same pure equilibria: a pure profile whose gains are
    within ``tol`` is accepted, whether or not it is an extreme point of an
    equilibrium component of the game as given.
    """
    if game.n_players == 2:
        A, B = game.centred_payoffs
        compiled = compiled_two_player()
        if compiled is not None:  # the same rule and arithmetic, compiled
            range_a, range_b = game.payoff_ranges.tolist()
            rows, cols = compiled.pure_pairs(A, B, tol * range_a, tol * range_b)
            return rows, cols
        # pure_equilibria_kernel's rule and arithmetic in fewer NumPy calls
        limits = tol * game.payoff_ranges
        exceed = gains_exceed(np.subtract(A.max(axis=0), A), limits[0])
        exceed |= gains_exceed(np.subtract(B.max(axis=1, keepdims=True), B), limits[1])
        rows, cols = np.nonzero(~exceed)  # lexicographic, as the kernel's
        return np.eye(A.shape[0])[rows], np.eye(A.shape[1])[cols]
    profiles = pure_equilibria_kernel(
        game.centred_payoffs, atol=tol * game.payoff_ranges
    )
    blocks = []
    for i, m in enumerate(game.shape):
        block = np.zeros((len(profiles), m))
        block[np.arange(len(profiles)), profiles[:, i]] = 1.0
        blocks.append(block)
    return tuple(blocks)


def _with_pure(
    game: NormalFormGame, tol: float, blocks: tuple[NDArray[np.float64], ...]
) -> tuple[NDArray[np.float64], ...]:
    pure = _pure_blocks(game, tol)
    if len(pure) == 2:  # the common case, without the generator
        (rows, cols), (m, n) = blocks, game.shape
        return (
            np.concatenate((np.asarray(rows, dtype=np.float64).reshape(-1, m), pure[0])),
            np.concatenate((np.asarray(cols, dtype=np.float64).reshape(-1, n), pure[1])),
        )
    return tuple(
        np.concatenate([np.asarray(b, dtype=np.float64).reshape(-1, m), p])
        for b, p, m in zip(blocks, pure, game.shape, strict=True)
    )


def _single(profile: tuple[NDArray[np.float64], ...] | list[NDArray[np.float64]]) -> tuple[
    NDArray[np.float64], ...
]:
    """One candidate profile as blocks of one row."""
    return tuple(np.asarray(s, dtype=np.float64)[None, :] for s in profile)


# ------------------------------------------------------------------ kernels
def _pure(game: NormalFormGame, options: Options) -> Candidates:
    cells = int(np.prod(game.shape))
    return Candidates(
        blocks=_pure_blocks(game, options.tol),
        complete=True,
        summary=lambda n: f"{_count(n, 'pure ')} among {cells} profiles",
    )


def _enumerate(game: NormalFormGame, options: Options) -> Candidates:
    out = enumerate_kernel(game)
    detail = (
        f"from {out.n_supports} support profiles ({out.n_pruned} pruned by "
        f"conditional dominance; {out.n_subdivided} solved by subdivision, "
        f"{out.n_boxes} boxes; the rest by elimination or homotopy)"
    )
    if out.n_duplicates or out.n_dominated:
        detail += (
            f" of the game with {out.n_duplicates} duplicate strategies merged and "
            f"{out.n_dominated} strictly dominated ones removed"
        )
    if out.unresolved:
        detail += (
            f"; {len(out.unresolved)} support profiles had singular or non-isolated "
            f"solutions and may hide equilibria: {', '.join(out.unresolved[:5])}"
        )
    return Candidates(
        blocks=tuple(out.candidates),
        complete=not out.unresolved,
        summary=lambda n: f"{_count(n)} {detail}",
    )


def _vertex(game: NormalFormGame, options: Options) -> Candidates:
    A, B = game.payoffs
    X, Y, route = vertex_candidates(A, B)
    pairs = len(X)
    return Candidates(
        blocks=(X, Y),
        complete=True,
        summary=lambda n: (
            f"{_count(n, 'extreme ')} from {pairs} completely labelled vertex pairs "
            f"and the pure equilibria (polytope route: {route})"
        ),
    )


def _support(game: NormalFormGame, options: Options) -> Candidates:
    A, B = game.payoffs
    out = support_enumeration_kernel(A, B)
    blocks = tuple(
        np.array([c[i] for c in out.candidates]).reshape(-1, m)
        for i, m in enumerate(game.shape)
    )
    detail = f"from {out.n_pairs} support pairs ({out.n_pruned} pruned before solving)"
    if out.degeneracy is not None:
        warnings.warn(
            f"the game is degenerate: {out.degeneracy}. Support enumeration "
            "only finds equilibria whose supports have equal size and may miss "
            "others (e.g. a continuum's extreme points with unequal supports); "
            "use method='vertex' for all extreme equilibria",
            DegenerateGameWarning,
            stacklevel=6,
        )
        detail += f"; degenerate game ({out.degeneracy}), result may be incomplete"
    return Candidates(
        blocks=blocks,
        complete=out.degeneracy is None,
        summary=lambda n: f"{_count(n)} {detail}",
    )


def _lemke_howson(game: NormalFormGame, options: Options) -> Candidates:
    A, B = game.payoffs
    label = options.initial_label
    # the game's payoffs are finite float64 matrices and solve_nash checked
    # the label: the kernel's engine="auto" path without its argument checks;
    # compiled, the path and the certification of its end point in one call
    range_a, range_b = game.payoff_ranges.tolist()
    A_c, B_c = game.centred_payoffs
    tol = options.tol
    fused = certified_path(
        A, B, label, options.max_pivots, A_c, B_c, (tol * range_a, tol * range_b),
        DEDUPE_ATOL,
    )
    if fused is not None:
        pivots, table, order, n_passed = fused
        m, n = A.shape
        return Candidates(
            blocks=(table[:, :m], table[:, m : m + n]),
            complete=False,
            summary=lambda n: f"one equilibrium from label {label} after {pivots} pivots",
            origin=f"Lemke-Howson from label {label} ended after {pivots} pivots",
            certified=_kept_from_table(game, table, order, n_passed, 1, m, DEDUPE_ATOL),
        )
    x, y, pivots = lemke_howson_path(A, B, label, options.max_pivots)
    return Candidates(
        blocks=(x[None, :], y[None, :]),
        complete=False,
        summary=lambda n: f"one equilibrium from label {label} after {pivots} pivots",
        origin=f"Lemke-Howson from label {label} ended after {pivots} pivots",
    )


def _lp(game: NormalFormGame, options: Options) -> Candidates:
    A, B = game.payoffs
    total = A + B
    if np.ptp(total) > options.tol * game.payoff_range:
        where = np.unravel_index(
            int(np.argmax(np.abs(total - total.flat[0]))), total.shape
        )
        raise InvalidGameError(
            "method 'lp' needs a zero-sum (or constant-sum) game; payoffs sum to "
            f"{total.flat[0]:.6g} at (0, 0) but {total[where]:.6g} at {tuple(map(int, where))}"
        )
    x, y, value = zero_sum_kernel(A)
    return Candidates(
        blocks=_single((x, y)),
        complete=False,
        summary=lambda n: (
            f"optimal strategies by linear programming (HiGHS); value {value:.6g}"
        ),
        origin="the LP solution (HiGHS) failed certification: it ended",
        value=value,
    )


def _logit(game: NormalFormGame, options: Options) -> Candidates:
    """The logit solver; if its tracer fails, a complete method on small games.

    The fallback (``"enumerate"``, or the method it redirects to on
    two-player games: ``"vertex"``) runs only if its estimated cost is within ``max_memory`` and
    ``max_work``; it returns the first equilibrium that method lists, and
    the message says so.  Otherwise the tracer's :class:`SolverError` stands.
    """
    try:
        profile, info = logit_solve_kernel(game, tol=options.tol)
    except SolverError as error:
        reason = str(error)
        fallback = _choose(game, "enumerate")
        memory, work, _ = estimate_cost(game, fallback.name)
        if memory > options.max_memory or work > options.max_work:
            raise SolverError(
                f"{error}; the fallback {fallback.name!r} is over budget for this "
                f"{'x'.join(map(str, game.shape))} game"
            ) from error
        if fallback.kernel is None:  # _choose resolves choices: never
            raise
        found = fallback.kernel(game, options)
        blocks = found.blocks
        return Candidates(
            blocks=_with_pure(game, options.tol, blocks) if fallback.adds_pure else blocks,
            complete=False,
            summary=lambda n: (
                f"the logit tracer failed ({reason}); fell back to {fallback.name!r}, "
                f"which found {_count(n)}: the first is returned"
            ),
            first_only=True,
        )
    return Candidates(
        blocks=_single(profile),
        complete=False,
        summary=lambda n: (
            f"one equilibrium at the end of the logit QRE branch (lambda="
            f"{info['lam']:.6g}, {info['steps']} steps, "
            f"{info['polish_attempts']} polish attempts)"
        ),
        origin=f"the logit branch ended at lambda={info['lam']:.6g}",
    )


# -------------------------------------------------------------------- table
#: Every method of :func:`solve_nash`, by name: the one table that the
#: argument checks, the budgets, :data:`METHODS`, :data:`EXACT_METHODS`, the
#: error messages and the docstrings of :func:`solve_nash` and
#: :func:`estimate_cost` read.
NASH_METHODS: Mapping[str, NashMethod] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            NashMethod(
                name="auto",
                description=(
                    "'vertex' for two players, 'enumerate' for small games, else 'logit'"
                ),
                details=(
                    'the default: ``"vertex"`` for two players; ``"enumerate"`` for '
                    "n-player games with at most ``AUTO_ENUMERATE_LIMIT`` support "
                    'profiles; ``"logit"`` otherwise.'
                ),
                kernel=None,
                estimate=None,
                choose=_auto,
            ),
            NashMethod(
                name="pure",
                description="any number of players: every pure-strategy equilibrium",
                details=(
                    "every pure-strategy equilibrium of an n-player game, by one "
                    "vectorised pass over the payoff tensors."
                ),
                kernel=_pure,
                estimate=_pure_cost,
                exact_kernel=exact_pure,
            ),
            NashMethod(
                name="enumerate",
                description="any number of players: every equilibrium of a generic game",
                details=(
                    "every equilibrium of a generic n-player game, by enumerating "
                    "support profiles (pruned by conditional dominance) and solving "
                    "each one's polynomial indifference system: by elimination to one "
                    "polynomial whose roots are matrix eigenvalues where at most three "
                    "players mix (or four, each over two strategies), by certified "
                    "subdivision otherwise (exact multilinear range bounds to exclude "
                    "boxes, the Krawczyk test to certify a unique root).  If some "
                    "support system has a singular or non-isolated solution set the "
                    "result is marked ``complete=False``."
                ),
                kernel=_enumerate,
                estimate=_enumerate_cost,
                exhaustive=True,
                adds_pure=True,
                for_two_players="vertex",
            ),
            NashMethod(
                name="logit",
                description=(
                    "any number of players: one equilibrium, the limit of the "
                    "logit QRE branch"
                ),
                details=(
                    "one equilibrium of any game, the limit of the principal branch "
                    "of logit quantal response equilibria followed from the centroid "
                    "as the precision grows (predictor-corrector continuation, with "
                    "each player's payoffs normalised to [0, 1]), polished by "
                    "Newton's method on its support.  Should the tracer fail, a game "
                    'small enough for ``"vertex"`` (two players) or ``"enumerate"`` '
                    "within the budgets gets that method's first equilibrium "
                    "instead, and the message says so."
                ),
                kernel=_logit,
                estimate=_logit_cost,
                light=True,
            ),
            NashMethod(
                name="support",
                description="two players: every equilibrium of a nondegenerate game",
                details=(
                    "every equilibrium of a *nondegenerate* two-player game by "
                    "support enumeration (batched, with dominance pruning).  On a "
                    "degenerate game it warns (:class:`DegenerateGameWarning`) and "
                    "returns only equilibria whose two supports have equal size."
                ),
                kernel=_support,
                estimate=_support_cost,
                max_players=2,
                exact_kernel=exact_support,
                exhaustive=True,
                adds_pure=True,
            ),
            NashMethod(
                name="vertex",
                description=(
                    "two players: every extreme equilibrium, degenerate games included"
                ),
                details=(
                    "every extreme equilibrium of any two-player game, degenerate "
                    "ones included (every equilibrium is a convex combination of "
                    "extreme ones within a component) by vertex enumeration of the "
                    "best-response polytopes."
                ),
                kernel=_vertex,
                estimate=_vertex_cost,
                max_players=2,
                exact_kernel=exact_vertex,
                exhaustive=True,
                adds_pure=True,
            ),
            NashMethod(
                name="lemke-howson",
                description="two players: one equilibrium from an initial label",
                details=(
                    "one equilibrium by complementary pivoting from "
                    "``initial_label``, with lexicographic ratio tests so that "
                    "degenerate games terminate."
                ),
                kernel=_lemke_howson,
                estimate=_lemke_howson_cost,
                max_players=2,
                options=frozenset({"initial_label", "max_pivots"}),
                exact_kernel=exact_lemke_howson,
                light=True,
            ),
            NashMethod(
                name="lp",
                description=(
                    "two-player zero-sum (or constant-sum) games: optimal "
                    "strategies and value"
                ),
                details=(
                    "optimal strategies of a two-player constant-sum game by linear "
                    "programming; the result carries the game's ``value``."
                ),
                kernel=_lp,
                estimate=_lp_cost,
                max_players=2,
            ),
        )
    }
)

#: The methods :func:`solve_nash` accepts, with the players they support
#: (read from :data:`NASH_METHODS`).
METHODS: Mapping[str, str] = MappingProxyType(
    {name: spec.description for name, spec in NASH_METHODS.items()}
)

#: The methods :func:`solve_nash` accepts with ``exact=True`` (two players):
#: those with an exact kernel, and ``"auto"``, which chooses one.
EXACT_METHODS = tuple(name for name, spec in NASH_METHODS.items() if spec.exact)


# ------------------------------------------------------------ documentation
def _quoted(names: list[str] | tuple[str, ...]) -> str:
    """``"a"``, ``"b"`` and ``"c"``: names for a docstring."""
    items = [f'``"{name}"``' for name in names]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _bullet(name: str, text: str) -> str:
    return textwrap.fill(
        f'* ``"{name}"``: {" ".join(text.split())}',
        width=79,
        initial_indent=" " * 8,
        subsequent_indent=" " * 10,
        break_on_hyphens=False,
        break_long_words=False,
    )


def _method_docs() -> dict[str, str]:
    """The parts of the docstrings of this module that the table writes."""
    methods = []
    for spec in NASH_METHODS.values():
        text = spec.details
        if spec.for_two_players is not None:
            text += f'  Two-player games go to ``"{spec.for_two_players}"``.'
        methods.append(_bullet(spec.name, text))
    estimates = []
    for spec in NASH_METHODS.values():
        if spec.estimate is not None:
            text = inspect.cleandoc(spec.estimate.__doc__ or "").split("\n\n")[0]
            estimates.append(_bullet(spec.name, text[:1].lower() + text[1:]))
    users = {
        option: _quoted([n for n, m in NASH_METHODS.items() if option in m.options])
        for option in OPTIONS
    }
    return {
        "{methods}": "\n".join(methods),
        "{estimates}": "\n".join(e.replace(" " * 8, " " * 4, 1).replace(
            "\n" + " " * 10, "\n" + " " * 6) for e in estimates),
        "{exhaustive}": _quoted([n for n, m in NASH_METHODS.items() if m.exhaustive]),
        "{exact_methods}": _quoted(EXACT_METHODS),
        **{"{" + option + "}": text for option, text in users.items()},
    }


def _write_docs() -> None:
    parts = _method_docs()
    for function in (solve_nash, estimate_cost):
        doc = function.__doc__
        if doc is None:  # python -OO
            continue
        for key, text in parts.items():
            doc = doc.replace(key, text)
        function.__doc__ = doc


_write_docs()

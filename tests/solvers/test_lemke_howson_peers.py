"""Lemke–Howson from every initial label against QuantEcon (and nashpy).

QuantEcon's ``lemke_howson(g, init_pivot=k)`` and nashpy's
``lemke_howson(initial_dropped_label=k)`` use kurilsim's labels (``0 .. m-1``
the row player's strategies, ``m .. m+n-1`` the column player's).  On
nondegenerate games every method follows the one Lemke–Howson path from a
label, so all must end at the same equilibrium, whichever engine (numba or
numpy) kurilsim uses.

On degenerate games the path depends on how ties in the ratio test are
broken.  kurilsim and QuantEcon both use the lexicographic rule, but
QuantEcon detects ties with fixed absolute tolerances in floating point;
kurilsim's floating-point path reproduces the exact-arithmetic lexicographic
path (checked against its integer-pivoting path), and where QuantEcon's end
point differs from kurilsim's it is QuantEcon's that departs from the exact
path.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from kurilsim.solvers import _lemke_howson as lh
from kurilsim.solvers._lemke_howson import lemke_howson_kernel
from kurilsim.testing.compare import seeded_gaussian_bimatrix, seeded_integer_bimatrix

qe_gt = pytest.importorskip("quantecon.game_theory")

pytestmark = pytest.mark.peers

Matrix = NDArray[np.float64]

ENGINES = ["numpy", pytest.param("numba", marks=pytest.mark.skipif(
    lh._load_numba_path() is None, reason="numba is not installed"))]


def _quantecon(A: Matrix, B: Matrix, label: int) -> tuple[Matrix, Matrix]:
    game = qe_gt.NormalFormGame((qe_gt.Player(A), qe_gt.Player(np.ascontiguousarray(B.T))))
    x, y = qe_gt.lemke_howson(game, init_pivot=label)
    return np.asarray(x), np.asarray(y)


def _same(p: tuple[Matrix, Matrix], q: tuple[Matrix, Matrix], atol: float = 1e-9) -> bool:
    return all(np.allclose(a, b, rtol=0.0, atol=atol) for a, b in zip(p, q, strict=True))


SQUARE = list(range(2, 15))
RECTANGULAR = [(1, 3), (2, 5), (4, 3), (6, 9), (11, 5)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("m", "n"), [(d, d) for d in SQUARE] + RECTANGULAR, ids=lambda v: str(v)
)
def test_same_equilibrium_as_quantecon_from_every_label(engine: str, m: int, n: int) -> None:
    for seed in range(3):
        A, B = seeded_gaussian_bimatrix(m, n, seed)
        for label in range(m + n):
            x, y, _ = lemke_howson_kernel(A, B, label, engine=engine)  # type: ignore[arg-type]
            theirs = _quantecon(A, B, label)
            assert _same((x, y), theirs), (m, n, seed, label, (x, y), theirs)


DEGENERATE_SHAPES = [(2, 2), (2, 3), (3, 3), (3, 5), (4, 4), (5, 3), (6, 6), (7, 8)]


@pytest.mark.parametrize("engine", ENGINES)
def test_degenerate_games_follow_the_exact_lexicographic_path(engine: str) -> None:
    agree = differ = 0
    for m, n in DEGENERATE_SHAPES:
        for seed in range(12):
            A, B = (M.astype(float) for M in seeded_integer_bimatrix(m, n, seed))
            for label in range(m + n):
                x, y, pivots = lemke_howson_kernel(A, B, label, engine=engine)  # type: ignore[arg-type]
                xe, ye, exact_pivots = lh._exact_path(A, B, label, 10_000)
                # kurilsim's floating-point path is the exact lexicographic path
                assert pivots == exact_pivots, (m, n, seed, label)
                assert _same((x, y), (xe, ye), atol=1e-12), (m, n, seed, label)
                theirs = _quantecon(A, B, label)
                if _same((x, y), theirs):
                    agree += 1
                else:
                    # only where QuantEcon's rounding broke a tie otherwise
                    assert not _same(theirs, (xe, ye)), (m, n, seed, label)
                    differ += 1
    assert differ <= 0.02 * (agree + differ), (agree, differ)


@pytest.mark.parametrize("engine", ENGINES)
def test_known_degenerate_games_match_quantecon(engine: str) -> None:
    games = {
        # von Stengel (2007), section 3.6: two best responses to the first row
        "von-stengel-3x2": (
            [[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]],
            [[3.0, 3.0], [2.0, 6.0], [3.0, 1.0]],
        ),
        "tied-best-response-2x3": (
            [[1.0, 1.0, 0.0], [0.0, 0.0, 2.0]],
            [[2.0, 2.0, 0.0], [0.0, 1.0, 1.0]],
        ),
        "duplicate-rows-and-columns": (
            [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]],
        ),
        "weakly-dominated-3x3": (
            [[1.0, 1.0, 1.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]],
            [[1.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 1.0]],
        ),
    }
    for name, (a, b) in games.items():
        A, B = np.array(a), np.array(b)
        for label in range(sum(A.shape)):
            x, y, _ = lemke_howson_kernel(A, B, label, engine=engine)  # type: ignore[arg-type]
            assert _same((x, y), _quantecon(A, B, label)), (name, label)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("d", [2, 3, 4, 5])
def test_same_equilibrium_as_nashpy_from_every_label(engine: str, d: int) -> None:
    nashpy = pytest.importorskip("nashpy")
    for seed in range(3):
        A, B = seeded_gaussian_bimatrix(d, d + 1, seed)
        game = nashpy.Game(A, B)
        for label in range(2 * d + 1):
            x, y, _ = lemke_howson_kernel(A, B, label, engine=engine)  # type: ignore[arg-type]
            theirs = game.lemke_howson(initial_dropped_label=label)
            assert _same((x, y), tuple(theirs), atol=1e-8), (d, seed, label)

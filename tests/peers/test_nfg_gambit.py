"""Cross-check kurilsim's Gambit .nfg reader and writer against pygambit."""

from __future__ import annotations

import io
import itertools
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kurilsim import NormalFormGame
from kurilsim.io.nfg import read_nfg, write_nfg

pygambit = pytest.importorskip("pygambit")
pytestmark = pytest.mark.peers

SHAPES = {1: (3,), 2: (3, 2), 3: (2, 3, 2), 4: (2, 2, 3, 2)}

# Gambit 16.7 accepts only labels of printable ASCII with single inner spaces
# (titles and comments may hold any ASCII), its reader mishandles backslashes
# and it renames a lone empty label to "_1", so the labels here avoid all that.
LABELS = ['with "quotes"', "{ braces }, commas", "tilde~ [brackets]", "1/2", "a;b"]


def _gambit_payoffs(game: Any) -> list[np.ndarray]:
    """Per-profile payoffs of a pygambit game (the null outcome pays zero)."""
    players = list(game.players)
    shape = tuple(len(player.strategies) for player in players)
    arrays = [np.zeros(shape) for _ in players]
    for profile in itertools.product(*(range(m) for m in shape)):
        outcome = game[profile]
        for array, player in zip(arrays, players, strict=True):
            array[profile] = 0.0 if outcome is None else float(outcome[player])
    return arrays


def _gambit_labels(game: Any) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    players = tuple(player.label for player in game.players)
    strategies = tuple(
        tuple(strategy.label for strategy in player.strategies)
        for player in game.players
    )
    return players, strategies


def _assert_matches(ours: NormalFormGame, theirs: Any) -> None:
    assert (ours.players, ours.strategies) == _gambit_labels(theirs)
    expected = _gambit_payoffs(theirs)
    for a, b in zip(ours.payoffs, expected, strict=True):
        np.testing.assert_array_equal(a, b)


def _kurilsim_game(n: int, seed: int, *, fractions: bool = False) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    shape = SHAPES[n]
    arrays = []
    for _ in range(n):
        if fractions:
            values = [
                float(Fraction(int(p), int(q)))
                for p, q in zip(
                    rng.integers(-40, 40, size=int(np.prod(shape))),
                    rng.integers(1, 9, size=int(np.prod(shape))),
                    strict=True,
                )
            ]
            arrays.append(np.array(values).reshape(shape))
        else:
            arrays.append(rng.normal(scale=10.0 ** rng.integers(-4, 5), size=shape))
    labels = itertools.cycle(LABELS)
    strategies = [
        [f"{i}.{k} {next(labels)}" for k in range(m)] for i, m in enumerate(shape)
    ]
    players = [f"Player {i} {LABELS[i]}" for i in range(n)]
    return NormalFormGame(arrays, players=players, strategies=strategies)


# ------------------------------------------------- kurilsim -> pygambit


@pytest.mark.parametrize("outcome_version", [False, True])
@pytest.mark.parametrize("fractions", [False, True])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_kurilsim_files_load_in_gambit(
    n: int, fractions: bool, outcome_version: bool
) -> None:
    game = _kurilsim_game(n, seed=10 * n + fractions, fractions=fractions)
    text = write_nfg(
        game,
        title='Kuril "islands" {1855} Iturup',
        comment="Treaty of\nShimoda,  1855 ",
        outcome_version=outcome_version,
    )
    theirs = pygambit.read_nfg(io.StringIO(text))
    _assert_matches(game, theirs)
    assert theirs.title == 'Kuril "islands" {1855} Iturup'
    assert theirs.description == "Treaty of\nShimoda,  1855 "


@pytest.mark.parametrize("outcome_version", [False, True])
def test_extreme_values_load_in_gambit(outcome_version: bool) -> None:
    values = [
        0.0, -0.0, 0.1, 1 / 3, 1e-300, 5e-324, 1.7976931348623157e308, 2.0**53 + 2,
        1e16, 1e22, 2.5e-7, -1e-7, np.nextafter(1.0, 2.0), 123456.789, -7.0, 1e250,
    ]  # fmt: skip
    a = np.array(values).reshape(4, 4)
    game = NormalFormGame([a, np.abs(a).T])
    text = write_nfg(game, outcome_version=outcome_version)
    _assert_matches(game, pygambit.read_nfg(io.StringIO(text)))


def test_kurilsim_file_on_disk_loads_in_gambit(tmp_path: Path) -> None:
    game = _kurilsim_game(3, seed=5)
    path = tmp_path / "kuril.nfg"
    write_nfg(game, path)
    _assert_matches(game, pygambit.read_nfg(str(path)))


# ------------------------------------------------- pygambit -> kurilsim


def _gambit_game(n: int, seed: int) -> Any:
    rng = np.random.default_rng(seed)
    shape = SHAPES[n]
    size = int(np.prod(shape))
    arrays = []
    for i in range(n):
        kind = i % 3
        if kind == 0:  # rationals
            flat = [
                pygambit.Rational(int(p), int(q))
                for p, q in zip(
                    rng.integers(-30, 30, size), rng.integers(1, 7, size), strict=True
                )
            ]
        elif kind == 1:  # decimals
            flat = [pygambit.Decimal(f"{x:.6f}") for x in rng.normal(size=size)]
        else:  # integers
            flat = [int(x) for x in rng.integers(-100, 100, size)]
        array = np.empty(size, dtype=object)
        array[:] = flat
        arrays.append(array.reshape(shape))
    game = pygambit.Game.from_arrays(*arrays, title=f'Gambit "game" {n}')
    game.description = "written by\npygambit"
    labels = itertools.cycle(LABELS)
    for i, player in enumerate(game.players):
        player.label = f"G{i} {LABELS[-1 - i]}"
        for k, strategy in enumerate(player.strategies):
            strategy.label = f"g{k} {next(labels)}"
    return game


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_gambit_files_load_in_kurilsim(n: int) -> None:
    theirs = _gambit_game(n, seed=n)
    text = theirs.to_nfg()
    ours = read_nfg(text)
    _assert_matches(ours, theirs)
    # Gambit writes the outcome version; the payoff version says the same.
    assert read_nfg(write_nfg(ours)) == ours


def test_gambit_file_on_disk_loads_in_kurilsim(tmp_path: Path) -> None:
    theirs = _gambit_game(3, seed=11)
    path = tmp_path / "gambit.nfg"
    theirs.to_nfg(str(path))
    _assert_matches(read_nfg(path), theirs)
    _assert_matches(read_nfg(str(path)), theirs)


def test_gambit_default_labels() -> None:
    theirs = pygambit.Game.from_arrays([[1, 2], [3, 4]], [[5, 6], [7, 8]])
    ours = read_nfg(theirs.to_nfg())
    assert ours.players == ("1", "2")
    _assert_matches(ours, theirs)


# ------------------------------------------- games shipped with pygambit

_PACKAGE_DIR = Path(pygambit.__file__).parent
_SHIPPED = sorted(_PACKAGE_DIR.rglob("*.nfg"))


@pytest.mark.parametrize(
    "path", _SHIPPED, ids=[str(p.relative_to(_PACKAGE_DIR)) for p in _SHIPPED]
)
def test_shipped_nfg_files_load(path: Path) -> None:
    _assert_matches(read_nfg(path), pygambit.read_nfg(str(path)))


def _catalog_slugs() -> list[str]:
    try:
        from pygambit import catalog
    except ImportError:  # e.g. pandas missing
        return []
    return [str(slug) for slug in catalog.games()["Game"]]


@pytest.mark.parametrize("slug", _catalog_slugs())
def test_catalog_games_load(slug: str) -> None:
    """Every catalog game (trees via their strategic form) reads back equal."""
    from pygambit import catalog

    text = catalog.load(slug).to_nfg()
    _assert_matches(read_nfg(text), pygambit.read_nfg(io.StringIO(text)))

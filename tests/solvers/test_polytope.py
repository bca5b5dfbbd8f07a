"""Best-response polytope helpers (kurilsim.solvers._polytope)."""

from __future__ import annotations

import numpy as np
import pytest

from kurilsim.solvers._polytope import (
    label_keys,
    merge_duplicates,
    polytope_vertices,
    positive_scaled,
    raw_polytope_vertices,
    refine_vertex,
    solve_square_systems,
    vertex_labels,
)


def test_positive_scaled() -> None:
    out = positive_scaled(np.array([[-2.0, 0.0], [2.0, 1.0]]))
    np.testing.assert_allclose(out, [[0.01, 0.51], [1.01, 0.76]])
    assert positive_scaled(np.full((2, 2), 3.0)).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert positive_scaled(np.array([[0.0, 1.0]]), offset=1.0).tolist() == [[1.0, 2.0]]


def test_solve_square_systems_flags_singular_matrices() -> None:
    matrices = np.array([[[2.0, 0.0], [0.0, 4.0]], [[1.0, 2.0], [2.0, 4.0]]])
    z, ok = solve_square_systems(matrices)
    assert ok.tolist() == [True, False]
    np.testing.assert_allclose(z[0], [0.5, 0.25])


@pytest.mark.parametrize("route", ["bases", "qhull"])
def test_unit_square_vertices(route: str) -> None:
    # {z >= 0 : z_0 <= 1, z_1 <= 1}: the unit square
    matrix = np.eye(2)
    verts, zero, tight, used = polytope_vertices(matrix, route=route)
    assert used == route
    assert sorted(map(tuple, np.round(verts, 12).tolist())) == [
        (0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)
    ]
    for v, z, t in zip(verts, zero, tight, strict=True):
        assert z.tolist() == (np.abs(v) < 1e-9).tolist()
        assert t.tolist() == (np.abs(v - 1.0) < 1e-9).tolist()


def test_routes_agree_on_a_random_polytope() -> None:
    matrix = positive_scaled(np.random.default_rng(0).standard_normal((5, 3)))
    by_bases, _, _, _ = polytope_vertices(matrix, route="bases")
    by_qhull, _, _, _ = polytope_vertices(matrix, route="qhull")
    key = lambda v: sorted(map(tuple, np.round(v, 9).tolist()))
    assert key(by_bases) == key(by_qhull)
    raw, route = raw_polytope_vertices(matrix, route="auto")
    assert route in ("bases", "qhull")
    assert len(raw) >= len(by_bases)


def test_labels_keys_merge_and_refine() -> None:
    matrix = np.eye(2)
    verts = np.array([[1.0, 0.0], [1.0 + 1e-12, 0.0], [0.0, 0.0]])
    zero, tight = vertex_labels(matrix, verts)
    assert zero.tolist() == [[False, True], [False, True], [True, True]]
    merged, mz, mt = merge_duplicates(verts, zero, tight)
    assert len(merged) == 2
    keys = label_keys(np.array([[True, False], [False, True]]))
    assert keys.tolist() == [1.0, 2.0]
    wide = label_keys(np.zeros((2, 60), dtype=bool))
    assert wide[0] == wide[1]
    refined = refine_vertex(matrix, mz[0], mt[0])
    assert refined.tolist() == [1.0, 0.0]

"""Tools for testing solvers and models: hypothesis strategies and invariant checks.

``kurilsim.testing.strategies`` needs hypothesis (the ``test`` extra); it is
imported only when used.
"""

__all__: list[str] = []

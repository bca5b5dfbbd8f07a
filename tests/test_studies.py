"""The ready-made two- vs four-island study."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import kurilsim
from kurilsim import InvalidArgumentError, ProblemTooLargeError, two_vs_four_islands


def test_the_study_is_the_sweep_it_describes() -> None:
    result = two_vs_four_islands(resolution=5, progress=False)
    assert result.shape == (2, 5, 5)
    assert result.concept == "spe"
    np.testing.assert_array_equal(result.axes["japan.demand"], [2, 4])
    np.testing.assert_allclose(result.axes["russia.security_weight"], np.linspace(0, 4, 5))
    np.testing.assert_allclose(result.axes["russia.pledge_credibility"],
                               np.linspace(0, 1, 5))
    direct = kurilsim.sweep(kurilsim.load_scenario("2018-singapore"),
                            dict(result.axes), progress=False)
    np.testing.assert_array_equal(result.agreement, direct.agreement)


def test_the_study_takes_any_registered_concept() -> None:
    result = two_vs_four_islands(resolution=3, concept="nash-bargaining-discrete",
                                 progress=False)
    assert result.concept == "nash-bargaining-discrete"
    assert result.metadata["fast"] is True


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"resolution": 1}, InvalidArgumentError, "resolution"),
        ({"resolution": True}, InvalidArgumentError, "resolution"),
        ({"security_weight": (2.0, 1.0)}, InvalidArgumentError, "security_weight"),
        ({"pledge_credibility": "ab"}, InvalidArgumentError, "pledge_credibility"),
        ({"resolution": 100, "max_points": 1000}, ProblemTooLargeError, "20,000 points"),
    ],
)
def test_bad_options_are_refused_before_any_work(
    options: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        two_vs_four_islands(progress=False, **options)

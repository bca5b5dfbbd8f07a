"""The exception and warning classes (``src/kurilsim/_errors.py``).

Every error subclasses :class:`kurilsim.KurilsimError` *and* the matching
builtin, so callers that catch ``ValueError``, ``OSError``... keep working;
every warning is a :class:`kurilsim.KurilsimWarning`.
"""

from __future__ import annotations

import pickle
import warnings

import pytest

import kurilsim
from kurilsim import (
    BargainingProblem,
    CheckpointError,
    DegenerateGameWarning,
    InvalidArgumentError,
    InvalidGameError,
    InvalidModelError,
    InvalidProfileError,
    InvalidScenarioError,
    KurilsimError,
    KurilsimWarning,
    OutputError,
    PrecisionError,
    ProblemTooLargeError,
    ScenarioFileError,
    SolverError,
    UnusedOptionWarning,
)

#: Each error class with the classes it must also be (builtins and parents).
ERRORS: list[tuple[type[KurilsimError], tuple[type[BaseException], ...]]] = [
    (InvalidGameError, (ValueError,)),
    (InvalidProfileError, (ValueError,)),
    (InvalidModelError, (ValueError,)),
    (InvalidScenarioError, (InvalidModelError, ValueError)),
    (ScenarioFileError, (InvalidScenarioError, InvalidModelError, ValueError)),
    (InvalidArgumentError, (TypeError, ValueError)),
    (SolverError, (RuntimeError,)),
    (PrecisionError, (SolverError, RuntimeError)),
    (ProblemTooLargeError, (MemoryError,)),
    (CheckpointError, (RuntimeError,)),
    (OutputError, (OSError,)),
]

#: Builtins an error may *not* be unless listed above: catching them must not
#: swallow a kurilsim error of another kind.
OTHER_BUILTINS = (ValueError, TypeError, RuntimeError, MemoryError, OSError)


def _exported_classes() -> dict[str, type[BaseException]]:
    return {
        name: value
        for name in kurilsim.__all__
        if isinstance(value := getattr(kurilsim, name), type)
        and issubclass(value, BaseException)
    }


@pytest.mark.parametrize(
    ("error", "parents"), ERRORS, ids=[error.__name__ for error, _ in ERRORS]
)
def test_each_error_is_a_kurilsim_error_and_the_matching_builtin(
    error: type[KurilsimError], parents: tuple[type[BaseException], ...]
) -> None:
    assert issubclass(error, KurilsimError)
    for parent in parents:
        assert issubclass(error, parent), f"{error.__name__} is not a {parent.__name__}"
    for builtin in OTHER_BUILTINS:
        if builtin not in parents:
            assert not issubclass(error, builtin), (
                f"{error.__name__} is also a {builtin.__name__}"
            )
    assert not issubclass(error, Warning)
    # raised, it is caught by the builtin a caller who knows nothing of kurilsim uses
    with pytest.raises(parents[-1], match=r"^bad thing$"):
        raise error("bad thing")


def test_every_exported_exception_class_is_covered_and_well_placed() -> None:
    exported = _exported_classes()
    errors = {name for name, cls in exported.items() if not issubclass(cls, Warning)}
    covered = {error.__name__ for error, _ in ERRORS} | {"KurilsimError"}
    assert errors == covered, f"errors without a test here: {errors - covered}"
    for name, cls in exported.items():
        if issubclass(cls, Warning):
            assert issubclass(cls, KurilsimWarning), f"{name} is not a KurilsimWarning"
            assert not issubclass(cls, KurilsimError)
        else:
            assert issubclass(cls, KurilsimError), f"{name} is not a KurilsimError"


def test_the_base_classes() -> None:
    assert issubclass(KurilsimError, Exception)
    for builtin in OTHER_BUILTINS:
        assert not issubclass(KurilsimError, builtin)
    assert issubclass(KurilsimWarning, UserWarning)
    assert not issubclass(KurilsimWarning, KurilsimError)


def test_invalid_argument_error_is_both_type_and_value_error() -> None:
    for builtin in (TypeError, ValueError):
        with pytest.raises(builtin, match="tol must be"):
            raise InvalidArgumentError("tol must be a finite number, got 'x' (str)")


def test_plain_argument_errors_are_both_type_and_value_errors() -> None:
    # a public function's bad argument: catchable as either builtin
    pie = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    with pytest.raises(TypeError, match="tol"):
        pie.lottery_for([0.5, 0.5], tol="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tol"):
        pie.lottery_for([0.5, 0.5], tol=-1.0)


def test_problem_too_large_error_carries_its_estimate() -> None:
    error = ProblemTooLargeError("about 1.8e+06 linear programs", estimate=1.8e6)
    assert isinstance(error, MemoryError)
    assert error.estimate == 1.8e6
    assert str(error) == "about 1.8e+06 linear programs"
    assert ProblemTooLargeError("too big").estimate is None
    with pytest.raises(MemoryError) as caught:
        raise ProblemTooLargeError("too big", estimate=12)
    assert getattr(caught.value, "estimate", None) == 12


def test_output_error_is_an_os_error_with_its_message() -> None:
    error = OutputError("cannot write out.csv: No space left on device")
    assert isinstance(error, OSError)
    assert str(error) == "cannot write out.csv: No space left on device"
    assert error.errno is None  # a message, not an errno pair


@pytest.mark.parametrize(
    "error",
    [
        InvalidArgumentError("x must be an int, got 'a' (str)"),
        ScenarioFileError("file.toml: key 'agents' is missing"),
        PrecisionError("gains below float64 resolution"),
        ProblemTooLargeError("about 6 linear programs", estimate=6.0),
        OutputError("cannot write out.csv"),
        CheckpointError("checkpoint belongs to another sweep"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_errors_survive_pickling(error: KurilsimError) -> None:
    # sweeps run points in worker processes: errors travel back pickled
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert getattr(copy, "estimate", None) == getattr(error, "estimate", None)


@pytest.mark.parametrize(
    "cls",
    [InvalidArgumentError, ScenarioFileError, PrecisionError, ProblemTooLargeError,
     OutputError, CheckpointError],
    ids=lambda cls: cls.__name__,
)
def test_errors_can_be_rebuilt_from_their_class_new(cls: type[KurilsimError]) -> None:
    # tblib (installed by Dask's distributed scheduler) unpickles an exception
    # as ``cls.__new__(cls, *args)``: that must be the class's own constructor
    # (ProblemTooLargeError once inherited MemoryError.__new__ unsafely)
    rebuilt = cls.__new__(cls, "message")
    assert type(rebuilt) is cls
    assert isinstance(rebuilt, KurilsimError)


def test_warnings_are_kurilsim_warnings_and_can_be_filtered_together() -> None:
    assert issubclass(DegenerateGameWarning, KurilsimWarning)
    assert issubclass(DegenerateGameWarning, RuntimeWarning)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=KurilsimWarning)
        warnings.warn("degenerate", DegenerateGameWarning, stacklevel=1)
    assert caught == []
    with pytest.warns(KurilsimWarning, match="degenerate"):
        warnings.warn("degenerate", DegenerateGameWarning, stacklevel=1)


def test_unused_option_warning_is_a_plain_kurilsim_warning() -> None:
    # an ignored option is the caller's concern (a UserWarning), not a runtime one
    assert issubclass(UnusedOptionWarning, KurilsimWarning)
    assert issubclass(UnusedOptionWarning, UserWarning)
    assert not issubclass(UnusedOptionWarning, RuntimeWarning)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=KurilsimWarning)
        warnings.warn("initial_label is not used", UnusedOptionWarning, stacklevel=1)
    assert caught == []

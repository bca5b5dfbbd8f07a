"""The architecture of the source tree, checked (issue 14).

- Imports flow down the layers; the generic model imports nothing from the
  calibrated Kuril case.
- No module imports a private name (a leading underscore in the module path
  or in the name) from another package.  The root package's shared private
  helpers (``kurilsim._errors``, ``_checks``, ``_io``, ``_arrays``) are
  private to ``kurilsim`` as a whole and are allowed everywhere inside it.
- Tests mirror the source: each module ``src/kurilsim/<package>/<module>.py``
  has its tests in ``tests/<package>/test_<module>.py`` (``_module.py`` in
  ``test_module.py``).
- Tests use public names only: they never import ``kurilsim._errors``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "kurilsim"
TESTS = ROOT / "tests"

#: Private modules of the root package that every module of kurilsim may use.
SHARED_PRIVATE = frozenset(
    {
        "kurilsim._errors",
        "kurilsim._checks",
        "kurilsim._io",
        "kurilsim._arrays",
        "kurilsim._lp",
        "kurilsim._html",  # the notebook views' HTML building (issue 19)
    }
)

#: The layers, lowest first: a module may import only from its own layer or
#: lower ones (lazy imports inside functions included).  Each entry is a
#: module or package name below ``kurilsim``.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"_errors", "_arrays", "_html"}),
    frozenset({"_lp"}),
    frozenset({"_checks", "_io"}),
    frozenset({"model"}),
    frozenset({"games"}),
    frozenset({"solvers"}),
    frozenset({"io", "kuril", "data"}),  # data: sourced tables read by io and kuril
    frozenset({"concepts", "analysis", "_dynamic_kernel"}),
    frozenset({"sweeps"}),
    frozenset({"studies", "plot", "cli", "testing", "sensitivity", "calibration",
               "calibrated", "report"}),
    frozenset({"__init__", "__main__"}),
)

#: Upward imports that are deliberate, each with its reason: convenience
#: methods on value objects that hand over to a file format or the analysis
#: layer, imported lazily so the lower layer does not depend on the upper one
#: at import time.
ALLOWED_UPWARD: frozenset[tuple[str, str]] = frozenset(
    {
        # Scenario.to_dict / Scenario.to_toml write the scenario-file format
        ("kurilsim.model.scenario", "kurilsim.io.scenario_toml"),
        # NormalFormGame.from_nfg / .to_nfg read and write Gambit's format
        ("kurilsim.games.normal_form", "kurilsim.io.nfg"),
        # ExtensiveFormGame.from_efg / .to_efg read and write Gambit's format
        ("kurilsim.games.extensive", "kurilsim.io.efg"),
    }
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_of(module: str, path: Path) -> str:
    """The package a module belongs to (a package's __init__ is its own)."""
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    for index, layer in enumerate(LAYERS):
        if top in layer:
            return index
    raise AssertionError(f"module {module} is in no layer of tests/test_layout.py")


def _imports(path: Path, module: str) -> list[tuple[str, str | None, int]]:
    """(imported module, imported name or None, line) for every kurilsim import."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _package_of(module, path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                (alias.name, None, node.lineno)
                for alias in node.names
                if alias.name.split(".")[0] == "kurilsim"
            ]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "kurilsim":
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if (SOURCE.parent / submodule.replace(".", "/")).with_suffix(
                    ".py"
                ).exists() or (SOURCE.parent / submodule.replace(".", "/")).is_dir():
                    found.append((submodule, None, node.lineno))
                else:
                    found.append((target, alias.name, node.lineno))
    return found


SOURCES = sorted(SOURCE.rglob("*.py"))


def _private(dotted: str) -> bool:
    return any(part.startswith("_") and part != "__init__" for part in dotted.split("."))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_no_private_name_is_imported_from_another_package(path: Path) -> None:
    module = _module_name(path)
    package = _package_of(module, path)
    bad = []
    for target, name, line in _imports(path, module):
        if target in SHARED_PRIVATE:
            continue
        target_package = target if (
            SOURCE.parent / target.replace(".", "/")
        ).is_dir() else target.rpartition(".")[0]
        own = target_package == package or target_package.startswith(package + ".")
        if own:
            continue
        dunder = name is not None and name.startswith("__") and name.endswith("__")
        if _private(target.removeprefix("kurilsim.")) or (
            (name or "").startswith("_") and not dunder
        ):
            bad.append(f"line {line}: {target}{'.' + name if name else ''}")
    assert not bad, f"{module} imports private names of other packages: {bad}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_imports_flow_down_the_layers(path: Path) -> None:
    module = _module_name(path)
    own = _layer(module)
    bad = [
        f"line {line}: {target}"
        for target, _name, line in _imports(path, module)
        if target != "kurilsim"
        and _layer(target) > own
        and (module, target) not in ALLOWED_UPWARD
    ]
    assert not bad, f"{module} (layer {own}) imports from higher layers: {bad}"


#: The generic parts of the library: they work on any model, so their code
#: names nothing of the calibrated Kuril case (docstring examples may use it).
GENERIC_PARTS = ("model", "games", "solvers", "sweeps", "concepts.py", "analysis.py")

#: Names of the Kuril case ("kurilsim", the package's own name, is not one).
KURIL_WORDS = re.compile(
    r"island|japan|russia|kuril(?!sim)|united.states|us_forces", re.IGNORECASE
)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes of a module, its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(
            node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
        ):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                found.add(id(body[0].value))
    return found


def test_the_generic_model_knows_nothing_of_the_kuril_case() -> None:
    bad = {
        _module_name(path): target
        for path in sorted((SOURCE / "model").rglob("*.py"))
        for target, _name, _line in _imports(path, _module_name(path))
        if target.startswith("kurilsim.kuril")
    }
    assert not bad, f"the generic model imports the Kuril case: {bad}"


def _generic_sources(part: str) -> list[Path]:
    where = SOURCE / part
    return sorted(where.rglob("*.py")) if where.is_dir() else [where]


@pytest.mark.parametrize("part", GENERIC_PARTS)
def test_generic_code_names_nothing_of_the_kuril_case(part: str) -> None:
    # docstrings (and their examples) may *use* the calibrated case; code may not
    # name it: a Kuril rule in the code would silently not apply to other models
    named = []
    for path in _generic_sources(part):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in docstrings:
                    continue
                if node.value.lstrip().startswith(("\n", ">>>")) or "\n" in node.value:
                    continue  # a docstring-like text block
                if KURIL_WORDS.search(node.value):
                    where = path.relative_to(SOURCE)
                    named.append(f"{where}:{node.lineno}: {node.value!r}")
    assert not named, "code names the Kuril case:\n" + "\n".join(named)


def _mirrored_test(path: Path) -> Path:
    relative = path.relative_to(SOURCE)
    stem = relative.stem.strip("_")
    return TESTS.joinpath(*relative.parts[:-1], f"test_{stem}.py")


MODULES = [p for p in SOURCES if p.name != "__init__.py"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_every_module_has_its_tests_at_the_mirrored_path(path: Path) -> None:
    expected = _mirrored_test(path)
    assert expected.exists(), (
        f"{path.relative_to(ROOT)} has no tests at {expected.relative_to(ROOT)}"
    )
    text = expected.read_text(encoding="utf-8")
    assert "def test_" in text, f"{expected.relative_to(ROOT)} defines no test"


def test_every_test_directory_mirrors_a_package() -> None:
    special = {"property", "peers", "examples", "docs", "data"}
    for folder in sorted(p for p in TESTS.rglob("*") if p.is_dir()):
        relative = folder.relative_to(TESTS)
        if relative.parts[0] in special or "__pycache__" in relative.parts:
            continue
        if relative.parts[0].startswith("."):
            continue
        assert SOURCE.joinpath(*relative.parts).is_dir(), (
            f"tests/{relative} mirrors no package of src/kurilsim"
        )


@pytest.mark.parametrize(
    "path",
    sorted(p for p in TESTS.rglob("test_*.py") if p.name != "test_layout.py"),
    ids=lambda p: str(p.relative_to(TESTS)),
)
def test_tests_import_public_names(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "kurilsim._errors" not in text, (
        f"tests/{path.relative_to(TESTS)} imports kurilsim._errors; use the public "
        "names exported by kurilsim"
    )


def test_importing_the_package_loads_no_heavy_dependency() -> None:
    """``import kurilsim`` loads its submodules on first use (PEP 562): a script
    pays for scipy, matplotlib, pandas or the solvers only when it uses them.
    (What the import costs in time is measured in benchmarks/bench_import.py.)"""
    import subprocess
    import sys

    code = (
        "import sys, kurilsim\n"
        "heavy = ('scipy', 'matplotlib', 'pandas', 'tqdm', 'xarray', 'numba',\n"
        "         'nashpy', 'SALib', 'kurilsim.solvers', 'kurilsim.model')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
        "             or any(m.startswith(h + '.') or m == h for h in heavy)))\n"
        "print(kurilsim.solve_nash.__module__)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=ROOT,
    )
    loaded, module = run.stdout.splitlines()
    assert loaded == "[]", f"import kurilsim loaded {loaded}"
    # and the lazily loaded names are the real objects
    assert module == "kurilsim.solvers.nash"


def test_every_public_name_resolves_and_is_listed() -> None:
    import kurilsim

    missing = [name for name in kurilsim.__all__ if not hasattr(kurilsim, name)]
    assert not missing
    assert set(kurilsim.__all__) <= set(dir(kurilsim))
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        kurilsim.not_a_name

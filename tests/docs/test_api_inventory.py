"""The API reference (``docs/api/``) lists every public name of ``kurilsim``.

A name counts as listed when a page of ``docs/api/`` documents the object it
refers to with an autodoc or ``py:`` directive (under its short or its full
module path; an ``automodule`` without ``:no-members:`` lists its module's
``__all__``), or links to it with a ``{func}``/``{class}``/... role while
another page of ``docs/`` documents it (robustness and calibration live
with the pages that explain them).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import kurilsim

DOCS = Path(__file__).resolve().parents[2] / "docs"

_DIRECTIVE = re.compile(
    r"^(?P<indent>\s*)\.\. (?P<kind>auto\w+|py:\w+)::\s+(?P<path>[\w.]+)\s*$"
)
_ROLE = re.compile(r"\{(?:func|class|data|exc|mod|meth|attr)\}`(?:[^`<]*<)?~?(?P<path>kurilsim[\w.]*)>?`")

_MISSING = object()


def _resolve(path: str) -> Any:
    """The object a dotted path names (module, then attributes)."""
    parts = path.split(".")
    for k in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        for attribute in parts[k:]:
            found = getattr(found, attribute, _MISSING)
            if found is _MISSING:
                return _MISSING
        return found
    return _MISSING


def _documented(pages: list[Path]) -> set[str]:
    """Dotted paths documented by the directives of ``pages``."""
    paths: set[str] = set()
    for page in pages:
        lines = page.read_text(encoding="utf-8").splitlines()
        for k, line in enumerate(lines):
            match = _DIRECTIVE.match(line)
            if match is None:
                continue
            paths.add(match["path"])
            options = []
            for following in lines[k + 1 :]:
                indent = len(following) - len(following.lstrip())
                if following.strip().startswith(":") and indent > len(match["indent"]):
                    options.append(following.strip())
                else:
                    break
            if match["kind"] == "automodule" and ":no-members:" not in options:
                module = importlib.import_module(match["path"])
                paths.update(f"{match['path']}.{name}"
                             for name in getattr(module, "__all__", ()))
    return paths


def _linked(pages: list[Path]) -> set[str]:
    return {m["path"] for page in pages
            for m in _ROLE.finditer(page.read_text(encoding="utf-8"))}


def _objects(paths: set[str]) -> list[Any]:
    return [obj for obj in map(_resolve, paths) if obj is not _MISSING]


def _unlisted(names: list[str], objects: list[Any]) -> list[str]:
    return [name for name in names
            if not any(getattr(kurilsim, name) is obj for obj in objects)]


API_PAGES = sorted((DOCS / "api").glob("*.md"))
ALL_PAGES = sorted(p for p in DOCS.rglob("*.md")
                   if not any(part.startswith(("_", ".")) for part in p.relative_to(DOCS).parts))


def test_the_api_reference_lists_every_public_name() -> None:
    assert API_PAGES
    in_api = _objects(_documented(API_PAGES))
    documented_anywhere = _objects(_documented(ALL_PAGES))
    linked_from_api = _objects(_linked(API_PAGES))
    names = [name for name in kurilsim.__all__ if not name.startswith("__")]
    unlisted = [
        name for name in _unlisted(names, in_api)
        if not (_unlisted([name], linked_from_api) == []
                and _unlisted([name], documented_anywhere) == [])
    ]
    assert not unlisted, f"docs/api/ does not list kurilsim.{unlisted}"


def test_baron_ferejohn_is_in_the_solvers_reference() -> None:
    objects = _objects(_documented([DOCS / "api" / "solvers.md"]))
    assert not _unlisted(["solve_baron_ferejohn", "baron_ferejohn_shares"], objects)


def test_the_inventory_check_sees_a_missing_name(tmp_path: Path) -> None:
    """The parser is not vacuous: a page without the directive lists nothing,
    ``:no-members:`` lists only the module, a directive lists its object."""
    page = tmp_path / "page.md"
    page.write_text(
        "```{eval-rst}\n.. automodule:: kurilsim.sweeps\n   :no-members:\n\n"
        ".. autofunction:: kurilsim.solve_baron_ferejohn\n```\n",
        encoding="utf-8",
    )
    objects = _objects(_documented([page]))
    assert _unlisted(["solve_baron_ferejohn"], objects) == []
    assert _unlisted(["sweep", "load_result"], objects) == ["sweep", "load_result"]
    page.write_text("```{eval-rst}\n.. automodule:: kurilsim.sweeps\n```\n",
                    encoding="utf-8")
    assert _unlisted(["sweep", "load_result"], _objects(_documented([page]))) == []

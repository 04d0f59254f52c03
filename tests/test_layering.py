"""The import rules of the floors (docs/architecture.md): an import only
ever points down, or sideways within a floor.

    roof      geoportal
    services  requete (the e-services, built on the readers and the case core)
    readers   notes, ows, tiles, viewer
    domain    accounts, audit, cases, documents, layers, library, parcels,
              payments, permits, tenders
    tools     importing
    ground    core

Every module of a floor is parsed (not imported) and each ``import`` and
``from … import`` of a project package is checked, in functions and under
``TYPE_CHECKING`` too. Imports by name at run time (``importlib``), templates
and settings strings are not imports and are not checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

ROOF = {"geoportal"}
# requête-e reads the zoning through notes' composition: above the readers.
SERVICES = {"requete"}
READERS = {"notes", "ows", "tiles", "viewer"}
DOMAIN = {
    "accounts",
    "audit",
    "cases",
    "documents",
    "layers",
    "library",
    "parcels",
    "payments",
    "permits",
    "tenders",
}
TOOLS = {"importing"}
GROUND = {"core"}
APPS = ROOF | SERVICES | READERS | DOMAIN

# Imports that break the rules today, as (importing module, imported module):
# known debt, each with its reason. The list may only shrink —
# test_known_debt_is_still_owed fails when an entry is no longer needed.
KNOWN_DEBT: dict[tuple[str, str], str] = {}


def modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """The absolute modules ``path`` imports (``from a.b import c``: ``a.b``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def violations(floor: set[str], forbidden: set[str]) -> set[tuple[str, str]]:
    """(module, import) pairs where a module of ``floor`` imports ``forbidden``."""
    found = set()
    for package in sorted(floor):
        paths = modules(package)
        assert paths, f"no module found in {package}/"
        for path in paths:
            for name in imported(path):
                if name.split(".")[0] in forbidden:
                    found.add((module_name(path), name))
    return found


RULES = {
    "ground imports no app": (GROUND, APPS | TOOLS),
    "the tools import no app": (TOOLS, APPS),
    "the domain imports neither the readers nor above": (
        DOMAIN,
        READERS | SERVICES | ROOF,
    ),
    "the readers import neither the services nor the roof": (
        READERS,
        SERVICES | ROOF,
    ),
    "the services import not the roof": (SERVICES, ROOF),
}


@pytest.mark.parametrize("rule", RULES)
def test_imports_point_down(rule):
    floor, forbidden = RULES[rule]
    broken = violations(floor, forbidden) - KNOWN_DEBT.keys()
    assert not broken, f"{rule}: " + ", ".join(
        f"{module} imports {name}" for module, name in sorted(broken)
    )


def test_known_debt_is_still_owed():
    owed = set().union(*(violations(*rule) for rule in RULES.values()))
    paid = KNOWN_DEBT.keys() - owed
    assert not paid, f"remove from KNOWN_DEBT, no longer imported: {sorted(paid)}"


def test_every_package_stands_on_a_floor():
    """A new top-level package is placed on a floor, or its imports go unchecked."""
    packages = {path.parent.name for path in REPO.glob("*/__init__.py")}
    floors = ROOF | SERVICES | READERS | DOMAIN | TOOLS | GROUND
    assert packages - {"tests"} == floors


def test_the_parser_sees_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import layers.models\nfrom core import api\nfrom . import sibling\n"
        "def f():\n    from geoportal.machine import MachinePath\n"
    )
    assert imported(module) == {"layers.models", "core", "geoportal.machine"}

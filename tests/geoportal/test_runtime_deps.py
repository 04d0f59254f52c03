"""Product code imports only what ``scripts/run`` installs.

``scripts/run`` installs ``[project.dependencies]``; ``scripts/test`` adds the
``test`` extra. A product module importing a package that only the extra brings
passes every test and crashes a fresh ``scripts/run`` (it happened with lxml).
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOT_PRODUCT = {"tests", "benchmarks", "data", "docs", "scripts", "locale"}


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement line."""
    return (
        re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")
    )


def _runtime_closure(requirements: list[str]) -> set[str]:
    """The runtime requirements and everything they pull in, transitively."""
    wanted = [_name(line) for line in requirements]
    closure: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in closure:
            continue
        closure.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        # Requirements behind an extra ("; extra == ...") are not installed.
        wanted += [_name(line) for line in requires if "extra ==" not in line]
    return closure


def _product_files() -> list[Path]:
    files = []
    for path in sorted(REPO.rglob("*.py")):
        parts = path.relative_to(REPO).parts
        if parts[0].startswith(".") or parts[0] in NOT_PRODUCT:
            continue
        if "migrations" in parts:
            continue
        files.append(path)
    return files


def _top_level_imports(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules


def test_every_third_party_import_of_product_code_is_a_runtime_dependency():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime = _runtime_closure(project["dependencies"])
    local = {child.name for child in REPO.iterdir() if child.is_dir()}
    local |= {child.stem for child in REPO.glob("*.py")}
    distributions = metadata.packages_distributions()
    problems = []
    files = _product_files()
    assert len(files) > 50, "the product code was not found"
    for path in files:
        for module in _top_level_imports(path):
            if module in sys.stdlib_module_names or module in local:
                continue
            if module == "__future__":
                continue
            owners = {
                owner.lower().replace("_", "-")
                for owner in distributions.get(module, [])
            }
            if not owners & runtime:
                problems.append(
                    f"{path.relative_to(REPO)} imports {module} "
                    f"({', '.join(sorted(owners)) or 'not installed'})"
                )
    assert not problems, (
        "product code imports packages that scripts/run does not install; add "
        "them to [project.dependencies]:\n" + "\n".join(problems)
    )

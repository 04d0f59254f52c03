"""axe-core in the browser tests: the WCAG 2.0/2.1 A and AA rules run on a page as
a reader has it, with zero violations as the bar.

axe-core comes from the npm registry at the exact version and integrity hash of
package-lock.json, installed by scripts/test (``npm ci``) into .local/node/;
nothing is fetched while the tests run. It is evaluated through the DevTools
protocol, which the page's content-security policy does not govern, so the page
keeps its policy while it is checked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.browser_fixtures import ARTIFACTS

AXE = (
    Path(__file__).resolve().parents[2] / ".local/node/node_modules/axe-core/axe.min.js"
)
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail(
            f"axe-core is missing ({AXE}): scripts/test installs it (npm ci from "
            "package-lock.json)"
        )
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """The WCAG A/AA violations axe-core finds on ``page`` as it is now: the
    whole page, third-party widgets (Swagger UI) included."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        """async (tags) => {
          const results = await axe.run(document, {
            runOnly: { type: "tag", values: tags },
            resultTypes: ["violations"],
          });
          return results.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => ({
              target: n.target.join(" "),
              html: n.html.slice(0, 300),
              summary: n.failureSummary,
            })),
          }));
        }""",
        WCAG_A_AA,
    )


class AxeReport:
    """Violations collected over several pages and states of one test, written to
    tests/artifacts/axe/<name>.json when there are any."""

    def __init__(self, name: str):
        self.name = re.sub(r"[^\w.-]+", "-", name)
        self.found: dict[str, list[dict]] = {}

    def check(self, page, state: str) -> None:
        violations = axe_violations(page)
        if violations:
            self.found[f"{state} ({page.url})"] = violations

    def assert_clean(self) -> None:
        if not self.found:
            return
        folder = ARTIFACTS / "axe"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.json"
        path.write_text(json.dumps(self.found, indent=2, ensure_ascii=False))
        lines = [
            f"{state}: {violation['id']} × {len(violation['nodes'])} "
            f"({violation['nodes'][0]['target']})"
            for state, violations in self.found.items()
            for violation in violations
        ]
        pytest.fail(f"axe-core violations (details in {path}):\n" + "\n".join(lines))

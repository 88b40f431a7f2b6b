"""axe-core in the browser journeys: `assert_accessible(page, context)` after every page.

axe-core is a test-only asset, vendored from the npm registry under `vendor/axe-core/` (see
its README for the version, source and integrity): the site never serves it.

Injection and the CSP. The portal sends a strict Content-Security-Policy with nonces, so a
`<script>` element added to the page (what `page.add_script_tag(path=…)` does) is refused.
Rather than switching the CSP off for the whole context (`bypass_csp=True`, which would also
hide the CSP violations the journeys check for), the library's source is evaluated through
the DevTools protocol (`page.evaluate`), which the page's CSP does not govern, and only when
the page does not have it yet. axe-core itself needs no `eval`, so the policy stays
enforced for everything the site does while axe runs.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"

# Every WCAG 2.0/2.1/2.2 success criterion at levels A and AA that axe can test automatically.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = frozenset({"serious", "critical"})

_RUN = """async (tags) => {
  const results = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String).join(" "),
      impact: n.impact,
      summary: n.failureSummary || "",
      html: n.html,
    })),
  }));
}"""


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def _inject(page: Any) -> None:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """All WCAG 2 A/AA violations axe finds on the page as it is now, whatever their impact."""
    page.wait_for_load_state()
    _inject(page)
    return page.evaluate(_RUN, WCAG_TAGS)


def format_violations(violations: list[dict[str, Any]], *, url: str, context: str) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violation(s) at {url}"]
    if context:
        lines[0] += f" ({context})"
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


def assert_accessible(page: Any, context: str = "") -> None:
    """Run axe-core (WCAG 2 A and AA rules) on the page and fail on any serious or critical
    violation, listing each one's rule id, impact, help text and offending nodes, with the
    page's URL and `context` (a few words saying where in the journey we are).

    Moderate and minor findings do not fail the journey (QUALITY.md sets the bar at 0
    serious or critical)."""
    failing = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
    if failing:
        pytest.fail(format_violations(failing, url=page.url, context=context), pytrace=False)

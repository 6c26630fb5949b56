"""What every page must pass on a phone, measured in the browser: no sideways scrolling, no table clipped in
its frame, buttons a thumb can hit (44 px, the WCAG target size), no serious or critical axe-core violation.
axe-core comes from the axe-playwright-python package (its bundled axe.min.js), evaluated from disk."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import axe_playwright_python

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
MIN_TARGET = 44
# AXE_ALL=1 reports the moderate and minor violations too (all clean when this was written).
SERIOUS = {"serious", "critical"} | ({"moderate", "minor"} if os.environ.get("AXE_ALL") else set())

_MEASURE = """() => {
  const out = {};
  const root = document.scrollingElement;
  out.scroll = [root.scrollWidth, root.clientWidth];
  out.clipped = [...document.querySelectorAll('.table-wrap')]
    .filter(w => w.scrollWidth > w.clientWidth + 1)
    .map(w => (w.closest('section, .card')?.querySelector('h2')?.innerText || w.querySelector('th')?.innerText || '?')
      + ` (${w.scrollWidth}>${w.clientWidth})`);
  // A column squeezed so narrow that its text runs two or three characters a line (the ledger's 事由 did).
  out.squeezed = [...document.querySelectorAll('.table td, .table th')]
    .filter(c => c.offsetParent !== null && !c.closest('.table-cards thead, .table-cards .table-head-row'))
    .filter(c => c.innerText.trim().length >= 4)
    .filter(c => {
      const size = parseFloat(getComputedStyle(c).fontSize);
      const range = document.createRange(); range.selectNodeContents(c);
      const box = range.getBoundingClientRect();
      return box.width > 0 && box.width < 3.5 * size && box.height > 2.5 * size;
    })
    .map(c => c.innerText.trim().slice(0, 12));
  out.small = [...document.querySelectorAll('button, .btn, input[type=submit]')]
    .filter(b => b.offsetParent !== null && !b.closest('.topbar'))
    .map(b => [b.innerText.trim() || b.value || b.getAttribute('aria-label') || '?', b.getBoundingClientRect().height])
    .filter(([, h]) => h > 0 && h < MIN_TARGET)
    .map(([t, h]) => `${t} (${Math.round(h)}px)`);
  return out;
}""".replace("MIN_TARGET", str(MIN_TARGET))


@dataclass
class PageCheck:
    problems: list[str] = field(default_factory=list)


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations on the page, one line each (rule, help, first targets)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"axe {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:4])
        for v in results["violations"]
        if v["impact"] in SERIOUS
    ]


def check_page(page, *, screenshot: Path | None = None, axe: bool = True) -> PageCheck:
    result = PageCheck()
    measured = page.evaluate(_MEASURE)
    width, client = measured["scroll"]
    if width > client:
        result.problems.append(f"scrolls sideways ({width} px wide in {client} px)")
    result.problems += [f"table clipped: {c}" for c in measured["clipped"]]
    result.problems += [f"column squeezed to a few characters a line: {c}" for c in measured["squeezed"]]
    result.problems += [f"button under {MIN_TARGET} px: {s}" for s in measured["small"]]
    if axe:
        result.problems += axe_violations(page)
    if screenshot is not None:
        save_screenshot(page, screenshot)
    return result


def save_screenshot(page, path: Path) -> None:
    """A full-page PNG in 256 colours (a third of the size; text stays sharp), for committing."""
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(page.screenshot(full_page=True))).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)

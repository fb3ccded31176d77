"""Every page of the dashboard checked by axe-core, in light and dark, wide and 380 px narrow; and pictured.

The light, wide run saves each page's screenshot (conftest's SCREENSHOTS; the README shows two of them).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.dashboard.conftest import Dashboard, Pages, screenshot, sign_in, violations

PAGES = (
    ("fleet", "#/fleet", "Fleet"),
    ("conversation", "#/conversation/alpha/external", "alpha"),
    ("logs", "#/logs", "Logs"),
    ("audit", "#/audit", "Audit"),
    ("keys", "#/keys", "Keys"),
)
"""(screenshot name, route, what the page's h1 says)."""


OVERFLOW = """
() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const name = (e) => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : "");
  const sticksOut = (e) => e.getBoundingClientRect().right > width + 1;
  const clipped = (e) => {
    if (["absolute", "fixed"].includes(getComputedStyle(e).position)) return false; // may escape its clipping box
    for (let up = e.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible" && !sticksOut(up)) return true;
    }
    return false;
  };
  const culprits = [...document.body.querySelectorAll("*")]
    .filter((e) => sticksOut(e) && !clipped(e))
    .filter((e) => !e.parentElement || !sticksOut(e.parentElement) || clipped(e.parentElement))
    .slice(0, 5)
    .map((e) => `${name(e)} (right edge ${Math.round(e.getBoundingClientRect().right)} px)`);
  return [`the page is ${document.documentElement.scrollWidth} px wide`, ...culprits];
}
"""
"""The outermost elements that stick out of the window, when the page scrolls sideways (none when it does not)."""


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 1280), ("light", 380), ("dark", 380)], ids=str)
def test_every_page_has_no_serious_accessibility_violation(
    pages: Pages, dashboard: Dashboard, history: None, axe_source: str, scheme: str, width: int
) -> None:
    page = pages.open(color_scheme=scheme, viewport={"width": width, "height": 900})
    page.add_init_script(axe_source)
    pictured = scheme == "light" and width == 1280
    found: dict[str, list[dict[str, Any]]] = {}
    narrow: list[str] = []

    page.goto(dashboard.url)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    found["sign-in"] = violations(page)
    narrow += [f"sign-in: {wide}" for wide in page.evaluate(OVERFLOW)]
    if pictured:
        screenshot(page, "sign-in")

    sign_in(page, dashboard.url, dashboard.keys.admin)
    for name, route, heading in PAGES:
        page.goto(f"{dashboard.url}{route}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        page.wait_for_load_state("networkidle")
        found[name] = violations(page)
        narrow += [f"{name}: {wide}" for wide in page.evaluate(OVERFLOW)]
        if pictured:
            screenshot(page, name)
        elif name == "fleet":
            screenshot(page, f"fleet-{scheme}-{width}")
    assert {name: v for name, v in found.items() if v} == {}
    assert narrow == [], f"wider than {width} px"

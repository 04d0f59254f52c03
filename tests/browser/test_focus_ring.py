"""The focus ring stands out (WCAG 1.4.11 and 2.4.7): walking a page with Tab,
every element that takes focus shows a ring, and one of the ring's tones (the
outline, or the halo between it and the element) has at least 3:1 contrast
with the background the ring is drawn on — on the verification page, the API
documentation, the document pages and the planner's pages, fr and ar."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_accessibility import log_in

pytestmark = pytest.mark.browser

# The focused element's ring (outline and box-shadow) and the background
# behind it: the first opaque background among its ancestors (the ring sits
# outside the element, over its parent).
FOCUSED_RING = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  let behind = "rgb(255, 255, 255)";
  for (let node = element.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour !== "transparent" && !/rgba\\(.*, 0\\)$/.test(colour)) {
      behind = colour;
      break;
    }
  }
  return {
    element: element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
      + " " + (element.textContent || "").trim().slice(0, 30),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outline: style.outlineColor,
    shadow: style.boxShadow,
    behind,
  };
}"""


def rgb(text: str) -> tuple[float, float, float]:
    red, green, blue = (float(part) for part in re.findall(r"[\d.]+", text)[:3])
    return red, green, blue


def luminance(colour: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(rgb(first)), luminance(rgb(second))))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def ring_problems(page, stops: int = 60) -> list[str]:
    """Tab through the page from its top; what is wrong with each stop's ring."""
    problems, seen = [], set()
    page.locator("body").focus()
    for _ in range(stops):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUSED_RING)
        if ring is None or ring["element"] in seen:
            break
        seen.add(ring["element"])
        tones = [ring["outline"]] if ring["outlineStyle"] != "none" else []
        tones += re.findall(r"rgba?\([^)]*\)", ring["shadow"])
        if not tones or (ring["outlineStyle"] != "none" and ring["outlineWidth"] < 2):
            problems.append(f"{ring['element']}: no visible ring")
            continue
        best = max(contrast(tone, ring["behind"]) for tone in tones)
        if best < 3:
            problems.append(f"{ring['element']}: {best:.2f}:1 on {ring['behind']}")
    assert seen, "nothing took the focus"
    return problems


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_focus_ring_has_3_to_1_contrast_on_every_page(
    session_factory,
    pages_data,
    language,
):
    session = session_factory(
        locale="ar-MA" if language == "ar" else "fr-FR",
        viewport={"width": 1280, "height": 800},
    )
    session.context.set_extra_http_headers({"Accept-Language": language})
    agency, document = pages_data["agency"], pages_data["document"]
    draft = pages_data["draft"]
    public = {
        "verification": f"/verify/{pages_data['note'].token}",
        "document": f"/documents/{agency.code}/{document.reference}/",
        "API docs": "/api/v1/docs",
        "planner login": "/planner/login/",
        "parcel": f"/parcels/{agency.code}/TF12345/7/",
    }
    planner = {
        "workspace": "/planner/",
        "layer, upload": f"/planner/layers/{draft.layer_id}/",
        "report of a version": f"/planner/versions/{draft.pk}/",
        "zone rules": f"/planner/documents/{document.pk}/rules/",
    }
    page = session.new_page()
    problems = []
    for pages in (public, planner):
        if pages is planner:
            log_in(session, pages_data["planner"])
        for name, path in pages.items():
            page.goto(session.base_url + path)
            page.wait_for_load_state("networkidle")
            problems += [f"{name}: {problem}" for problem in ring_problems(page)]
    assert problems == []

"""Checks that what a page shows fits the viewport: no element sticks out to the right and the
page does not scroll sideways (a cut column, a tile running off the side)."""

FITS_SCRIPT = """
(selectors) => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  }
  for (const selector of selectors) {
    const found = document.querySelectorAll(selector);
    if (!found.length) { problems.push(`${selector}: not on the page`); continue; }
    found.forEach((element, index) => {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) { return; }
      if (box.left < -1 || box.right > width + 1) {
        const span = `${Math.round(box.left)}..${Math.round(box.right)}`;
        problems.push(`${selector}[${index}]: ${span} of ${width}`);
      }
    });
  }
  return problems;
}
"""


def assert_fits(page, *selectors: str) -> None:
    """Every element matching each selector lies within the viewport's width."""
    problems = page.evaluate(FITS_SCRIPT, list(selectors))
    assert problems == [], problems

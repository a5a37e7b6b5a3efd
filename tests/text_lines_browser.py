"""Text as Chromium lays it out: the lines of an element's text, for the tests of where
Japanese breaks (tests/test_browser_auto_phrase.py, tests/test_browser_phrase_breaks.py).
"""

from __future__ import annotations

from typing import Any

# A line starts at each character whose box starts lower than the line's first (by more
# than a rounding); the phrases' zero-width spaces (`domain.phrases.ZWSP`) are left out, as
# a reader sees no such character.
_LINES = """(el) => {
  const lines = []; let top = null;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box) continue;
      if (top === null || box.top > top + 2) { lines.push(""); top = box.top; }
      if (node.data[i] !== "\\u200b") lines[lines.length - 1] += node.data[i];
    }
  }
  return lines;
}"""


def text_lines(element: Any) -> list[str]:
    """The lines of a Playwright locator's text, in order, as shown."""
    return list(element.evaluate(_LINES))

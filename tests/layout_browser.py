"""What fits a screen, for every browser test: no page scrolls sideways (and no visible
element reaches past the viewport's right edge: the check names the element that does),
and an element is shown whole (inside the viewport, not clipped by an ancestor that hides
its overflow, its text not truncated). Texts that try it: a long link-like token with no
break in it and long Japanese with no spaces.
"""

from __future__ import annotations

from typing import Any

TOKEN = "https://example.com/" + "a" * 40  # 60 characters, no break opportunity
JAPANESE = "参加者全員が同じ画面で結果を確認できるように長い日本語の文を空白なしで書きます"
LONG_TEXT = f"{TOKEN} {JAPANESE}"
EVERY_PROJECTOR = (
    {"width": 1024, "height": 768},
    {"width": 1280, "height": 720},
    {"width": 1366, "height": 768},
    {"width": 1920, "height": 1080},
)

# An element as a selector-like path from <body>, for messages.
_DESCRIBE = """
const describe = (el) => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  const cls = el.getAttribute('class');
  if (cls) s += '.' + cls.trim().split(/\\s+/).join('.');
  return s;
};
const path = (el) => {
  const parts = [];
  for (let e = el; e && e !== document.body; e = e.parentElement) parts.unshift(describe(e));
  return parts.join(' > ');
};
"""

# Every element whose box, or the content it lets spill out of it (text that does not
# wrap), ends past the viewport's right edge where it can be seen: not hidden, not clipped
# to nothing (the visually-hidden pattern), not inside an ancestor that clips or scrolls
# its overflow within the screen. The deepest first: that is the one to fix.
_PAST_THE_RIGHT_EDGE = (
    "() => {"
    + _DESCRIBE
    + """
  const width = innerWidth;
  const clippedAway = (style) => /rect\\(0px,? 0px,? 0px,? 0px\\)/.test(style.clip);
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    let right = box.right;
    if (style.overflowX === 'visible' && !(el instanceof SVGElement)) {
      right = Math.max(right, box.left + el.scrollWidth);
    }
    if (right <= width + 0.5) continue;
    let away = false;
    for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
      const s = a === el ? style : getComputedStyle(a);
      if (clippedAway(s)) { away = true; break; }
      if (a !== el && s.overflowX !== 'visible') {
        right = Math.min(right, a.getBoundingClientRect().right);
      }
      if (a.matches('dialog[open]') || s.position === 'fixed') break;  // the top layer
    }
    if (away || right <= width + 0.5) continue;
    found.push(`${path(el)} ends at ${Math.round(right)} px`
      + ` ("${(el.textContent || '').trim().slice(0, 40)}")`);
  }
  return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth: width,
          past: found.reverse().slice(0, 5)};
}"""
)

# The problems of each element: outside the viewport, clipped by an ancestor that hides
# its overflow, its text cut (wider or taller than its box: an ellipsis, a line clamp).
_NOT_WHOLE = (
    "(els) => {"
    + _DESCRIBE
    + """
  const out = (r, b) => r.left < b.left - 0.5 || r.top < b.top - 0.5
    || r.right > b.right + 0.5 || r.bottom > b.bottom + 0.5;
  const screen = {left: 0, top: 0, right: innerWidth, bottom: innerHeight};
  return els.map((el) => {
    const r = el.getBoundingClientRect();
    const problems = [];
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') {
      problems.push('not shown');
    }
    if (out(r, screen)) problems.push('outside the viewport');
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        if (out(r, a.getBoundingClientRect())) problems.push(`clipped by ${describe(a)}`);
      }
    }
    if (el.scrollWidth > el.clientWidth + 1) problems.push('text cut at its right');
    if (el.scrollHeight > el.clientHeight + 1) problems.push('text cut at its bottom');
    if (!problems.length) return null;
    return `${path(el)} ("${(el.textContent || '').trim().slice(0, 40)}"): `
      + problems.join(', ');
  }).filter((p) => p !== null);
}"""
)


def no_sideways_scroll(page: Any, state: str) -> None:
    """The page does not scroll sideways and no visible element ends past the viewport's
    right edge; the message names the deepest element that does."""
    found = page.evaluate(_PAST_THE_RIGHT_EDGE)
    assert found["scrollWidth"] <= found["innerWidth"] and found["past"] == [], (
        f"{state}: the page is {found['scrollWidth']} px wide in {found['innerWidth']} px;"
        f" past the right edge: {found['past']}"
    )


def at_widths(page: Any, state: str, widths: tuple[int, ...], height: int = 740) -> None:
    """no_sideways_scroll at each width (the page resized in place, not reloaded), then
    back to the page's size."""
    size = page.viewport_size
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": height})
            no_sideways_scroll(page, f"{state} at {width} px")
    finally:
        page.set_viewport_size(size)


def not_shown_whole(page: Any, selector: str) -> list[str]:
    """What keeps each element `selector` matches from being seen whole (none: [])."""
    problems: list[str] = page.locator(selector).evaluate_all(_NOT_WHOLE)
    return problems


def assert_shown_whole(page: Any, state: str, *selectors: str) -> None:
    """Every element each selector matches (at least one each) is inside the viewport,
    unclipped, its text whole."""
    for selector in selectors:
        assert page.locator(selector).count() > 0, f"{state}: no {selector}"
        problems = not_shown_whole(page, selector)
        assert problems == [], f"{state}: {problems}"


def nothing_scrolls(page: Any, state: str) -> None:
    """Neither way: the page is exactly one screen (presenter mode)."""
    size = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.scrollHeight,"
        " innerWidth, innerHeight]"
    )
    assert size[0] <= size[2] and size[1] <= size[3], f"{state}: the page scrolls ({size})"

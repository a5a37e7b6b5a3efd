// Typed answers' lengths, counted as the server counts them: the text trimmed, inner white
// space made one space (a word cloud's entry) or line breaks kept (open text), then its
// length in code points — Python's len(). A string's .length and an input's maxlength
// count UTF-16 units, so an emoji would count 2; and a Japanese IME's text being composed
// is in the field's value already, so it counts as it is typed.
import { counted } from "./i18n.js";

// Python's white space: at the ends all of it goes (str.strip); inside, runs of spaces are
// made one, but not the controls among it (a tab, a line break), which the server refuses
// rather than takes for spaces — so they stay in, and count, here too.
const SPACE = " \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000";
const STRIPPED = `${SPACE}\\t\\n\\v\\f\\r\\x1c-\\x1f\\x85\\u2028\\u2029`;
const EDGES = new RegExp(`^[${STRIPPED}]+|[${STRIPPED}]+$`, "g");
const INNER = new RegExp(`[${SPACE}]+`, "g");

export const codePoints = (text) => {
  let n = 0;
  for (const _ of text) n++; // a string iterates by code point
  return n;
};

// A word cloud entry as the server keeps it: trimmed, inner spaces made one.
export const spelling = (text) => text.replace(EDGES, "").replace(INNER, " ");

// Open text as the server keeps it: \r\n made \n, trimmed, blank lines made one.
export const passage = (text) =>
  text
    .replace(/\r\n?/g, "\n")
    .replace(EDGES, "")
    .replace(/\n{3,}/g, "\n\n");

// The key entries are grouped by, near enough the server's (NFKC, case folded): only to
// tell a participant they added the same entry twice; the server decides.
export const roughKey = (text) =>
  spelling(text.normalize("NFKC").toLowerCase().normalize("NFKC"));

// The "12 characters left" line under a field. `show(text)` draws it and says whether the
// length fits; a screen reader hears of it (`announce`) only when it matters — ten left,
// none left, too long — not at every key.
export function mountCount(element, limit, announce) {
  let said = "fine";
  return function show(length) {
    const left = limit - length;
    element.textContent =
      left >= 0 ? counted("ans_chars_left", left) : counted("ans_chars_over", -left);
    element.classList.toggle("ev-count-over", left < 0);
    const now = left < 0 ? "over" : left === 0 ? "none" : left <= 10 ? "few" : "fine";
    if (now !== said && now !== "fine") announce(element.textContent);
    said = now;
    return left >= 0;
  };
}

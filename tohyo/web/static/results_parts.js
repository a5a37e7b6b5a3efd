// What the results views (results_*.js) share: elements with text (never markup: user
// text stays text), the palette's color classes, keyed lists that keep their elements
// across updates, and the numbers' formats.
import { counted, t } from "./i18n.js";

const lang = document.body.dataset.lang || "en";
const oneDecimal = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const clock = new Intl.DateTimeFormat(lang, { timeStyle: "short" });

export const decimal1 = (n) => oneDecimal.format(n);
export const decimal2 = (n) => twoDecimals.format(n);
export const clockTime = (iso) => clock.format(new Date(iso));

export function element(tag, className = "", text = "") {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

export function svgElement(tag) {
  return document.createElementNS("http://www.w3.org/2000/svg", tag);
}

// Text set only when it changed (a frame of 60 words changes a few).
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

// A choice's or a statement's color class (.c1-.c10: tohyo.palette's colors).
export const colorClass = (index) => `c${(index % 10) + 1}`;

// A word cloud word's color from its key alone, as charts/wordcloud_picture.py picks it
// (the sum of its code points), so a word keeps its color while others come and go.
export function keyColor(key) {
  let sum = 0;
  for (const c of key) sum += c.codePointAt(0);
  return colorClass(sum);
}

// A keyed set of elements: `sync(items, keyOf, make, fill)` keeps one element per key
// (made once), fills each, forgets the others, and returns them in `items`' order.
export function keyed() {
  const nodes = new Map();
  return (items, keyOf, make, fill) => {
    const seen = new Set();
    const ordered = items.map((item) => {
      const key = keyOf(item);
      seen.add(key);
      let node = nodes.get(key);
      if (!node) {
        node = make(item);
        nodes.set(key, node);
      }
      fill(node, item);
      return node;
    });
    for (const key of [...nodes.keys()]) if (!seen.has(key)) nodes.delete(key);
    return ordered;
  };
}

// A list's children put in `wanted` order, moving only what is out of place; a control
// the move took focus from gets it back.
export function arrange(list, wanted) {
  const focused = document.activeElement;
  const had = focused && list.contains(focused);
  wanted.forEach((node, i) => {
    if (list.children[i] !== node) list.insertBefore(node, list.children[i] ?? null);
  });
  while (list.children.length > wanted.length) list.lastElementChild.remove();
  if (had && focused.isConnected && document.activeElement !== focused) focused.focus();
}

// "12 answers", or "No answers yet".
export const answersLine = (n) => (n ? counted("res_answers", n) : t("res_no_answers"));

// A word cloud's live results: the cloud exactly as the server lays it out
// (results.cloud: each word's font size and box in a 1000×600 space, positions stable
// between updates), the most common entries as a list for screen readers (the drawing
// itself is aria-hidden), and in the host's console every entry with Hide or Restore.
//
// The cloud is one inline SVG (viewBox 0 0 1000 600, so it scales with its box). Each
// word is a <text> kept across updates by its key: stretched to its box's width
// (textLength, lengthAdjust="spacingAndGlyphs") at its size, centred on the box's middle
// line (dominant-baseline: central), as charts/wordcloud_picture.py draws the same
// layout. Only what changed is written (an answer usually changes one or two words'
// counts and nothing of the layout), and nothing is read back from the layout, so 60
// words updating several times a second cost the page next to nothing. A moved or
// resized word glides there (a CSS transition of its transform and font size).
import { counted, list, number, t } from "./i18n.js";
import { answersLine, arrange, element, keyColor, keyed, setText, svgElement } from "./results_parts.js";

const TOP_LISTED = 10; // entries read out by the list for screen readers
const SUMMARY_NAMES = 3; // entries the live region names

export function mountWordcloudResults(root, first, options) {
  const host = Boolean(options.moderate);
  const box = element("div", "rv-cloud-box");
  const svg = svgElement("svg");
  svg.setAttribute("class", "rv-cloud");
  svg.setAttribute("viewBox", "0 0 1000 600");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const empty = element("p", "rv-empty muted", t("res_no_answers"));
  box.append(svg, empty);
  const top = element("ol", "visually-hidden rv-top");
  top.setAttribute("aria-label", t("res_wc_top"));
  const total = element("p", "rv-total");
  root.append(box, top, total);

  const words = new Map(); // key -> {node, text, geometry}
  const topRows = keyed();
  let question = first;
  let entryList = null;
  const entryRows = keyed();
  if (host) {
    const section = element("div", "rv-moderation");
    const title = element("p", "rv-list-title", t("mod_wc_entries"));
    title.id = `rv-entries-${first.questionId}`;
    entryList = element("ul", "rv-entries");
    entryList.setAttribute("aria-labelledby", title.id);
    section.append(title, entryList);
    root.append(section);
    entryList.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      options.moderate(question, button.closest("li").dataset.key, button.dataset.action);
    });
  }

  function drawCloud(cloud) {
    const seen = new Set();
    for (const word of cloud) {
      seen.add(word.key);
      let drawn = words.get(word.key);
      if (!drawn) {
        const node = svgElement("text");
        node.setAttribute("class", `rv-word ${keyColor(word.key)}`);
        node.setAttribute("lengthAdjust", "spacingAndGlyphs");
        node.setAttribute("dominant-baseline", "central");
        node.dataset.key = word.key;
        drawn = { node, text: null, geometry: null };
        words.set(word.key, drawn);
        place(drawn, word);
        svg.append(node); // placed before it is shown: a new word does not glide in
      } else {
        place(drawn, word);
      }
      if (drawn.text !== word.text) {
        drawn.text = word.text;
        drawn.node.textContent = word.text;
      }
    }
    for (const [key, drawn] of words) {
      if (!seen.has(key)) {
        drawn.node.remove();
        words.delete(key);
      }
    }
  }

  function place(drawn, word) {
    const geometry = `${word.x},${word.y},${word.width},${word.height},${word.size}`;
    if (geometry === drawn.geometry) return;
    drawn.geometry = geometry;
    const node = drawn.node;
    node.setAttribute("textLength", String(word.width));
    node.setAttribute("font-size", String(word.size));
    node.style.fontSize = `${word.size}px`; // a CSS property, so a resize transitions
    node.style.transform = `translate(${word.x}px, ${word.y + word.height / 2}px)`;
  }

  function drawTop(entries) {
    const shown = entries.filter((e) => !e.hidden).slice(0, TOP_LISTED);
    const rows = topRows(
      shown,
      (e) => e.key,
      () => element("li"),
      (li, e) => setText(li, t("res_wc_entry", { text: e.text, count: number(e.count) })),
    );
    arrange(top, rows);
  }

  function drawEntries(entries) {
    const rows = entryRows(entries, (e) => e.key, entryRow, fillEntry);
    arrange(entryList, rows);
  }

  function entryRow(entry) {
    const li = element("li", "rv-entry");
    li.dataset.key = entry.key;
    const button = element("button", "button rv-mod-button");
    button.type = "button";
    li.append(
      element("span", "rv-entry-text"),
      element("span", "rv-entry-count"),
      element("span", "rv-flag"),
      button,
    );
    return li;
  }

  function fillEntry(li, entry) {
    const hidden = Boolean(entry.hidden);
    li.classList.toggle("is-hidden", hidden);
    const [text, count, flag, button] = li.children;
    setText(text, entry.text);
    setText(count, number(entry.count));
    setText(flag, hidden ? t("mod_hidden") : "");
    flag.hidden = !hidden;
    const action = hidden ? "restore" : "hide";
    if (button.dataset.action !== action || button.dataset.text !== entry.text) {
      button.dataset.action = action;
      button.dataset.text = entry.text;
      button.textContent = t(`mod_${action}`);
      button.setAttribute("aria-label", t(`mod_${action}_named`, { text: entry.text }));
    }
  }

  function update(next) {
    question = next;
    const results = next.results ?? { totalVotes: 0, entries: [], cloud: [] };
    const cloud = results.cloud ?? [];
    drawCloud(cloud);
    empty.hidden = cloud.length > 0;
    empty.textContent = results.totalVotes ? t("res_wc_all_hidden") : t("res_no_answers");
    drawTop(results.entries ?? []);
    const distinct = results.distinct ?? 0;
    setText(
      total,
      results.totalVotes
        ? t("res_wc_total", {
            answers: answersLine(results.totalVotes),
            distinct: counted("res_wc_distinct", distinct),
          })
        : t("res_no_answers"),
    );
    if (entryList) drawEntries(results.entries ?? []);
  }

  function summary(next) {
    const results = next.results;
    const named = (results.entries ?? []).filter((e) => !e.hidden).slice(0, SUMMARY_NAMES);
    if (!named.length) return answersLine(results.totalVotes);
    return t("res_wc_summary", {
      answers: answersLine(results.totalVotes),
      top: list(named.map((e) => t("res_wc_entry", { text: e.text, count: number(e.count) }))),
    });
  }

  return { update, summary };
}

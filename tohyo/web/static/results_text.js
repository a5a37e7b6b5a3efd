// Open text's live results: a wall of cards, newest first (the order results list them
// in), with how many there are. Each card's text is set as text, its line breaks kept
// (white-space: pre-line).
//
// The room's screens (presenter mode, phones) show only the cards everyone may see: a
// hidden card, or one still awaiting the host's approval, is never drawn there even
// though the host's own stream carries it. The host's console shows every card, flagged,
// with Hide or Restore and, in "approve first" mode, Approve on the pending ones (and
// a "pending only" filter). Presenter mode shows the newest cards that fit its screen.
//
// On the console each card is as tall as its own text (not its row's longest), and a long
// one shows its first lines with "Show more": a 500-character card must not push the
// Hide and Approve buttons of the cards beside it, or its own, below the wall's fold.
import { counted, t } from "./i18n.js";
import { answersLine, arrange, clockTime, element, keyed, setText } from "./results_parts.js";

const CARDS_MAX = 200; // as many as the host's own results list
const LONG_CHARS = 200; // past this, or LONG_LINES lines, a console card starts folded
const LONG_LINES = 5;

let cardIds = 0; // for a card's "Show more" to name the text it unfolds

export function mountTextResults(root, first, options) {
  const host = Boolean(options.moderate);
  const flagged = host || options.audience === "summary"; // sees hidden and pending cards
  const approving = first.moderation === "approve";
  const total = element("p", "rv-total");
  const wall = element("ol", "rv-cards");
  wall.setAttribute("aria-label", t("res_text_cards"));
  const note = element("p", "rv-note muted");
  note.hidden = true;
  root.append(total);
  let pendingOnly = null;
  if (host && approving) {
    const label = element("label", "rv-filter");
    pendingOnly = element("input");
    pendingOnly.type = "checkbox";
    label.append(pendingOnly, ` ${t("mod_pending_only")}`);
    root.append(label);
    pendingOnly.addEventListener("change", () => update(question));
  }
  root.append(wall, note);
  const rows = keyed();
  let question = first;
  let visible = 0; // the cards everyone may see, of which the wall shows the newest
  let fitting = false;

  if (host) {
    wall.addEventListener("click", (event) => {
      const more = event.target.closest("button.rv-card-more");
      if (more) {
        const li = more.closest("li");
        const folded = li.classList.toggle("is-folded");
        showFold(more, folded);
        return;
      }
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      options.moderate(question, button.closest("li").dataset.key, button.dataset.action);
    });
  }

  function makeCard(card) {
    const li = element("li", "rv-card");
    li.dataset.key = card.key;
    const meta = element(host ? "div" : "p", "rv-card-meta");
    // A group: when Approve goes, the console's focus goes to the card's other control.
    if (host) meta.setAttribute("role", "group");
    const when = element("time", "rv-card-time");
    meta.append(when, element("span", "rv-flag"));
    if (host) {
      for (const action of ["approve", "hide"]) {
        const button = element("button", "button rv-mod-button");
        button.type = "button";
        button.dataset.action = action;
        meta.append(button);
      }
      const more = element("button", "button rv-card-more");
      more.type = "button";
      meta.append(more);
    }
    li.append(element("p", "rv-card-text"), meta);
    if (host) {
      li.querySelector(".rv-card-text").id = `rv-card-text-${(cardIds += 1)}`;
      li.querySelector(".rv-card-more").setAttribute("aria-controls", li.firstChild.id);
    }
    return li;
  }

  function showFold(more, folded) {
    more.textContent = t(folded ? "res_text_more" : "res_text_less");
    more.setAttribute("aria-expanded", String(!folded));
  }

  function fillCard(li, card) {
    const [text, meta] = li.children;
    setText(text, card.text);
    const [when, flag, approve, hide, more] = meta.children;
    if (when.dateTime !== card.at) {
      when.dateTime = card.at;
      when.textContent = clockTime(card.at);
    }
    li.classList.toggle("is-hidden", Boolean(card.hidden));
    li.classList.toggle("is-pending", Boolean(card.pending) && !card.hidden);
    const flagText = card.hidden ? t("mod_hidden") : card.pending ? t("mod_pending") : "";
    setText(flag, flagText);
    flag.hidden = !flagText;
    if (!host) return;
    const long = [...card.text].length > LONG_CHARS || card.text.split("\n").length > LONG_LINES;
    if (!more.textContent) {
      more.hidden = !long; // a card's text never changes: folded once, then as the host left it
      li.classList.toggle("is-folded", long);
      showFold(more, long);
    }
    approve.hidden = !(card.pending && !card.hidden);
    const action = card.hidden ? "restore" : "hide";
    const excerpt = shortened(card.text);
    if (hide.dataset.action !== action || hide.dataset.text !== excerpt) {
      hide.dataset.action = action;
      hide.dataset.text = excerpt;
      hide.textContent = t(`mod_${action}`);
      hide.setAttribute("aria-label", t(`mod_${action}_named`, { text: excerpt }));
      approve.textContent = t("mod_approve");
      approve.setAttribute("aria-label", t("mod_approve_named", { text: excerpt }));
      meta.setAttribute("aria-label", excerpt);
    }
  }

  function update(next) {
    question = next;
    const results = next.results ?? { totalVotes: 0, cards: [] };
    let cards = results.cards ?? [];
    if (!flagged) cards = cards.filter((c) => !c.hidden && !c.pending);
    if (pendingOnly?.checked) cards = cards.filter((c) => c.pending && !c.hidden);
    cards = cards.slice(0, CARDS_MAX); // an export lists every card: the summary, the newest
    arrange(wall, rows(cards, (c) => c.key, makeCard, fillCard));
    setText(total, totalLine(results));
    visible = results.shown ?? cards.length;
    if (options.audience === "present" && !fitting) {
      fitting = true; // once a frame, however many updates came in it
      requestAnimationFrame(() => {
        fitting = false;
        fit();
      });
    }
  }

  // One rule for the count: where the room sees the wall (presenter mode, phones, the
  // pictures), the cards it shows (`shown`); where every card is drawn, flagged (the
  // console, the summary), both — "5 answers · 4 shown" — and those awaiting approval.
  function totalLine(results) {
    const shown = results.shown ?? results.totalVotes;
    if (!flagged) return answersLine(shown);
    const parts = [answersLine(results.totalVotes)];
    if (shown !== results.totalVotes) parts.push(counted("res_text_shown", shown));
    if (approving) parts.push(counted("mod_pending_count", results.pending ?? 0));
    return parts.reduce((line, part) => t("mod_text_host_total", { answers: line, pending: part }));
  }

  // Presenter mode: the newest cards that fit the wall, whole; the rest wait.
  function fit() {
    const cards = [...wall.children];
    for (const card of cards) card.hidden = false;
    const bottom = wall.getBoundingClientRect().bottom;
    let shown = 0;
    let full = false;
    for (const card of cards) {
      full ||= card.getBoundingClientRect().bottom > bottom + 0.5;
      if (!full) shown += 1;
    }
    cards.forEach((card, i) => {
      card.hidden = i >= shown;
    });
    note.hidden = shown === cards.length && shown >= visible;
    note.textContent = t("res_text_newest", { shown, count: Math.max(visible, cards.length) });
  }
  const onResize = () => fit();
  if (options.audience === "present") window.addEventListener("resize", onResize);
  const destroy = () => window.removeEventListener("resize", onResize);

  function summary(next) {
    const results = next.results;
    const newest = (results.cards ?? []).find((c) => !c.hidden && !c.pending);
    const answers = answersLine(results.shown ?? results.totalVotes);
    return newest ? t("res_text_summary", { answers, text: shortened(newest.text) }) : answers;
  }

  return { update, summary, destroy };
}

// A card's opening words, to name it in a button's label or an announcement.
function shortened(text) {
  const chars = [...text.replace(/\s+/g, " ")];
  return chars.length > 40 ? `${chars.slice(0, 39).join("")}…` : chars.join("");
}

// A question's live results, whatever its type, in the host's console, presenter mode,
// the summary and on phones: one entry, `mountResults(container, options)`, dispatching
// on the question's type — choice questions as before (bars.js on a phone; chart.js's
// bars through event_run.js on the host's screens), each other type in its own module
// (results_wordcloud.js, results_text.js, results_scale.js, results_ranking.js).
//
// `options`: {audience: "host" | "present" | "summary" | "phone", moderate?: (question,
// key, action) => Promise (the host console's hide/restore/approve: moderation.js)}.
// The returned `update(question, {announce})` draws the question's `results`; null
// clears. A view is rebuilt only when another question, type or configuration is shown,
// so words, cards and bars keep their elements across updates.
//
// Participant text is always set as text (textContent, attributes), never as markup.
import { mountBars } from "./bars.js";
import { resultsIn } from "./event_run.js";
import { mountRankingResults } from "./results_ranking.js";
import { mountScaleResults } from "./results_scale.js";
import { mountTextResults } from "./results_text.js";
import { mountWordcloudResults } from "./results_wordcloud.js";

const TYPED = {
  wordcloud: mountWordcloudResults,
  text: mountTextResults,
  scale: mountScaleResults,
  ranking: mountRankingResults,
};
const ANNOUNCE_EVERY_MS = 4000; // as chart.js: a hot question must not flood a reader

export function mountResults(container, options = {}) {
  const audience = options.audience ?? "host";
  let shape = null; // what the view drawn was built for
  let view = null;

  return {
    update(question, { announce = false } = {}) {
      if (!question) {
        clear();
        return;
      }
      const next = shapeOf(question);
      if (next !== shape) {
        clear();
        shape = next;
        view = build(question);
        announce = false; // another question on screen is not a change of counts
      }
      view.update(question, { announce });
    },
  };

  function clear() {
    view?.destroy?.();
    view = null;
    shape = null;
    if (audience === "phone") {
      container.querySelector(".rv")?.remove();
    } else {
      container.replaceChildren();
    }
  }

  function build(question) {
    const mount = TYPED[question.type];
    if (!mount) return choiceView(question);
    const root = document.createElement("div");
    root.className = `rv rv-${question.type} rv-${audience}`;
    root.dataset.type = question.type;
    if (audience === "host" || audience === "present") root.id = "results";
    if (audience === "phone") {
      // The phone's card holds a choice question's bars and total: not this type's.
      for (const part of container.querySelectorAll(":scope > .bars, :scope > .total")) {
        part.hidden = true;
      }
      container.append(root);
    } else {
      container.replaceChildren(root);
    }
    const typed = mount(root, question, { ...options, audience });
    return withAnnouncer(root, typed, audience);
  }

  // Choice questions keep the charts they had.
  function choiceView(question) {
    if (audience === "phone") {
      for (const part of container.querySelectorAll(":scope > .bars, :scope > .total")) {
        part.hidden = false;
      }
      const bars = container.querySelector(".bars");
      bars.replaceChildren();
      const draw = mountBars(bars, container.querySelector(".total"), question.choices);
      return { update: (q) => q.results && draw(q.results) };
    }
    const results = resultsIn(container);
    return { update: (q, how) => results.update(q, how) };
  }
}

// What decides a view's markup: the question, its type, round and configuration (a
// ranking's items, a scale's points and statements). Counts are not part of it.
function shapeOf(question) {
  const config = {
    choices: question.choices?.map((c) => c.text),
    points: question.points,
    labels: question.labels,
    statements: question.statements?.map((s) => s.text),
    moderation: question.moderation,
  };
  return JSON.stringify([question.questionId, question.type, question.round, config]);
}

// A polite live region saying what changed, at most every few seconds, on the host's
// screens (phones announce nothing of results, as for choice questions). What it says
// is the view's `summary` at the moment it speaks.
function withAnnouncer(root, typed, audience) {
  if (audience !== "host" && audience !== "present") return typed;
  const region = document.createElement("p");
  region.className = "visually-hidden";
  region.id = "announce";
  region.setAttribute("aria-live", "polite");
  root.append(region);
  let said = "";
  let latest = "";
  let last = 0;
  let pending = null;
  const speak = () => {
    pending = null;
    last = Date.now();
    if (latest === said) return;
    said = latest;
    region.textContent = latest;
  };
  return {
    update(question, { announce }) {
      typed.update(question);
      latest = question.results ? typed.summary(question) : "";
      if (!announce) {
        if (pending === null) said = latest; // a snapshot or a redraw is not news
        return;
      }
      if (latest === said || pending !== null) return;
      const wait = last + ANNOUNCE_EVERY_MS - Date.now();
      if (wait <= 0) speak();
      else pending = setTimeout(speak, wait);
    },
    destroy() {
      clearTimeout(pending);
      typed.destroy?.();
    },
  };
}

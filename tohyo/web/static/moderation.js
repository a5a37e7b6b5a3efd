// The host console's moderation: hiding, restoring and approving entries of word clouds
// and open text (the buttons are the results views'; `moderate` sends them), and the
// event's filters — its banned words and the English profanity filter — applied to
// every word cloud and open-text answer before it counts.
//
// Each is a change of the event through its API (POST …/questions/{id}/moderation,
// PATCH /api/events/{id}); what the page shows then comes from the event's stream, as
// every other change.
import { errorText } from "./event_run.js";
import { counted, t } from "./i18n.js";

export const BANNED_MAX = 200; // words, as the API takes them
export const BANNED_WORD_MAX = 40; // characters each

// Hide, restore or approve one entry (a word cloud's key, a card's key) of `question`.
export function moderate(run, question, key, action) {
  const path = `/questions/${encodeURIComponent(question.questionId)}/moderation`;
  return run.act("POST", path, { key, action });
}

// The banned words as typed: one per line (a pasted comma-separated list too), trimmed,
// blank lines dropped, each once. Returns {words} or {problem} in the host's words.
export function parseBanned(text) {
  const words = [];
  const seen = new Set();
  for (const part of text.split(/[\n,、，]/)) {
    const word = part.trim().replace(/\s+/g, " ");
    if (!word) continue;
    if ([...word].length > BANNED_WORD_MAX) {
      return { problem: t("mod_banned_too_long", { word, max: BANNED_WORD_MAX }) };
    }
    const folded = word.normalize("NFKC").toLowerCase();
    if (seen.has(folded)) continue;
    seen.add(folded);
    words.push(word);
  }
  if (words.length > BANNED_MAX) return { problem: t("mod_banned_too_many", { max: BANNED_MAX }) };
  return { words };
}

// The filters' form (templates/_moderation.html) kept in step with the event: `sync(state,
// live)` after every frame. What the host is typing is never overwritten by a frame;
// once saved (or untouched) the form shows the event's filters as the server keeps them.
export function mountEventFilters(section, getRun) {
  const $ = (id) => document.getElementById(id);
  const form = $("filters-form");
  const words = $("banned-words");
  const profanity = $("profanity-filter");
  const save = $("save-filters");
  const error = $("banned-words-error");
  const status = $("filters-status");
  const count = $("banned-words-count");
  let dirty = false;
  let sending = false;
  let live = true;
  let known = null; // the event's filters last shown

  const enable = () => {
    words.disabled = !live;
    profanity.disabled = !live || sending;
    save.disabled = !live || sending || !dirty;
  };

  words.addEventListener("input", () => {
    dirty = true;
    error.textContent = "";
    words.removeAttribute("aria-invalid");
    status.textContent = "";
    enable();
  });

  async function send(body, done) {
    sending = true;
    enable();
    status.textContent = "";
    try {
      await getRun().act("PATCH", "", body);
      done();
      status.textContent = t("mod_saved");
    } catch (problem) {
      error.textContent = errorText(problem);
    } finally {
      sending = false;
      enable();
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (sending) return;
    const parsed = parseBanned(words.value);
    if (parsed.problem) {
      error.textContent = parsed.problem;
      words.setAttribute("aria-invalid", "true");
      words.focus();
      return;
    }
    send({ bannedWords: parsed.words }, () => {
      dirty = false;
      known = null; // show what the server keeps, once the stream brings it
      sync(getRun().state());
    });
  });

  profanity.addEventListener("change", () => {
    const wanted = profanity.checked;
    send({ profanityFilter: wanted }, () => {});
  });

  function sync(state, isLive = live) {
    live = isLive;
    // Before the server keeps filters, there is nothing to edit.
    section.hidden = !Array.isArray(state.bannedWords);
    if (section.hidden) return;
    const filters = JSON.stringify([state.bannedWords, state.profanityFilter]);
    if (!sending) profanity.checked = Boolean(state.profanityFilter);
    if (!dirty && filters !== known) {
      known = filters;
      words.value = state.bannedWords.join("\n");
    }
    count.textContent = state.bannedWords.length
      ? counted("mod_banned_count", state.bannedWords.length)
      : t("mod_banned_none");
    enable();
  }

  return { sync };
}

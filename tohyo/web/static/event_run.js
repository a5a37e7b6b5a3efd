// What the host's console and presenter mode share: the host link, the event's one
// stream, the host's actions through the event API, which question Next and Previous
// go to, and the live chart of the presented question.
import { ApiError, postJSON } from "./api.js";
import { mountResults } from "./chart.js";
import { number, t } from "./i18n.js";
import { newest, watch } from "./live.js";

const SETTLE_MS = 2000; // how long an action waits for the stream to bring its change
const LONG_LABEL = 32; // columns: beyond, two lines of a projector's type do not hold it
// A label's width in columns: a Japanese, Chinese or Korean character (and a full-width
// form) is about two Latin letters wide, so 24 kanji are as long as 48 letters.
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
const columns = (text) => [...text].reduce((n, c) => n + (WIDE.test(c) ? 2 : 1), 0);

// A host link (hostUrl: the token rides in the fragment, which no browser sends) opened
// in this browser: trade the token for the host cookie, then load the page as the host.
export async function claimEventHost(eventId) {
  const match = location.hash.match(/^#host=([A-Za-z0-9_-]+)$/);
  if (!match) return false;
  history.replaceState(null, "", location.pathname + location.search);
  try {
    await postJSON(`/api/events/${eventId}/host`, {}, { Authorization: `Bearer ${match[1]}` });
  } catch {
    return false; // a wrong or stale link: stay who this browser is
  }
  location.reload();
  return true;
}

// A JSON request of any method (postJSON is POST only), the API's errors as ApiError.
export async function send(method, url, body) {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, { code: "network" });
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// An API error in words: the few codes of events first, then the shared messages.
export function errorText(error) {
  if (!(error instanceof ApiError)) return t("error_other");
  const key = `evh_error_${error.code}`;
  return t(key) === key ? error.message : t(key);
}

// The event as the host sees it, kept current from its stream; `act` runs a host action
// and resolves once the stream has brought the change (so Next pressed twice goes two
// questions on, not twice to the same one). The stream's count of connected phones is
// shown in the page's #presence ("12 connected") as it comes; its audience Q&A frames
// (every entry, as the host sees them) go to `onQa`.
export function follow(article, { onState, onConnection, onGone, onQa = null }) {
  const eventId = article.dataset.eventId;
  let state = JSON.parse(article.dataset.view);
  const shown = newest(state);
  let waiting = [];

  const take = (next, kind) => {
    state = next;
    onState(state, kind);
    waiting = waiting.filter((w) => (state.revision > w.revision ? (w.resolve(), false) : true));
  };

  watch(eventId, {
    base: "/api/events",
    shown,
    onState: take,
    onGone: (why) => onGone(why),
    onConnection,
    onPresence: showPresence(document.getElementById("presence")),
    frames: onQa ? { qa: onQa } : {},
  });

  const settled = (revision) =>
    new Promise((resolve) => {
      if (state.revision > revision) {
        resolve();
        return;
      }
      const entry = { revision, resolve };
      waiting.push(entry);
      setTimeout(() => {
        waiting = waiting.filter((w) => w !== entry);
        resolve();
      }, SETTLE_MS);
    });

  const api = (path) => `/api/events/${eventId}${path}`;

  async function act(method, path, body) {
    const before = state.revision;
    const answer = await send(method, api(path), body);
    // Changes to the event answer with the whole event: shown at once, unless the
    // stream has brought a newer one already. (Those to one question wait for it.)
    if (answer && answer.eventId === eventId && Array.isArray(answer.questions)) {
      if (shown.take(answer)) take(answer, "answer");
    }
    await settled(before);
    return answer;
  }

  return {
    eventId,
    state: () => state,
    act,
    present: (questionId) => act("POST", "/present", { questionId }),
    open: (questionId) => act("POST", `/questions/${questionId}/open`, {}),
    close: (questionId) => act("POST", `/questions/${questionId}/close`, {}),
    // The round on screen goes with a reset: one retried, or sent again before the
    // stream brought the new round, is refused (409 round_changed) rather than made a
    // second time. That refusal is no error to show: a round after the one seen exists.
    reset: async (questionId, round) => {
      try {
        return await act("POST", `/questions/${questionId}/reset`, round ? { round } : {});
      } catch (error) {
        if (error instanceof ApiError && error.code === "round_changed") return null;
        throw error;
      }
    },
  };
}

// "N connected" in `slot`, once the stream has said. Plain text, no live region: it moves
// every few seconds while people join, which announced would drown everything else.
function showPresence(slot) {
  return ({ connected }) => {
    if (!slot || !Number.isInteger(connected)) return;
    slot.textContent = t("evh_connected", { n: number(connected) });
    slot.dataset.connected = String(connected);
    slot.hidden = false;
  };
}

// Where Next and Previous go from what is on screen. Next: the question after it in the
// host's order, whatever its status (a draft is opened on the way: the host prepared it
// for this moment). Previous: the nearest asked (non-draft) question before it. From the
// lobby, Next goes on after the last question asked so far (the first if none was: a
// break does not send the room back to the start) and Previous back to that question.
export function neighbours(state) {
  const list = state.questions;
  let at = list.findIndex((q) => q.questionId === state.presenting);
  let previousFrom = at;
  if (at < 0) {
    at = lastIndex(list, (q) => q.status !== "draft");
    previousFrom = at + 1; // back to that question itself
  }
  const next = list[at + 1] ?? null;
  const before = list.slice(0, Math.max(previousFrom, 0));
  const previous = before[lastIndex(before, (q) => q.status !== "draft")] ?? null;
  return { next, previous };
}

function lastIndex(list, test) {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i])) return i;
  return -1;
}

// Present `question` (opening it first if it is a draft), or the lobby for null.
export async function presentQuestion(run, question) {
  if (question && question.status === "draft") await run.open(question.questionId);
  if ((question?.questionId ?? null) !== run.state().presenting) {
    await run.present(question?.questionId ?? null);
  }
}

export function presentedQuestion(state) {
  return state.questions.find((q) => q.questionId === state.presenting) ?? null;
}

// A question's choices with their counts, as chart.js draws a poll.
export function chartView(question) {
  const results = question.results ?? { totalVotes: 0, choices: [] };
  const byId = new Map(results.choices.map((c) => [c.choiceId, c]));
  return {
    totalVotes: results.totalVotes,
    choices: question.choices.map((c) => ({
      choiceId: c.choiceId,
      text: c.text,
      voteCount: byId.get(c.choiceId)?.voteCount ?? 0,
      percentage: byId.get(c.choiceId)?.percentage ?? 0,
    })),
  };
}

// The live bars of one question in `slot`, rebuilt when another question is shown: the
// markup of _results.html (bars; the counts list is their text equivalent), which
// chart.js fills. `update(question)`; `announce` for changes that are news.
export function resultsIn(slot) {
  let key = null;
  let chart = null;
  return {
    update(question, { announce = false } = {}) {
      if (!question) {
        slot.replaceChildren();
        key = null;
        return;
      }
      const view = chartView(question);
      const next = [question.questionId, question.type, ...view.choices.map((c) => c.text)].join(
        "\u0000",
      );
      if (next !== key) {
        key = next;
        slot.replaceChildren(resultsMarkup(question));
        chart = mountResults(slot.firstElementChild);
        announce = false; // a new question is not a change of counts
      }
      chart.update(view, { announce });
    },
  };
}

function resultsMarkup(question) {
  const root = element("div", "results");
  root.id = "results";
  root.dataset.kind = "bar";
  root.dataset.voteType = question.type;
  root.dataset.choices = String(question.choices.length);
  // Long labels get more room and more, smaller lines (presenter mode: event_host.css).
  const longest = Math.max(...question.choices.map((c) => columns(c.text)));
  root.dataset.labels = longest > LONG_LABEL ? "long" : "short";
  const chart = element("div", "chart");
  chart.setAttribute("aria-hidden", "true");
  const bars = element("ol", "bars");
  const counts = element("ul", "counts");
  counts.setAttribute("aria-label", t("results"));
  question.choices.forEach((choice, i) => {
    const color = `c${(i % 10) + 1}`;
    const bar = element("li", `bar ${color}`);
    bar.dataset.choiceId = choice.choiceId;
    const label = element("span", "bar-label", choice.text);
    label.title = choice.text;
    const track = element("span", "bar-track");
    track.append(element("span", "bar-fill"));
    bar.append(label, track, element("span", "bar-value"));
    bars.append(bar);
    const row = element("li", color);
    row.dataset.choiceId = choice.choiceId;
    const swatch = element("span", "swatch");
    swatch.setAttribute("aria-hidden", "true");
    row.append(swatch, element("span", "count-text", choice.text), element("span", "count-value"));
    counts.append(row);
  });
  chart.append(bars);
  const total = element("p", "total");
  total.id = "total";
  const announcer = element("p", "visually-hidden");
  announcer.id = "announce";
  announcer.setAttribute("aria-live", "polite");
  root.append(chart, counts, total, announcer);
  return root;
}

// An element with a class and text (text, never markup: user text stays text).
export function element(tag, className = "", text = "") {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

// The shape countdown.js knows (a poll's "active"), for a question.
export const countdownState = (question) => ({
  status: question && question.status === "open" ? "active" : "closed",
  closesAt: question?.closesAt,
});

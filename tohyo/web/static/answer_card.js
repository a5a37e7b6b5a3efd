// One question's card on the phone: its heading, the type's answer control (answer_*.js),
// Send, then thanks and what was sent, or "answered", "closed", and the results as the
// question's visibility allows. The same states for every type.
//
// Change of answer: where the question allows it (allowChange) and is open, an answered
// card offers "Change your answer", which brings the control back filled with what this
// participant sent (`answeredHere`: what this page sent, or what the page was told they
// had sent when it was loaded), and sending again replaces the answer.
import { ApiError, postJSON } from "./api.js";
import { countdown } from "./countdown.js";
import { t } from "./i18n.js";
import { cloned } from "./answer_parts.js";
import { mountChoice } from "./answer_choice.js";
import { mountQuiz } from "./answer_quiz.js";
import { mountRanking } from "./answer_ranking.js";
import { mountScale } from "./answer_scale.js";
import { mountText } from "./answer_text.js";
import { mountWordcloud } from "./answer_wordcloud.js";
import { mountResults } from "./results_view.js";

const CONTROLS = {
  single: mountChoice,
  multiple: mountChoice,
  wordcloud: mountWordcloud,
  text: mountText,
  scale: mountScale,
  ranking: mountRanking,
  quiz: mountQuiz,
};

// `page`: {eventId, live() (the event is live and still there), answeredHere (a Map of
// "questionId:round" → the body this page sent — or was told it sent, after a reload —
// or null when the server said it was answered before: a frame drawn before an answer
// committed may still say "not answered", and this keeps the form from coming back),
// preview (the host's preview: nothing is sent), resultsOf(question, answered) (the
// results to show, or none), answeredQuiz() (told when this page's quiz answer is in:
// the nickname is fixed from then on)}.
//
// A control may add `selfSubmit` (it sends by itself, as a quiz's one tap: no Send) and
// `after` with `follow(question, {answered, mine})` (an element after the thanks, and
// its update; it returns true when it says more than the thanks, which then give way).
export function makeCard(first, n, page) {
  const { answeredHere, live } = page;
  const element = cloned("ev-question-template");
  const part = (selector) => element.querySelector(selector);
  const prompt = part(".ev-prompt");
  const form = part("form");
  const button = part('button[type="submit"]');
  const keep = part(".ev-keep");
  const formError = part(".form-error");
  const thanks = part(".thanks");
  const sent = part(".ev-sent");
  const notice = part(".notice");
  const change = part(".ev-change");
  const results = part(".ev-results");
  const hiddenNote = part(".ev-results-hidden");
  const position = part(".ev-position");
  const liveRegion = part(".ev-live");
  // The deadline of the question's opening, if it has one: its time, and the countdown.
  const showCountdown = countdown(part(".countdown"), {
    until: part(".deadline"),
    untilKey: "ev_open_until",
  });
  prompt.id = `ev-question-${n}`;
  element.setAttribute("aria-labelledby", prompt.id);
  prompt.textContent = first.prompt;

  let question = first;
  let round = first.round;
  let sending = false;
  let editing = false; // changing an answer: the control is back
  let drawnMine; // the answer `sent` shows
  const key = () => `${question.questionId}:${question.round}`;

  const say = (text) => {
    // The same words twice are news twice (a live region says only what changed).
    liveRegion.textContent = liveRegion.textContent === text ? `${text}\u00a0` : text;
  };
  const syncButton = () => {
    button.disabled = sending || control.body() === null;
  };
  const changed = () => {
    formError.textContent = "";
    if (control) syncButton();
  };
  let control = null;
  control = (CONTROLS[first.type] ?? mountChoice)(first, { n, changed, announce: say, page });
  part(".ev-control").append(control.element);
  button.hidden = Boolean(control.selfSubmit);
  if (control.after) thanks.after(control.after);
  button.textContent = t(control.submitKey);
  part(".thanks h3").textContent = t(control.thanksKey); // also for an answer sent before a reload
  const shownResults = mountResults(results, { audience: "phone" }); // results_view.js

  function update(next) {
    question = next;
    if (next.round !== round) {
      round = next.round; // reset by the host: everyone may answer again
      control.clear();
      editing = false;
      formError.textContent = "";
    }
    const label = t("ev_question_n", { n: next.position });
    position.textContent = next.round > 1 ? `${label} · ${t("ev_round", { n: next.round })}` : label;
    const mine = answeredHere.get(key());
    const answered = Boolean(next.answered) || answeredHere.has(key());
    const open = live() && next.status === "open";
    const changeable = open && answered && Boolean(next.allowChange);
    if (!changeable) editing = false;
    form.hidden = !open || (answered && !editing);
    keep.hidden = !editing;
    const over = Boolean(control.follow?.(next, { answered, mine }));
    thanks.hidden = !(answered && mine) || editing || over;
    if (mine && mine !== drawnMine) sent.replaceChildren(control.describe(mine));
    drawnMine = mine;
    change.hidden = !changeable || editing;
    let said = ""; // an ended event's own heading says it all
    if (live() && !open) said = t("voting_closed");
    else if (live() && answered && !mine && !editing) said = t("ev_answered");
    notice.textContent = said;
    const shown = page.resultsOf(next, answered);
    results.hidden = !shown;
    if (shown) shownResults.update(shown === next.results ? next : { ...next, results: shown });
    hiddenNote.hidden = Boolean(shown) || !(answered || !open);
    hiddenNote.textContent = t(
      open && next.resultsVisibility === "after_close" ? "ev_results_after_close" : "results_hidden",
    );
    showCountdown({ status: open ? "active" : "closed", closesAt: next.closesAt });
    syncButton();
  }

  change.addEventListener("click", () => {
    const mine = answeredHere.get(key());
    if (mine) control.fill(mine);
    else control.clear(); // answered before this page was loaded, and not told what
    editing = true;
    formError.textContent = "";
    update(question);
    control.focus();
  });
  keep.addEventListener("click", () => {
    editing = false;
    update(question);
    (thanks.hidden ? change : thanks).focus();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = control.body();
    if (body === null || sending) return;
    const asked = key();
    const replacing = answeredHere.has(asked) || Boolean(question.answered);
    if (page.preview) {
      // The control's own checks are the only ones: a preview sends nothing.
      answeredHere.set(asked, body);
      editing = false;
      part(".thanks h3").textContent = t(replacing ? "ans_changed" : control.thanksKey);
      update(question);
      thanks.focus();
      return;
    }
    sending = true;
    syncButton();
    button.setAttribute("aria-busy", "true");
    button.textContent = t("voting");
    let focusThanks = false;
    try {
      const path = `/api/events/${page.eventId}/questions/${encodeURIComponent(question.questionId)}`;
      // The round shown goes with the answer: if the host has started another since,
      // nothing is recorded (409 round_changed), so it never counts in a round unseen.
      await postJSON(`${path}/responses`, { ...body, round: question.round });
      answeredHere.set(asked, body);
      editing = false;
      part(".thanks h3").textContent = t(replacing ? "ans_changed" : control.thanksKey);
      focusThanks = true;
      if (question.type === "quiz") page.answeredQuiz?.();
    } catch (error) {
      refused(error, body);
    } finally {
      sending = false;
      button.removeAttribute("aria-busy");
      button.textContent = t(control.submitKey);
    }
    update(question);
    if (focusThanks) thanks.focus();
  });

  // What a refusal says, in the form (the stream brings the rest).
  function refused(error, body) {
    const code = error instanceof ApiError ? error.code : "other";
    if (code === "already_voted") {
      answeredHere.set(key(), null);
    } else if (code === "round_changed") {
      // No error to show: the host started a new round, which the stream brings (it
      // may have already). Until then, the form of that round, cleared.
      const now = error.details?.round;
      if (Number.isInteger(now) && now > question.round) {
        question = { ...question, round: now, answered: false, results: undefined };
      }
    } else if (code === "closed") {
      question = { ...question, status: "closed" }; // the stream says so too, soon
    } else if (code === "not_found") {
      formError.textContent = t("ev_not_found");
    } else if (error.status === 429) {
      formError.textContent = t("ev_error_busy");
    } else if (code === "invalid_ballot") {
      const message = control.problem(error, body);
      formError.textContent =
        message ?? (control.submitKey === "vote_button" ? error.message : t("ans_refused"));
    } else {
      formError.textContent = error instanceof ApiError ? error.message : t("error_other");
    }
  }

  return { element, update };
}

// The participant's page of an event: one stream for the whole event, never reloaded.
//
// Presenter pace: the lobby, or the question the host presents (a latecomer gets the
// current one from the page itself). Audience pace: every question in the open, answered
// in any order. After an answer: thanks, then the results as the question's visibility
// allows. They arrive on the same stream: the server widens what this participant may
// see on the open connection once the answer is in, so nothing reconnects.
import { ApiError, postJSON } from "./api.js";
import { mountBars } from "./bars.js";
import { countdown } from "./countdown.js";
import { conjunction, t } from "./i18n.js";
import { newest, watch } from "./live.js";
import { scriptReady } from "./ready.js";

const cloned = (id) => document.getElementById(id).content.firstElementChild.cloneNode(true);

export function start() {
  const root = document.getElementById("event");
  const eventId = root.dataset.eventId;
  const box = document.getElementById("ev-questions");
  const lobby = document.getElementById("ev-lobby");
  const lobbyTitle = document.getElementById("ev-lobby-title");
  const lobbyText = lobby.querySelector(".ev-lobby-text");
  const ended = document.getElementById("ev-ended");
  const endedText = document.getElementById("ev-ended-text");
  const title = document.getElementById("event-title");
  const code = document.getElementById("ev-code");
  const announcer = document.getElementById("ev-announce");
  const connection = document.getElementById("connection");

  let view = JSON.parse(root.dataset.view);
  let gone = false; // expired or deleted: nothing more will come
  // Cards are kept while off screen, so a choice half made survives the host going back
  // and forth; they are keyed by question id, and start afresh on a new round.
  const cards = new Map();
  // What this page answered, by "questionId:round": the texts chosen, or null when the
  // server said it was answered before. A frame drawn before the answer committed may
  // still say "not answered"; this keeps the form from coming back.
  const answeredHere = new Map();
  let presented = view.presenting;
  let made = 0;

  const live = () => view.status === "live" && !gone;

  // A participant's view holds only what its phone shows (the server's phone_view); a
  // host's has every question, drafts too: the same choice is made here for both.
  function shownQuestions() {
    const visible = view.questions.filter((q) => q.status !== "draft");
    if (!live()) return visible.filter((q) => q.results); // the last results this phone may see
    const presented = (q) => q.questionId === view.presenting;
    if (view.pace === "audience") return visible.filter((q) => presented(q) || q.status === "open");
    return visible.filter(presented);
  }

  // `announce`: updates are news for the live region; the first drawing and a stream's
  // snapshot are not.
  function render(announce = false) {
    title.textContent = view.title;
    document.title = `${view.title} — tohyo`;
    // The code never changes, but is released when the event ends.
    if (code) code.hidden = !view.code || !live();
    const shown = shownQuestions();
    const anyOpen = shown.some((q) => q.status === "open");
    lobby.hidden = !live() || (view.pace === "audience" ? anyOpen : shown.length > 0);
    lobbyTitle.textContent = t(view.pace === "audience" ? "ev_none_open" : "ev_lobby_title");
    lobbyText.hidden = view.pace === "audience";
    ended.hidden = live();
    endedText.textContent = t(gone ? "ev_gone_text" : "ev_ended_text");

    const wanted = gone ? [] : shown.map((q) => cardFor(q));
    shown.forEach((q, i) => wanted[i]?.update(q));
    const now = [...box.children];
    if (now.length !== wanted.length || wanted.some((card, i) => card.element !== now[i])) {
      box.replaceChildren(...wanted.map((card) => card.element));
    }

    if (announce && live() && view.pace === "presenter" && view.presenting !== presented) {
      const question = shown[0];
      announcer.textContent = question ? t("ev_now_showing", { prompt: question.prompt }) : "";
    } else if (announce && !live()) {
      announcer.textContent = t(gone ? "ev_gone_text" : "ev_ended_title");
    }
    presented = view.presenting;
  }

  function cardFor(question) {
    let card = cards.get(question.questionId);
    if (!card) {
      card = makeCard(question);
      cards.set(question.questionId, card);
    }
    return card;
  }

  function makeCard(first) {
    const n = ++made;
    const element = cloned("ev-question-template");
    const part = (selector) => element.querySelector(selector);
    const prompt = part(".ev-prompt");
    const form = part("form");
    const button = part('button[type="submit"]');
    const formError = part(".form-error");
    const thanks = part(".thanks");
    const notice = part(".notice");
    const results = part(".ev-results");
    const hiddenNote = part(".ev-results-hidden");
    const position = part(".ev-position");
    const showCountdown = countdown(part(".countdown"));
    prompt.id = `ev-question-${n}`;
    element.setAttribute("aria-labelledby", prompt.id);
    prompt.textContent = first.prompt;

    const multiple = first.type === "multiple";
    part("legend").textContent = t(multiple ? "choose_many" : "choose_one");
    for (const choice of first.choices) {
      const option = cloned("ev-option-template");
      const input = option.querySelector("input");
      input.type = multiple ? "checkbox" : "radio";
      input.name = `choice-${n}`;
      input.value = choice.choiceId;
      option.querySelector("span").textContent = choice.text;
      part(".ev-options").append(option);
    }
    const drawResults = mountBars(part(".bars"), part(".total"), first.choices);

    let question = first;
    let round = first.round;
    let sending = false;
    const key = () => `${question.questionId}:${question.round}`;
    const syncButton = () => {
      button.disabled = sending || !form.querySelector("input:checked");
    };

    function update(next) {
      question = next;
      if (next.round !== round) {
        round = next.round; // reset by the host: everyone may answer again
        form.reset();
        formError.textContent = "";
      }
      const label = t("ev_question_n", { n: next.position });
      position.textContent = next.round > 1 ? `${label} · ${t("ev_round", { n: next.round })}` : label;
      const mine = answeredHere.get(key());
      const answered = Boolean(next.answered) || answeredHere.has(key());
      const open = live() && next.status === "open";
      form.hidden = !open || answered;
      thanks.hidden = !(answered && mine);
      if (mine) part(".ev-mine").textContent = conjunction(mine);
      let said = ""; // an ended event's own heading says it all
      if (live() && !open) said = t("voting_closed");
      else if (live() && answered && !mine) said = t("ev_answered");
      notice.textContent = said;
      results.hidden = !next.results;
      if (next.results) drawResults(next.results);
      hiddenNote.hidden = Boolean(next.results) || !(answered || !open);
      hiddenNote.textContent = t(
        open && next.resultsVisibility === "after_close" ? "ev_results_after_close" : "results_hidden",
      );
      showCountdown({ status: open ? "active" : "closed", closesAt: next.closesAt });
      syncButton();
    }

    form.addEventListener("change", () => {
      formError.textContent = "";
      syncButton();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const picked = [...form.querySelectorAll("input:checked")];
      if (!picked.length || sending) return;
      const asked = key();
      const shownRound = question.round;
      const label = button.textContent;
      sending = true;
      syncButton();
      button.setAttribute("aria-busy", "true");
      button.textContent = t("voting");
      let focusThanks = false;
      try {
        const path = `/api/events/${eventId}/questions/${encodeURIComponent(question.questionId)}`;
        // The round shown goes with the answer: if the host has started another since,
        // nothing is recorded (409 round_changed), so it never counts in a round unseen.
        await postJSON(`${path}/responses`, {
          choiceIds: picked.map((input) => input.value),
          round: shownRound,
        });
        answeredHere.set(asked, picked.map((input) => input.nextElementSibling.textContent));
        focusThanks = true;
      } catch (error) {
        if (error instanceof ApiError && error.code === "already_voted") {
          answeredHere.set(asked, null);
        } else if (error instanceof ApiError && error.code === "round_changed") {
          // No error to show: the host started a new round, which the stream brings (it
          // may have already). Until then, the form of that round, its choice cleared.
          const now = error.details?.round;
          if (Number.isInteger(now) && now > question.round) {
            question = { ...question, round: now, answered: false, results: undefined };
          }
        } else if (error instanceof ApiError && error.code === "closed") {
          question = { ...question, status: "closed" }; // the stream says so too, soon
        } else if (error instanceof ApiError && error.code === "not_found") {
          formError.textContent = t("ev_not_found");
        } else if (error instanceof ApiError && error.status === 429) {
          formError.textContent = t("ev_error_busy");
        } else {
          formError.textContent = error instanceof ApiError ? error.message : t("error_other");
        }
      } finally {
        sending = false;
        button.removeAttribute("aria-busy");
        button.textContent = label;
      }
      update(question);
      if (focusThanks) thanks.focus();
    });

    return { element, update };
  }

  watch(eventId, {
    base: "/api/events",
    shown: newest(view),
    onState: (state, kind) => {
      view = state;
      render(kind !== "snapshot");
    },
    onGone: () => {
      gone = true;
      connection.hidden = true;
      render(true);
    },
    onConnection: (ok) => {
      connection.hidden = ok || gone;
    },
  });
  render();
  scriptReady();
}

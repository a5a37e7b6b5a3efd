// The participant's page of an event: one stream for the whole event, never reloaded.
//
// Presenter pace: the lobby, or the question the host presents (a latecomer gets the
// current one from the page itself). Audience pace: every question in the open, answered
// in any order. After an answer: thanks, then the results as the question's visibility
// allows. They arrive on the same stream: the server widens what this participant may
// see on the open connection once the answer is in, so nothing reconnects.
//
// Each question is a card (answer_card.js) with its type's answer control (answer_*.js).
//
// After a reload the page is told, for this participant alone, what they sent to the
// questions it shows (`myAnswer`): their cards say it again, and "Change your answer"
// starts from it. The host's preview (`?preview=1`, preview.js) is this page counting
// for nothing: its answers stay in the page, and the host's frames are shown as a
// participant's.
//
// An event with a quiz question (the page's data-quiz, or one on screen) shows the
// player's nickname box (quiz_nickname.js), fixed once they answer a quiz question.
//
// While the host has audience Q&A on, a Q&A tab sits beside the polls (qa_phone.js), fed
// by the stream's `qa` frames; its "Choose a nickname" shows the nickname box too.
import { makeCard } from "./answer_card.js";
import { t } from "./i18n.js";
import { newest, watch } from "./live.js";
import { asPhone, participantResults } from "./preview.js";
import { mountQa } from "./qa_phone.js";
import { mountNickname } from "./quiz_nickname.js";
import { scriptReady } from "./ready.js";

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

  const preview = Boolean(JSON.parse(root.dataset.view).preview);
  const seen = (state) => (preview ? asPhone(state) : state);
  let view = seen(JSON.parse(root.dataset.view));
  let gone = false; // expired or deleted: nothing more will come
  // Cards are kept while off screen, so a choice half made survives the host going back
  // and forth; they are keyed by question id, and start afresh on a new round.
  const cards = new Map();
  // What this page answered, by "questionId:round": the answer sent, or null when the
  // server said it was answered before (see answer_card.js).
  const answeredHere = new Map();
  for (const q of view.questions) {
    if (q.myAnswer) answeredHere.set(`${q.questionId}:${q.round}`, q.myAnswer);
  }
  // The results a card shows: a participant's frame has only those they may see; a
  // preview's (the host's) has every question's, cut here.
  const resultsOf = (q, answered) => (preview ? participantResults(q, answered) : q.results);
  const player = !preview && !JSON.parse(root.dataset.view).isHost;
  let wantsNickname = false; // asked for from the Q&A tab, in an event without a quiz
  const qa = mountQa({
    eventId,
    shown: player || preview,
    readOnly: preview,
    chooseNickname: () => {
      wantsNickname = true;
      nickname.show(player && live());
      document.getElementById("ev-nickname-field").focus();
    },
  });
  const nickname = mountNickname(document.getElementById("ev-nickname"), eventId, {
    onName: (name) => qa.named(name),
  });
  const answeredQuiz = () => nickname.fix();
  const page = { eventId, live: () => live(), answeredHere, preview, resultsOf, answeredQuiz };
  let presented = view.presenting;
  let made = 0;

  const live = () => view.status === "live" && !gone;

  // A participant's view holds only what its phone shows (the server's phone_view); a
  // host's has every question, drafts too: the same choice is made here for both.
  function shownQuestions() {
    const visible = view.questions.filter((q) => q.status !== "draft");
    if (!live()) {
      // The last results this phone may see.
      const mine = (q) => Boolean(q.answered) || answeredHere.has(`${q.questionId}:${q.round}`);
      return visible.filter((q) => resultsOf(q, mine(q)));
    }
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

    const quiz = root.dataset.quiz === "true" || shown.some((q) => q.type === "quiz");
    nickname.show(player && live() && (quiz || wantsNickname));
    const played = (q) => q.type === "quiz" && (q.answered || q.myAnswer);
    if (view.questions.some(played)) nickname.fix();
    qa.follow(view, live(), shown.map((q) => `${q.questionId}:${q.round}:${q.status}`).join(" "));
  }

  function cardFor(question) {
    let card = cards.get(question.questionId);
    if (!card) {
      card = makeCard(question, ++made, page);
      cards.set(question.questionId, card);
    }
    return card;
  }

  watch(eventId, {
    base: "/api/events",
    shown: newest(view),
    onState: (state, kind) => {
      view = seen(state);
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
    frames: { qa: (data) => qa.frame(data) },
  });
  render();
  scriptReady();
}

// Presenter mode, for the projector: the presented question and its live results on one
// screen, and the host's controls on it, as buttons and as keys, so the host never has
// to leave full screen:
//   → next   ← previous   C close / reopen   R reset (a new round)   B lobby   F full screen
//   P podium (an event with a quiz: its top 3; shown by itself once the event has ended)
//   Q the audience's questions (an event with Q&A on: qa_wall.js)
// A quiz question has screens of its own (present_quiz.js): its tiles and countdown while
// open, the right answer and the leaderboard once closed. The podium is this screen's
// alone (the phones are not told): P again, or moving on (→ ← B), takes it away. So is
// the Q&A wall, which takes the stage the same way (and the podium's place: one or other).
// A new round wipes the room's results: R and its button ask first, in a modal dialog
// (confirm_dialog.js; Enter or Escape at once keeps the round).
import { confirmDialog } from "./confirm_dialog.js";
import { countdown } from "./countdown.js";
import {
  claimEventHost,
  countdownState,
  errorText,
  follow,
  neighbours,
  presentQuestion,
  presentedQuestion,
} from "./event_run.js";
import { t } from "./i18n.js";
import { scriptReady } from "./ready.js";
import { mountResults } from "./results_view.js";
import { mountQuizPresenter } from "./present_quiz.js";
import { mountQaWall } from "./qa_wall.js";

export async function start() {
  const article = document.getElementById("event");
  if (await claimEventHost(article.dataset.eventId)) return;

  const $ = (id) => document.getElementById(id);
  const results = mountResults($("results-slot"), { audience: "present" });
  const showCountdown = countdown($("countdown"));
  const title = JSON.parse(article.dataset.view).title;
  const quiz = mountQuizPresenter($("quiz-slot"), { eventId: article.dataset.eventId });
  let busy = false;
  let ended = false;
  let podium = false; // asked for by P or its button
  let questions = false; // the Q&A wall, asked for by Q or its button
  const wall = mountQaWall($("qa-wall"), { eventId: article.dataset.eventId });

  const run = follow(article, {
    onState: (state, kind) => render(state, kind !== "snapshot"),
    onConnection: (ok) => {
      $("connection").hidden = ok;
    },
    onGone: () => {
      ended = true;
      render(run.state());
    },
    onQa: (board) => wall.take(board),
  });

  function render(state, announce = false) {
    const live = state.status === "live" && !ended;
    const hasQuiz = quiz.hasQuiz(state);
    const wallShown = wall.update(state, questions && live);
    const showPodium = hasQuiz && (podium || !live) && !wallShown;
    const question = showPodium || wallShown ? null : presentedQuestion(state);
    const quizShown = quiz.update(state, question, { showPodium });
    const prompt = $("present-prompt");
    const heading = question ? question.prompt : state.title || title;
    prompt.textContent = wallShown ? t("qah_wall_title") : heading;
    prompt.classList.toggle("long", prompt.textContent.length > 80);
    $("lobby-screen").hidden = question !== null || showPodium || wallShown;
    $("results-slot").hidden = question === null || quizShown;
    results.update(quizShown ? null : question, { announce });
    showCountdown(countdownState(quizShown ? null : question));
    const podiumButton = $("podium-button");
    podiumButton.hidden = !hasQuiz;
    podiumButton.disabled = !hasQuiz || !live;
    podiumButton.setAttribute("aria-pressed", String(showPodium));
    const qaButton = $("qa-button");
    qaButton.hidden = !state.qa;
    qaButton.disabled = !state.qa || !live;
    qaButton.setAttribute("aria-pressed", String(wallShown));
    $("join").hidden = !state.code || !live;

    const badge = $("present-state");
    const round = $("present-round");
    if (!live) {
      badge.className = "status ended";
      badge.textContent = t(ended ? "evh_event_gone" : "evh_event_ended");
      round.textContent = "";
    } else if (wallShown) {
      badge.className = "status lobby";
      badge.textContent = t("qah_wall_badge");
      round.textContent = "";
    } else if (question) {
      badge.className = `status ${question.status}`;
      badge.textContent = t(`evh_status_${question.status}`);
      round.textContent = t("evh_round", { n: question.round });
    } else {
      badge.className = "status lobby";
      badge.textContent = t("evh_lobby");
      round.textContent = "";
    }

    const { next, previous } = neighbours(state);
    $("next").disabled = !live || busy || !next;
    $("previous").disabled = !live || busy || !previous;
    $("lobby").disabled = !live || busy || (question === null && !wallShown);
    const close = $("close");
    // A closed quiz round is over (its points ran from its opening): a reset replays it.
    const over = question?.type === "quiz" && question.status === "closed";
    close.disabled = !live || busy || !question || over;
    close.querySelector("[data-label]").textContent =
      question && question.status === "closed" ? t("evh_reopen") : t("evh_close");
    $("reset").disabled = !live || busy || !question;
  }

  // One action at a time. A key pressed meanwhile waits its turn (one, the last: a
  // presenter pressing → twice means two questions on, each from where the first left) —
  // R asks first (then, about the round on screen by then); while its reset is on its
  // way the dialog is still open, so an R pressed again then is dropped.
  let queued = null;
  async function perform(name) {
    if (busy) return;
    const action = actions[name];
    busy = true;
    $("action-error").textContent = "";
    render(run.state());
    try {
      await action();
    } catch (error) {
      $("action-error").textContent = errorText(error);
      queued = null;
    } finally {
      busy = false;
      render(run.state());
    }
    const next = queued;
    queued = null;
    if (next === "reset") askReset();
    else if (next && !$(next).disabled) perform(next);
  }

  const actions = {
    next: () => presentQuestion(run, neighbours(run.state()).next),
    previous: () => presentQuestion(run, neighbours(run.state()).previous),
    close: () => {
      const question = presentedQuestion(run.state());
      if (!question) return null;
      const id = question.questionId;
      return question.status === "open" ? run.close(id) : run.open(id);
    },
    lobby: () => (run.state().presenting === null ? null : run.present(null)),
  };
  for (const id of Object.keys(actions)) {
    $(id).addEventListener("click", () => perform(id));
  }
  // Moving on leaves the podium and the wall; pressing while one shows goes from where
  // it was.
  for (const id of ["next", "previous", "lobby"]) {
    const action = actions[id];
    actions[id] = () => {
      podium = false;
      questions = false;
      return action();
    };
  }
  const togglePodium = () => {
    if ($("podium-button").disabled) return;
    podium = !podium;
    questions = false;
    render(run.state());
  };
  $("podium-button").addEventListener("click", togglePodium);
  const toggleWall = () => {
    if ($("qa-button").disabled) return;
    questions = $("qa-button").getAttribute("aria-pressed") !== "true";
    podium = false;
    render(run.state());
  };
  $("qa-button").addEventListener("click", toggleWall);
  // The round reset is the one on screen when the presenter was asked.
  const resetDialog = confirmDialog("reset", {
    action: async ({ questionId, round }) => {
      busy = true; // the controls wait for it, as for any action
      render(run.state());
      try {
        await run.reset(questionId, round);
      } finally {
        busy = false;
        render(run.state());
      }
    },
    afterwards: () => $("reset"),
  });
  const askReset = () => {
    const question = presentedQuestion(run.state());
    if (!question || $("reset").disabled) return;
    const { questionId, round } = question;
    resetDialog.open({ about: question.prompt, from: $("reset"), with: { questionId, round } });
  };
  $("reset").addEventListener("click", askReset);

  // Full screen where the browser allows it; the page fits the screen either way.
  const fullscreen = $("fullscreen");
  const toggleFullscreen = async () => {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await document.documentElement.requestFullscreen();
    } catch {
      // Refused (an iframe, a policy): the page is laid out for the screen anyway.
    }
  };
  fullscreen.addEventListener("click", toggleFullscreen);
  document.addEventListener("fullscreenchange", () => {
    fullscreen.setAttribute("aria-pressed", String(Boolean(document.fullscreenElement)));
  });

  const KEYS = {
    ArrowRight: "next",
    ArrowLeft: "previous",
    PageDown: "next", // what a presentation clicker sends
    PageUp: "previous",
    c: "close",
    b: "lobby",
  };
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
    if (resetDialog.isOpen()) return; // its own keys: Tab, Enter, Escape
    if (event.target.closest?.("input, select, textarea")) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (key === "f") {
      event.preventDefault();
      toggleFullscreen();
      return;
    }
    if (key === "p") {
      event.preventDefault();
      togglePodium();
      return;
    }
    if (key === "q") {
      event.preventDefault();
      toggleWall();
      return;
    }
    if (key === "r") {
      event.preventDefault();
      if (busy) queued = "reset"; // asks once the action on its way is done
      else askReset();
      return;
    }
    const name = KEYS[key];
    if (!name) return;
    event.preventDefault();
    if (busy) queued = name;
    else if (!$(name).disabled) perform(name);
  });

  render(run.state());
  scriptReady();
}

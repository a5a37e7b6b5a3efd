// The host console: build the event (add, edit, reorder, delete draft questions), run it
// (open, close, reset, reopen; Next, Previous and the lobby; the pace), watch the
// presented question's results live, and end it; and its audience Q&A (qa_console.js).
// Everything shown comes from the one event stream; every change goes through the event
// API.
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
import { questionForm } from "./event_question_form.js";
import { describe } from "./question_kinds.js";
import { t } from "./i18n.js";
import { moderate, mountEventFilters } from "./moderation.js";
import { mountQaConsole } from "./qa_console.js";
import { scriptReady } from "./ready.js";
import { mountResults } from "./results_view.js";

export async function start() {
  const article = document.getElementById("event");
  if (await claimEventHost(article.dataset.eventId)) return;

  const $ = (id) => document.getElementById(id);
  const list = $("question-list");
  const template = $("question-row-template");
  const actionError = $("action-error");
  const results = mountResults($("results-slot"), {
    audience: "host",
    moderate: (question, key, action) => perform(() => moderate(run, question, key, action)),
  });
  const filters = mountEventFilters($("moderation"), () => run);
  const qa = mountQaConsole($("qa"), { eventId: article.dataset.eventId, getRun: () => run });
  const showCountdown = countdown($("countdown"));
  let busy = false;
  let ended = false;

  const run = follow(article, {
    onState: (state, kind) => render(state, kind !== "snapshot"),
    onConnection: (ok) => {
      $("connection").hidden = ok;
    },
    onGone: () => {
      ended = true;
      $("event-status").textContent = t("evh_event_gone");
      render(run.state());
    },
    onQa: (board) => qa.take(board),
  });

  // One host action at a time; its refusal is shown, and the controls follow the state.
  // An action may return what to do once the controls are enabled again (move focus).
  async function perform(action) {
    if (busy) return;
    busy = true;
    const origin = document.activeElement;
    actionError.textContent = "";
    render(run.state());
    let after = null;
    try {
      after = await action();
    } catch (error) {
      actionError.textContent = errorText(error);
    } finally {
      busy = false;
      render(run.state());
    }
    if (typeof after === "function") after();
    else if (!document.activeElement || document.activeElement === document.body) refocus(origin);
  }

  // Keyboard users keep their place: the control they used, or (when it is gone, as
  // "Open" once opened) the first control beside it.
  function refocus(origin) {
    const usable = (el) => el && el.isConnected && !el.disabled && el.offsetParent !== null;
    if (usable(origin)) {
      origin.focus();
      return;
    }
    const group = origin?.closest?.('[role="group"]');
    const near = group && [...group.querySelectorAll("button, select")].find(usable);
    if (near) near.focus();
  }

  // --- drawing ---------------------------------------------------------------------------

  function render(state, announce = false) {
    const live = state.status === "live" && !ended;
    article.dataset.status = state.status;
    const status = $("event-status");
    if (!ended) {
      status.className = `status ${state.status}`;
      status.textContent = t(`evh_event_${state.status}`);
    }
    $("end-event").hidden = !live;
    $("add-question").hidden = !live;
    $("join").hidden = !state.code || !live;
    for (const radio of document.querySelectorAll('input[name="pace"]')) {
      if (!busy) radio.checked = radio.value === state.pace; // not while a switch is sent
      radio.disabled = !live || busy;
    }
    $("pace-note").textContent = t(`evh_pace_note_${state.pace}`);

    const { next, previous } = neighbours(state);
    $("next").disabled = !live || busy || !next;
    $("previous").disabled = !live || busy || !previous;
    const lobby = $("lobby");
    lobby.disabled = !live || busy || state.presenting === null;
    lobby.setAttribute("aria-pressed", String(state.presenting === null));

    const question = presentedQuestion(state);
    $("lobby-note").hidden = question !== null;
    $("presented").hidden = question === null;
    if (question) {
      $("presented-position").textContent = t("evh_question_of", {
        n: question.position,
        total: state.questions.length,
      });
      const badge = $("presented-status");
      badge.className = `status ${question.status}`;
      badge.textContent = t(`evh_status_${question.status}`);
      $("presented-round").textContent = t("evh_round", { n: question.round });
      $("presented-prompt").textContent = question.prompt;
      $("presented-open").hidden = question.status !== "closed";
      $("presented-close").hidden = question.status !== "open";
      $("presented-minute").hidden = question.status !== "open";
      for (const action of ["open", "close", "reset", "minute"]) {
        $(`presented-${action}`).disabled = !live || busy;
      }
    }
    results.update(question, { announce });
    filters.sync(state, !ended); // the filters may change after the end too
    qa.sync(state, live);
    showCountdown(countdownState(question));
    syncRows(state, live);
  }

  function syncRows(state, live) {
    const focused = document.activeElement;
    const rows = new Map([...list.children].map((row) => [row.dataset.questionId, row]));
    state.questions.forEach((question, i) => {
      let row = rows.get(question.questionId);
      rows.delete(question.questionId);
      if (!row) row = newRow();
      fillRow(row, question, state, live, i === 0, i === state.questions.length - 1);
      if (list.children[i] !== row) list.insertBefore(row, list.children[i] ?? null);
    });
    for (const row of rows.values()) row.remove();
    $("no-questions").hidden = state.questions.length > 0;
    // A row moved in the list loses focus in the move: give it back.
    if (focused && focused.isConnected && document.activeElement !== focused && !focused.disabled) {
      focused.focus();
    }
  }

  function newRow() {
    const row = template.content.firstElementChild.cloneNode(true);
    for (const control of row.querySelectorAll("[data-needs-script]")) {
      control.removeAttribute("data-needs-script");
    }
    return row;
  }

  function fillRow(row, q, state, live, first, last) {
    const draft = q.status === "draft";
    const field = (name) => row.querySelector(`[data-field="${name}"]`);
    const button = (action) => row.querySelector(`[data-action="${action}"]`);
    row.dataset.questionId = q.questionId;
    row.dataset.status = q.status;
    row.querySelector(".question-number").textContent = q.position;
    const prompt = row.querySelector(".question-prompt");
    prompt.id = `prompt-${q.questionId}`;
    prompt.textContent = q.prompt;
    row.querySelector(".question-actions").setAttribute("aria-labelledby", prompt.id);
    const status = field("status");
    status.className = `status ${q.status}`;
    status.textContent = t(`evh_status_${q.status}`);
    field("kind").textContent = describe(q);
    field("round").hidden = draft;
    field("round").textContent = t("evh_round", { n: q.round });
    const onScreen = state.presenting === q.questionId;
    field("on-screen").hidden = !onScreen;
    row.classList.toggle("is-on-screen", onScreen);

    const present = button("present");
    present.hidden = draft;
    present.setAttribute("aria-pressed", String(onScreen));
    const open = button("open");
    // A closed quiz round is over (its points ran from its opening): a reset replays it.
    open.hidden = q.status === "open" || (q.type === "quiz" && q.status === "closed");
    open.textContent = draft ? t("evh_open") : t("evh_reopen");
    button("close").hidden = q.status !== "open";
    button("reset").hidden = draft;
    button("edit").hidden = !draft;
    button("delete").hidden = !draft;
    field("visibility").hidden = draft;
    const select = button("visibility");
    if (document.activeElement !== select) select.value = q.resultsVisibility;
    button("up").setAttribute("aria-label", t("evh_move_up", { n: q.position }));
    button("down").setAttribute("aria-label", t("evh_move_down", { n: q.position }));
    for (const control of row.querySelectorAll("[data-action]")) control.disabled = !live || busy;
    button("up").disabled ||= first;
    button("down").disabled ||= last;
  }

  // --- the question list's controls ----------------------------------------------------

  const find = (questionId) => run.state().questions.find((q) => q.questionId === questionId);

  list.addEventListener("click", (event) => {
    const control = event.target.closest("button[data-action]");
    if (!control) return;
    const questionId = control.closest(".question-row").dataset.questionId;
    const question = find(questionId);
    if (!question) return;
    const action = control.dataset.action;
    if (action === "edit") {
      form.edit(question);
      return;
    }
    if (action === "reset") {
      askReset(question, control);
      return;
    }
    perform(async () => {
      if (action === "present") await run.present(questionId);
      else if (action === "open") await run.open(questionId);
      else if (action === "close") await run.close(questionId);
      else if (action === "delete") return removeDraft(questionId);
      else if (action === "up" || action === "down") return move(questionId, action);
      return null;
    });
  });

  list.addEventListener("change", (event) => {
    const select = event.target.closest('select[data-action="visibility"]');
    if (!select) return;
    const questionId = select.closest(".question-row").dataset.questionId;
    perform(() =>
      run.act("PATCH", `/questions/${questionId}`, { resultsVisibility: select.value }),
    );
  });

  async function removeDraft(questionId) {
    const ids = run.state().questions.map((q) => q.questionId);
    const at = ids.indexOf(questionId);
    await run.act("DELETE", `/questions/${questionId}`);
    // Focus goes to the question that took its place (or the one before, or "Add").
    return () => {
      const neighbour = ids[at + 1] ?? ids[at - 1];
      const row = neighbour && list.querySelector(`[data-question-id="${neighbour}"]`);
      (row?.querySelector("button:not([hidden]):not(:disabled)") ?? $("add-question")).focus();
    };
  }

  async function move(questionId, direction) {
    const ids = run.state().questions.map((q) => q.questionId);
    const at = ids.indexOf(questionId);
    const to = direction === "up" ? at - 1 : at + 1;
    if (to < 0 || to >= ids.length) return null;
    [ids[at], ids[to]] = [ids[to], ids[at]];
    await run.act("POST", "/order", { questionIds: ids });
    // Keyboard users stay on the question they moved: on the same arrow, or on the
    // other one once it has reached the end.
    return () => {
      const row = list.querySelector(`[data-question-id="${questionId}"]`);
      if (!row) return;
      const same = row.querySelector(`[data-action="${direction}"]`);
      const other = row.querySelector(`[data-action="${direction === "up" ? "down" : "up"}"]`);
      (same.disabled ? other : same).focus();
    };
  }

  const form = questionForm({
    save: async (body, editing) => {
      if (editing) await run.act("PATCH", `/questions/${editing.questionId}`, body);
      else await run.act("POST", "/questions", body);
    },
  });
  $("add-question").addEventListener("click", () => form.add());

  // --- running the event -----------------------------------------------------------------

  $("next").addEventListener("click", () =>
    perform(() => presentQuestion(run, neighbours(run.state()).next)),
  );
  $("previous").addEventListener("click", () =>
    perform(() => presentQuestion(run, neighbours(run.state()).previous)),
  );
  $("lobby").addEventListener("click", () => perform(() => run.present(null)));
  const presented = () => presentedQuestion(run.state());
  $("presented-open").addEventListener("click", () =>
    perform(() => run.open(presented().questionId)),
  );
  $("presented-close").addEventListener("click", () =>
    perform(() => run.close(presented().questionId)),
  );
  $("presented-reset").addEventListener("click", (event) =>
    askReset(presented(), event.currentTarget),
  );
  $("presented-minute").addEventListener("click", () =>
    perform(() =>
      run.act("PATCH", `/questions/${presented().questionId}`, { durationSeconds: 60 }),
    ),
  );
  for (const radio of document.querySelectorAll('input[name="pace"]')) {
    radio.addEventListener("change", () => {
      if (radio.checked) perform(() => run.act("PATCH", "", { pace: radio.value }));
    });
  }

  // A new round wipes the results on every screen, and ending the event cannot be
  // undone: both after a confirmation in a modal dialog (Escape or Cancel: nothing).
  // The round reset is the one the host was shown when asking.
  const resetDialog = confirmDialog("reset", {
    action: ({ questionId, round }) => run.reset(questionId, round),
  });
  function askReset(question, from) {
    if (!question) return;
    const { questionId, round } = question;
    resetDialog.open({ about: question.prompt, from, with: { questionId, round } });
  }
  const endDialog = confirmDialog("end", {
    action: () => run.act("POST", "/end", {}),
    afterwards: () => $("open-presenter"),
  });
  $("end-event").addEventListener("click", () => endDialog.open());

  render(run.state());
  scriptReady();
}

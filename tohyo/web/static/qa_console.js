// The host console's audience Q&A (templates/_qa_host.html qa_console): the event's
// setting — Off, On, On with approval first (PATCH /api/events/{id} {qa}) — and the
// questions, live from the host's stream (qa_board.js):
//   waiting for approval  pending ones, oldest first, those the event's banned words or
//                         profanity filter caught flagged in words; Approve, Hide;
//   questions             shown ones, Popular (upvotes) or Newest, the one being answered
//                         first; Answer now (pin) or Unpin, Mark answered, Hide; the
//                         answered ones below, marked, newest answered first;
//   hidden                folded away (a <details>), each with Restore.
// A moderation shows at once (optimistic), its buttons disabled while it is on its way;
// the next frame after it says what the server kept, and a refusal is said (role=alert)
// and undone. Keyboard users keep their place as moderation.js's users do: the button
// they pressed, or the one that took its place, or the question that moved into theirs.
// Question text is text: set by textContent, never markup.
import { element, errorText, send } from "./event_run.js";
import { counted, t } from "./i18n.js";
import { excerpt, followQa, newest, popular } from "./qa_board.js";
import { clockTime, setText } from "./results_parts.js";

const ACTIONS = ["approve", "pin", "unpin", "answered", "hide"]; // the buttons, in order
// A button's words: qah_<name> and qah_<name>_named ("Approve “…”"); Restore is Approve
// of a hidden question.
const NAMES = {
  approve: "approve",
  restore: "restore",
  pin: "pin",
  unpin: "unpin",
  answered: "mark_answered",
  hide: "hide",
};

// What each moderation does, as the server's domain.qa.moderate: shown before it answers.
const EXPECTED = {
  approve: () => ({ change: { status: "approved", answeredAt: undefined } }),
  hide: () => ({ change: { status: "hidden" }, pin: "clear" }),
  answered: () => ({
    change: { status: "answered", answeredAt: new Date().toISOString() },
    pin: "clear",
  }),
  pin: (entry) => ({
    change: { status: entry.status === "answered" ? "answered" : "approved" },
    pin: "set",
  }),
  unpin: () => ({ change: {}, pin: "clear" }),
};

export function mountQaConsole(section, { eventId, getRun }) {
  const $ = (id) => document.getElementById(id);
  const radios = [...section.querySelectorAll('input[name="qa-mode"]')];
  const boardBox = $("qa-board");
  const error = $("qa-error");
  const status = $("qa-mode-status");
  const lists = {
    queue: $("qa-queue"),
    shown: $("qa-shown"),
    answered: $("qa-answered"),
    hidden: $("qa-hidden"),
  };
  const rows = new Map(); // entryId -> its <li>, moved between the lists as it changes
  const overlay = new Map(); // entryId -> {base, change, pin}: a moderation not yet framed
  const inFlight = new Set();
  const follower = followQa(eventId, (board) => {
    for (const [id, shown] of overlay) {
      if (!inFlight.has(id) && board.version > shown.base) overlay.delete(id);
    }
    draw();
  });
  let live = true;
  let mode = section.dataset.mode;
  let sendingMode = false;
  let sort = "popular";
  let waitingBefore = null; // for the announcement of a new question waiting

  // --- the setting ---------------------------------------------------------------------

  for (const radio of radios) {
    radio.addEventListener("change", () => {
      if (radio.checked) setMode(radio.value);
    });
  }

  async function setMode(value) {
    sendingMode = true;
    status.textContent = "";
    error.textContent = "";
    enableMode();
    try {
      await getRun().act("PATCH", "", { qa: value });
      status.textContent = t("qah_saved");
    } catch (problem) {
      error.textContent = errorText(problem);
    } finally {
      sendingMode = false;
      sync(getRun().state());
    }
  }

  function enableMode() {
    for (const radio of radios) {
      if (!sendingMode) radio.checked = radio.value === mode;
      radio.disabled = !live || sendingMode;
    }
  }

  // After every state of the event (`isLive`: the event may still change).
  function sync(state, isLive = live) {
    live = isLive;
    const before = mode;
    mode = state.qa ?? "off";
    section.dataset.mode = mode;
    enableMode();
    setText($("qa-mode-note"), t(`qah_note_${mode}`));
    follower.sync(state);
    if (mode !== before) draw(); // the lists themselves change with the Q&A's frames
  }

  // --- the lists -------------------------------------------------------------------------

  for (const radio of section.querySelectorAll('input[name="qa-sort"]')) {
    radio.addEventListener("change", () => {
      if (!radio.checked) return;
      sort = radio.value;
      draw();
    });
  }

  // The board with the moderations not yet framed applied.
  function current() {
    const board = follower.board();
    if (!board || overlay.size === 0) return board;
    let { pinned } = board;
    const entries = board.entries.map((entry) => {
      const shown = overlay.get(entry.entryId);
      return shown ? { ...entry, ...shown.change } : entry;
    });
    for (const [id, shown] of overlay) {
      if (shown.pin === "set") pinned = id;
      else if (shown.pin === "clear" && pinned === id) pinned = null;
    }
    return { ...board, pinned, entries };
  }

  function draw() {
    const board = current();
    // Off with nothing asked: only the setting. Off after questions: they stay in view.
    boardBox.hidden = mode === "off" && !(board && board.entries.length);
    if (!board) return;
    const by = (wanted) => board.entries.filter((e) => e.status === wanted);
    const waiting = by("pending");
    let shown = sort === "popular" ? popular(by("approved")) : newest(by("approved"));
    const now = shown.find((e) => e.entryId === board.pinned);
    if (now) shown = [now, ...shown.filter((e) => e !== now)]; // being answered: on top
    const answered = by("answered").sort((a, b) =>
      (b.answeredAt ?? "").localeCompare(a.answeredAt ?? ""),
    );
    const hidden = by("hidden");

    const focused = document.activeElement;
    const placed = [
      [lists.queue, waiting],
      [lists.shown, shown],
      [lists.answered, answered],
      [lists.hidden, hidden],
    ].map(([list, entries]) => [list, entries.map((entry) => row(entry, board.pinned))]);
    for (const [list, wanted] of placed) {
      wanted.forEach((node, i) => {
        if (list.children[i] !== node) list.insertBefore(node, list.children[i] ?? null);
      });
    }
    for (const [list, wanted] of placed) {
      const keep = new Set(wanted);
      for (const child of [...list.children]) if (!keep.has(child)) child.remove();
    }
    const known = new Set(board.entries.map((e) => e.entryId));
    for (const id of [...rows.keys()]) if (!known.has(id)) rows.delete(id);
    // A question moved from one list to another loses focus in the move: give it back.
    if (focused?.isConnected && document.activeElement !== focused && !focused.disabled) {
      focused.focus();
    }

    setText($("qa-queue-heading"), t("qah_queue_heading", { n: waiting.length }));
    $("qa-queue-empty").hidden = waiting.length > 0;
    setText($("qa-shown-heading"), t("qah_shown_heading", { n: shown.length }));
    $("qa-shown-empty").hidden = shown.length + answered.length > 0;
    const answeredHeading = $("qa-answered-heading");
    setText(answeredHeading, t("qah_answered_heading", { n: answered.length }));
    answeredHeading.hidden = answered.length === 0;
    setText($("qa-hidden-heading"), t("qah_hidden_heading", { n: hidden.length }));
    $("qa-hidden-empty").hidden = hidden.length > 0;
    const badge = $("qa-waiting-badge");
    badge.hidden = waiting.length === 0;
    setText(badge, waiting.length ? counted("qah_waiting", waiting.length) : "");
    if (waitingBefore !== null && waiting.length > waitingBefore) {
      $("qa-announce").textContent = counted("qah_new_waiting", waiting.length);
    }
    waitingBefore = waiting.length;
  }

  function row(entry, pinned) {
    let li = rows.get(entry.entryId);
    if (!li) {
      li = makeRow(entry);
      rows.set(entry.entryId, li);
    }
    fillRow(li, entry, pinned === entry.entryId);
    return li;
  }

  function makeRow(entry) {
    const li = element("li", "qah-entry");
    li.dataset.entryId = entry.entryId;
    const votes = element("p", "qah-votes");
    const arrow = element("span", "qah-arrow", "▲");
    arrow.setAttribute("aria-hidden", "true");
    votes.append(arrow, element("span", "qah-votes-text"));
    const body = element("div", "qah-body");
    const text = element("p", "qah-text");
    const meta = element("p", "qah-meta");
    meta.append(element("span", "qah-who"), " · ", element("time", "qah-time"));
    for (const [name, mark] of [
      ["filtered", "⚠"],
      ["now", "●"],
      ["done", "✓"],
    ]) {
      const flag = element("span", `qah-flag qah-flag-${name}`);
      flag.dataset.flag = name;
      const icon = element("span", "qah-icon", mark);
      icon.setAttribute("aria-hidden", "true");
      flag.append(icon, element("span", "qah-flag-text"));
      meta.append(flag);
    }
    // A group named by the question: when Approve goes, focus goes to its other buttons.
    const actions = element("div", "qah-actions");
    actions.setAttribute("role", "group");
    for (const action of ACTIONS) {
      const button = element("button", "button qah-button");
      button.type = "button";
      button.dataset.action = action;
      actions.append(button);
    }
    body.append(text, meta, actions);
    li.append(votes, body);
    return li;
  }

  function fillRow(li, entry, isPinned) {
    const { status: state } = entry;
    li.dataset.status = state;
    li.classList.toggle("is-pinned", isPinned);
    li.classList.toggle("is-filtered", Boolean(entry.filtered));
    const [votes, body] = li.children;
    votes.hidden = state === "pending"; // nobody could upvote it yet
    setText(votes.lastElementChild, counted("qah_upvotes", entry.upvotes));
    const [text, meta, actions] = body.children;
    setText(text, entry.text);
    const who = meta.querySelector(".qah-who");
    setText(who, entry.nickname ?? t("qah_anonymous"));
    who.classList.toggle("qah-anonymous", entry.nickname == null);
    const time = meta.querySelector("time");
    if (time.dateTime !== entry.askedAt) {
      time.dateTime = entry.askedAt;
      time.textContent = clockTime(entry.askedAt);
    }
    const flags = {
      filtered: Boolean(entry.filtered) && t("qah_filtered"),
      now: isPinned && t("qah_pinned"),
      done: state === "answered" && t("qah_answered"),
    };
    for (const flag of meta.querySelectorAll("[data-flag]")) {
      const words = flags[flag.dataset.flag];
      flag.hidden = !words;
      setText(flag.lastElementChild, words || "");
    }
    const named = excerpt(entry.text);
    actions.setAttribute("aria-label", named);
    const offered = {
      approve: state === "pending" || state === "hidden",
      pin: !isPinned && (state === "approved" || state === "answered"),
      unpin: isPinned,
      answered: state === "approved",
      hide: state !== "hidden",
    };
    const busy = inFlight.has(entry.entryId);
    for (const button of actions.children) {
      const { action } = button.dataset;
      button.hidden = !offered[action];
      const key = NAMES[action === "approve" && state === "hidden" ? "restore" : action];
      setText(button, t(`qah_${key}`));
      button.setAttribute("aria-label", t(`qah_${key}_named`, { text: named }));
      button.disabled = busy;
      if (!busy) button.removeAttribute("aria-busy");
    }
  }

  // --- moderating ------------------------------------------------------------------------

  section.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button || button.disabled) return;
    moderate(button.closest(".qah-entry").dataset.entryId, button.dataset.action, button);
  });

  async function moderate(entryId, action, button) {
    const entry = current()?.entries.find((e) => e.entryId === entryId);
    if (!entry || inFlight.has(entryId)) return;
    const from = button.closest(".qah-list");
    const neighbour = (rows.get(entryId)?.nextElementSibling ??
      rows.get(entryId)?.previousElementSibling)?.dataset.entryId;
    inFlight.add(entryId);
    error.textContent = "";
    overlay.set(entryId, { base: follower.board().version, ...EXPECTED[action](entry) });
    button.setAttribute("aria-busy", "true");
    draw();
    try {
      const answer = await send("POST", `/api/events/${eventId}/qa/${entryId}/${action}`, {});
      const shown = overlay.get(entryId);
      shown.change = { status: answer.status, answeredAt: answer.answeredAt };
    } catch (problem) {
      overlay.delete(entryId); // as it was: the refusal says why
      error.textContent = errorText(problem);
    } finally {
      inFlight.delete(entryId);
      draw();
    }
    refocus(button, entryId, from, neighbour);
  }

  // The button pressed, if it is still there; else, when the question left its list,
  // the one that took its place there; else its own first button; else the list's heading.
  function refocus(button, entryId, from, neighbourId) {
    const active = document.activeElement;
    if (active && active !== document.body && active !== button) return; // moved on
    const usable = (el) => el && el.isConnected && !el.disabled && el.offsetParent !== null;
    const first = (li) => li && [...li.querySelectorAll("button")].find(usable);
    if (usable(button)) {
      button.focus();
      return;
    }
    const li = rows.get(entryId);
    const left = !li || li.closest(".qah-list") !== from;
    const near = left && first(rows.get(neighbourId));
    const target = near || first(li) || headingOf(from);
    target?.focus();
  }

  function headingOf(list) {
    const part = list.closest(".qah-part");
    return part?.querySelector("h3, summary") ?? null;
  }

  return { sync, take: follower.take };
}

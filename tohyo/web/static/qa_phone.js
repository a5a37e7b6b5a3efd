// Audience Q&A on the participant's phone, as a room of phones expects it of Slido: while
// the host has it on (the event's frames carry `qa`), a Q&A tab beside the polls (whose
// cards wait in theirs, a half-made answer too) with a box to ask the host — anonymous
// unless "Show my nickname" is ticked — and the questions shown, live, each with its
// upvote toggle. Off, none of it shows; on and off follow the frames, never a reload.
//
// The list is the stream's `qa` frames (shown questions only) merged with what this phone
// alone is told: by GET …/qa when Q&A comes on, its own pending questions and its upvotes;
// by its POSTs' replies, what it asked and upvoted since (qa_phone_board.js). A frame
// tells of a change nobody shows this phone — the host hid one of its pending questions —
// only by its new version: while it has questions off the board, a GET looks again, at
// most every CHECK_EVERY ms (a hall's storm of upvotes is a frame per pass, and a GET per
// phone per frame would be a second storm).
//
// An upvote shows at once and is then what the server replied; a second one (409
// already_voted) means it was upvoted already, and shows so. The host's preview shows the
// list as a participant's would and sends nothing.
import { ApiError, getJSON, postJSON } from "./api.js";
import { codePoints, mountCount, passage } from "./answer_count.js";
import { t } from "./i18n.js";
import { makeBoard } from "./qa_phone_board.js";
import { makeEntry } from "./qa_phone_entry.js";
import { mountTabs } from "./qa_phone_tabs.js";

const TEXT_MAX = 280; // domain.qa.TEXT_MAX, in code points
const PER_PHONE = 20; // domain.qa.QA_PER_PARTICIPANT: the refusal says how many
const CHECK_EVERY = 5000;
// A question is one line: a line break typed or pasted in becomes a space.
const LINE_BREAK = /[\r\n\v\f\u0085\u2028\u2029]/;
const LINE_BREAKS = new RegExp(`${LINE_BREAK.source}+`, "g");

// `page`: {eventId, shown (this viewer gets Q&A: a participant, or the host's preview),
// readOnly (the preview: nothing is sent), chooseNickname() (show the nickname box and
// put the focus in it)}. Returns {follow(view, live, polls), frame(data), named(name)}.
export function mountQa({ eventId, shown, readOnly, chooseNickname }) {
  const url = `/api/events/${eventId}/qa`;
  const $ = (id) => document.getElementById(id);
  const tabs = mountTabs();
  const form = $("qap-ask");
  const field = $("qap-text");
  const send = form.querySelector('button[type="submit"]');
  const error = $("qap-error");
  const sentNote = $("qap-sent");
  const named = $("qap-named");
  const namedLabel = $("qap-named-label");
  const nicknameRow = form.querySelector(".qap-nickname-row");
  const list = $("qap-list");
  const title = $("qap-list-title");
  const empty = $("qap-empty");
  const status = $("qap-status");
  const announcer = $("qap-announce");
  const showCount = mountCount($("qap-count"), TEXT_MAX, (text) => (announcer.textContent = text));

  const board = makeBoard();
  const rows = new Map(); // entryId → makeEntry()
  let on = false; // the host has Q&A on, and this page shows it
  let followed = false; // follow() has drawn the page once
  let sort = "popular";
  let nickname = null;
  let sending = false;
  let chose = false; // "Choose a nickname" was pressed: a name saved ticks the box
  let polls = null; // the key of the polls shown, to mark the Polls tab New
  let checking = null; // GET …/qa in flight
  let checkAgain = false;
  let checkTimer = null;
  let lastCheck = -Infinity;

  if (readOnly) {
    field.disabled = true;
    sentNote.textContent = t("qap_preview");
  }

  // --- the list --------------------------------------------------------------------------

  function draw() {
    const listed = board.listed(sort);
    const focused = list.contains(document.activeElement) ? document.activeElement : null;
    const wanted = listed.map((row) => {
      let made = rows.get(row.entry.entryId);
      if (!made) {
        made = makeEntry(row.entry.entryId, upvote);
        rows.set(row.entry.entryId, made);
      }
      made.update(row, readOnly);
      return made.element;
    });
    const now = [...list.children];
    if (now.length !== wanted.length || wanted.some((element, i) => element !== now[i])) {
      list.replaceChildren(...wanted);
      // Moved, a pressed toggle loses the focus: it goes back to where it went.
      if (focused && list.contains(focused)) focused.focus();
    }
    title.textContent = t("qap_list_title", { n: listed.length });
    empty.hidden = listed.length > 0;
  }

  function frame(data) {
    if (!shown || !board.take(data)) return;
    if (on) draw();
    if (board.unseen() > 0) check();
  }

  // GET …/qa: the board, and what only this phone is told. `soon`: now (Q&A just came on,
  // or a refusal needs its reason); else no sooner than CHECK_EVERY after the last.
  function check(soon = false) {
    if (checking) {
      checkAgain = true;
      return checking;
    }
    const wait = soon ? 0 : lastCheck + CHECK_EVERY - performance.now();
    if (wait > 0) {
      checkTimer ??= setTimeout(() => {
        checkTimer = null;
        check(true);
      }, wait);
      return Promise.resolve(null);
    }
    const sent = board.getting();
    lastCheck = performance.now();
    checking = getJSON(url)
      .then((view) => {
        board.got(view, sent);
        if (on) draw();
        return view;
      })
      .catch(() => null) // the frames go on; the next check tries again
      .finally(() => {
        checking = null;
        if (checkAgain) {
          checkAgain = false;
          check();
        }
      });
    return checking;
  }

  async function upvote(entryId) {
    if (readOnly || board.busy(entryId)) return;
    const before = board.upvoted(entryId);
    const up = !before;
    status.textContent = "";
    board.voting(entryId, up);
    draw();
    try {
      const reply = await (up ? postJSON(`${url}/${entryId}/upvote`, {}) : withdraw(entryId));
      board.voted(entryId, reply.upvoted, reply.upvotes, before);
    } catch (failure) {
      const code = failure instanceof ApiError ? failure.code : "other";
      if (code === "already_voted") board.voted(entryId, true, null, before);
      else {
        board.voted(entryId, null, null, before);
        status.textContent =
          code === "invalid_state" || code === "not_found" ? t("qap_err_gone") : reason(failure);
      }
    }
    draw();
  }

  // DELETE …/upvote (api.js sends JSON bodies; this one has none).
  async function withdraw(entryId) {
    let response;
    try {
      response = await fetch(`${url}/${entryId}/upvote`, {
        method: "DELETE",
        credentials: "same-origin",
      });
    } catch {
      throw new ApiError(0, { code: "network" });
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  // --- asking ------------------------------------------------------------------------

  const written = () => passage(field.value);

  function sync() {
    const length = codePoints(written());
    const fits = showCount(length);
    if (!fits || error.textContent) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
    send.disabled = readOnly || sending || length === 0 || !fits;
    named.disabled = readOnly || !nickname;
    if (!nickname) named.checked = false;
    namedLabel.textContent = nickname ? t("qap_named_as", { name: nickname }) : t("qap_named");
    nicknameRow.hidden = readOnly || Boolean(nickname);
  }

  function problem(text) {
    error.textContent = text;
    sync();
  }

  field.addEventListener("input", () => {
    if (LINE_BREAK.test(field.value)) {
      const at = field.selectionStart;
      field.value = field.value.replace(LINE_BREAKS, " ");
      field.setSelectionRange(at, at);
    }
    sentNote.textContent = readOnly ? t("qap_preview") : "";
    problem("");
  });
  // Enter sends, as a chat's box does (a question is one line); never while an IME is
  // composing, whose Enter confirms the word.
  field.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) {
      return;
    }
    event.preventDefault();
    form.requestSubmit();
  });
  form.querySelector(".qap-choose").addEventListener("click", () => {
    chose = true;
    chooseNickname();
  });
  for (const radio of document.querySelectorAll('input[name="qap-sort"]')) {
    radio.addEventListener("change", () => {
      sort = radio.value;
      draw();
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = written();
    if (readOnly || sending || !text || codePoints(text) > TEXT_MAX) return;
    const body = named.checked ? { text, nickname: true } : { text };
    sending = true;
    send.setAttribute("aria-busy", "true");
    sentNote.textContent = "";
    problem("");
    let sent = false;
    try {
      const entry = await postJSON(url, body);
      board.asked(entry);
      field.value = "";
      sentNote.textContent = t(entry.status === "pending" ? "qap_sent_waiting" : "qap_sent");
      sent = true;
      draw();
    } catch (failure) {
      error.textContent = await refusal(failure);
    } finally {
      sending = false;
      send.removeAttribute("aria-busy");
      sync();
    }
    // Send was disabled while it went (and stays so, the box empty): the focus it had goes
    // to what happened — the note that it was sent, or the text to mend.
    const lost = document.activeElement === send || document.activeElement === document.body;
    if (lost) (sent ? sentNote : field).focus();
  });

  // What to say of a refused question (its text stays in the box, to send again).
  async function refusal(failure) {
    const code = failure instanceof ApiError ? failure.code : "other";
    if (code === "invalid_state") {
      // Q&A off (the frame saying so may not be here yet), or this phone's last question:
      // a GET sent after the refusal says which.
      const view = await (checking ? checking.then(() => check(true)) : check(true));
      return t(!on || view?.mode === "off" ? "qap_err_off" : "qap_err_too_many", { n: PER_PHONE });
    }
    if (code === "event_ended") return t("qap_err_ended");
    if (code === "rate_limited") return t("qap_err_busy");
    if (code === "validation_error") {
      const where = failure.details?.[0]?.field;
      if (where === "nickname") return t("qap_err_nickname");
      return t("qap_err_text");
    }
    return reason(failure);
  }

  const reason = (failure) => (failure instanceof ApiError ? failure.message : t("error_other"));

  async function readNickname() {
    try {
      const me = await getJSON(`/api/events/${eventId}/me`);
      if (nickname === null) nickname = me.nickname ?? null;
    } catch {
      // Anonymous it is, until a name is saved.
    }
    sync();
  }

  sync();

  return {
    // The event's state, as phone.js draws it: `view.qa` says whether Q&A is on; `polls`,
    // a key of the polls on screen (a change marks the Polls tab New).
    follow(view, live, pollsKey) {
      const now = shown && live && Boolean(view.qa);
      if (followed && now && pollsKey !== polls) tabs.news();
      polls = pollsKey;
      const was = on;
      on = now;
      if (on !== was) {
        tabs.show(on);
        if (on) {
          if (error.textContent) problem(""); // said while it was off
          draw();
          check(true);
          if (!readOnly && nickname === null) readNickname();
        }
        // News for the live region (the page as it loads is not, nor the event's end,
        // which the page says itself).
        if (followed && live) {
          announcer.textContent = t(on ? "qap_announce_on" : "qap_announce_off");
        }
      }
      followed = true;
    },
    frame,
    // The nickname box read or saved a name (quiz_nickname.js).
    named(name) {
      nickname = name || null;
      if (chose && nickname) named.checked = true;
      sync();
    },
  };
}

// The phone's nickname box, shown when the event has a quiz question: the name this
// player goes by on the leaderboard (GET and PUT /api/events/{id}/me). A nickname is a
// label on this browser's voter cookie, never a credential; it is unique in the event
// (409 nickname_taken) and fixed once the player has answered a quiz question (409
// invalid_state), which the box then says, disabled.
import { ApiError, getJSON, putJSON } from "./api.js";
import { t } from "./i18n.js";

// `section`: the page's #ev-nickname. Returns {show(yes), fix()}: show or hide the box,
// and fix the name (this page's first quiz answer is in). `onName(name)` hears of the name
// as read and as saved (audience Q&A's "show my nickname" needs one: qa_phone.js).
export function mountNickname(section, eventId, { onName = () => {} } = {}) {
  const form = section.querySelector("form");
  const field = section.querySelector("input");
  const save = section.querySelector('button[type="submit"]');
  const note = section.querySelector(".ev-nickname-note");
  const error = section.querySelector(".form-error");
  const url = `/api/events/${eventId}/me`;
  let saved = null; // the name as the server stored it
  let fixed = false;
  let sending = false;
  let loaded = false;

  const sync = () => {
    field.disabled = fixed;
    save.disabled = fixed || sending || field.value.trim() === "" || field.value.trim() === saved;
    if (fixed) note.textContent = t(saved ? "quiz_nick_fixed" : "quiz_nick_fixed_none");
  };
  const problem = (text) => {
    error.textContent = text;
    if (text) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
  };

  async function load() {
    loaded = true;
    try {
      const me = await getJSON(url);
      saved = me.nickname ?? null;
      if (saved && field.value.trim() === "") field.value = saved;
      if (saved && !fixed) note.textContent = t("quiz_nick_saved", { name: saved });
      onName(saved);
    } catch {
      // Nothing known yet: the box starts empty and saving says what is wrong.
    }
    sync();
  }

  field.addEventListener("input", () => {
    problem("");
    sync();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = field.value.trim();
    if (!name || sending || fixed) return;
    sending = true;
    save.setAttribute("aria-busy", "true");
    sync();
    try {
      const stored = await putJSON(url, { nickname: name });
      saved = stored.nickname;
      field.value = saved;
      problem("");
      note.textContent = t("quiz_nick_saved", { name: saved });
      onName(saved);
    } catch (failure) {
      refused(failure);
    } finally {
      sending = false;
      save.removeAttribute("aria-busy");
      sync();
    }
  });

  function refused(failure) {
    const code = failure instanceof ApiError ? failure.code : "other";
    if (code === "nickname_taken") problem(t("quiz_nick_taken", { name: field.value.trim() }));
    else if (code === "validation_error") problem(t("quiz_nick_invalid"));
    else if (code === "invalid_state") {
      problem("");
      fix();
    } else problem(failure instanceof ApiError ? failure.message : t("error_other"));
  }

  function fix() {
    fixed = true;
    sync();
  }

  return {
    show(yes) {
      section.hidden = !yes;
      if (yes && !loaded) load();
    },
    fix,
  };
}

// A word cloud's control: type an entry, Add it (or press Enter), up to maxEntries chips —
// each removable until sent — then Send. Text still in the field when Send is pressed
// goes with the chips, as a person who typed one word and pressed Send means it to.
//
// The field has no maxlength of 40: that would count UTF-16 units (an emoji twice) and
// cut a Japanese IME's composition short. The count below it is the server's (code
// points, after trimming), and a too-long entry is refused here, where it can be fixed.
// Enter while an IME is composing confirms the composition: it adds nothing.
import { cloned, chips } from "./answer_parts.js";
import { codePoints, mountCount, roughKey, spelling } from "./answer_count.js";
import { counted, t } from "./i18n.js";

const ENTRY_MAX = 40;
const BANNED = "not allowed in this event"; // the server's word for a filtered entry

export function mountWordcloud(question, { n, changed, announce }) {
  const element = cloned("ev-wordcloud-template");
  const part = (selector) => element.querySelector(selector);
  const field = part(".ev-entry");
  const add = part(".ev-add");
  const hint = part(".ev-hint");
  const note = part(".ev-entry-note");
  const holder = part(".ev-chips-holder");
  field.id = `ev-entry-${n}`;
  part("label").htmlFor = field.id;
  hint.id = `ev-entry-hint-${n}`;
  part(".ev-count").id = `ev-entry-count-${n}`;
  note.id = `ev-entry-note-${n}`;
  field.setAttribute("aria-describedby", `${hint.id} ${note.id} ev-entry-count-${n}`);
  const max = question.maxEntries ?? 3; // the server's default
  const showCount = mountCount(part(".ev-count"), ENTRY_MAX, announce);
  let entries = [];
  let refused = null; // the entry the server refused, marked until it is removed

  const typed = () => spelling(field.value);
  const fits = () => showCount(codePoints(typed()));
  const repeated = (text) => entries.some((entry) => roughKey(entry) === roughKey(text));

  function redraw() {
    holder.replaceChildren();
    if (entries.length) {
      const list = chips(entries, removeAt);
      list.setAttribute("aria-label", t("ans_wc_entries"));
      [...list.children].forEach((chip, i) => {
        chip.classList.toggle("ev-chip-refused", entries[i] === refused);
      });
      holder.append(list);
    }
    hint.textContent = t("ans_wc_hint_line", {
      hint: counted("ans_wc_hint", max),
      progress: t("ans_wc_progress", { count: entries.length, max }),
    });
    sync();
  }

  function sync() {
    const ok = fits();
    field.setAttribute("aria-invalid", String(!ok || (refused !== null && typed() === refused)));
    add.disabled = !typed() || !ok || entries.length >= max;
    changed();
  }

  function say(message) {
    note.textContent = message;
    if (message) announce(message);
  }

  function addTyped() {
    const text = typed();
    if (!text) return;
    if (!fits()) return say(t("ans_too_long", { max: ENTRY_MAX }));
    if (entries.length >= max) return say(t("ans_wc_full", { max }));
    if (repeated(text)) {
      field.select();
      return say(t("ans_wc_repeated", { text }));
    }
    entries.push(text);
    field.value = "";
    note.textContent = "";
    redraw();
    announce(t("ans_wc_added", { text }));
  }

  function removeAt(index) {
    const [gone] = entries.splice(index, 1);
    if (gone === refused) refused = null;
    note.textContent = "";
    redraw();
    announce(t("ans_wc_removed", { text: gone }));
    // Focus goes to the chip now in its place, else back to the field.
    const next = holder.querySelectorAll(".ev-chip-remove")[Math.min(index, entries.length - 1)];
    (next ?? field).focus();
  }

  field.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault(); // never the form's submit: Enter adds
    if (event.isComposing || event.keyCode === 229) return; // confirms the IME's text
    addTyped();
  });
  field.addEventListener("input", () => {
    note.textContent = "";
    sync();
  });
  add.addEventListener("click", () => {
    addTyped();
    field.focus();
  });
  redraw();

  return {
    element,
    submitKey: "ans_send",
    thanksKey: "ans_thanks",
    body() {
      const text = typed();
      if (!text) return entries.length ? { entries: [...entries] } : null;
      if (!fits() || (entries.length >= max && !repeated(text))) return null;
      return { entries: repeated(text) ? [...entries] : [...entries, text] };
    },
    fill(body) {
      entries = [...body.entries];
      field.value = "";
      refused = null;
      note.textContent = "";
      redraw();
    },
    clear() {
      this.fill({ entries: [] });
    },
    describe(body) {
      const box = document.createElement("div");
      const label = document.createElement("p");
      label.textContent = t("ans_you_sent");
      const sent = chips(body.entries);
      sent.classList.add("ev-mine");
      sent.setAttribute("aria-label", t("ans_you_sent"));
      box.append(label, sent);
      return box;
    },
    // 400 invalid_ballot names the entry (details[].field "entries[i]"): it is marked, and
    // a filtered one is told apart, politely.
    problem(error, body) {
      const named = (error.details ?? []).find((d) => /^entries\[\d+\]$/.test(d.field ?? ""));
      if (!named) return null;
      const text = body.entries[Number(named.field.slice(8, -1))];
      if (text === undefined) return null;
      if (typed() === text && entries.length < max) {
        entries.push(text); // sent from the field: it becomes a chip, to be removed
        field.value = "";
      }
      refused = text;
      redraw();
      const banned = String(named.message ?? "").includes(BANNED);
      return t(banned ? "ans_wc_banned" : "ans_wc_refused", { text });
    },
    focus() {
      field.focus();
    },
  };
}

// An open text question's control: a textarea of up to 500 characters with the count of
// what is left (code points, as the server counts: see answer_count.js), then Send. No
// maxlength of 500 on the field, for the same reasons as a word cloud's entry.
import { cloned } from "./answer_parts.js";
import { codePoints, mountCount, passage } from "./answer_count.js";
import { t } from "./i18n.js";

const TEXT_MAX = 500;
const BANNED = "not allowed in this event"; // details[].message of filtered text

export function mountText(question, { n, changed, announce }) {
  const element = cloned("ev-text-template");
  const field = element.querySelector("textarea");
  const count = element.querySelector(".ev-count");
  field.id = `ev-text-${n}`;
  count.id = `ev-text-count-${n}`;
  element.querySelector("label").htmlFor = field.id;
  field.setAttribute("aria-describedby", count.id);
  const showCount = mountCount(count, TEXT_MAX, announce);

  const written = () => passage(field.value);
  const sync = () => {
    const ok = showCount(codePoints(written()));
    field.setAttribute("aria-invalid", String(!ok));
    changed();
  };
  field.addEventListener("input", sync);
  sync();

  return {
    element,
    submitKey: "ans_send",
    thanksKey: "ans_thanks",
    body() {
      const text = written();
      return text && codePoints(text) <= TEXT_MAX ? { text } : null;
    },
    fill(body) {
      field.value = body.text;
      sync();
    },
    clear() {
      this.fill({ text: "" });
    },
    describe(body) {
      const box = document.createElement("div");
      const label = document.createElement("p");
      label.textContent = t("ans_you_sent");
      const mine = document.createElement("p");
      mine.className = "ev-mine ev-mine-text";
      mine.textContent = body.text; // white-space: pre-line keeps its line breaks
      box.append(label, mine);
      if (question.moderation === "approve") {
        const note = document.createElement("p");
        note.className = "muted";
        note.textContent = t("ans_text_approve");
        box.append(note);
      }
      return box;
    },
    problem(error) {
      const said = (error.details ?? []).map((d) => String(d.message ?? ""));
      if (said.some((message) => message.includes(BANNED))) {
        field.setAttribute("aria-invalid", "true");
        return t("ans_text_banned");
      }
      return null;
    },
    focus() {
      field.focus();
    },
  };
}

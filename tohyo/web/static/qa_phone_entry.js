// One audience question on the phone's list (the page's #qap-entry-template): its text
// and who asked (user text, set as text only), its marks in words — being answered now,
// answered, waiting for the host, you asked — and the upvote toggle, whose name says what
// a press does and the count ("Upvote (3 upvotes)"), and which the question's text
// describes. Not color alone: every state is a word, and an icon beside it.
import { cloned } from "./answer_parts.js";
import { counted, number, t } from "./i18n.js";

// `onUpvote(entryId)`: the toggle was pressed. Returns {element, update(row, readOnly)}.
export function makeEntry(entryId, onUpvote) {
  const element = cloned("qap-entry-template");
  const part = (selector) => element.querySelector(selector);
  element.dataset.entryId = entryId;
  const text = part(".qap-entry-text");
  text.id = `qap-entry-${entryId}`;
  const who = part(".qap-who");
  const button = part(".qap-upvote");
  const count = part(".qap-upvotes");
  button.setAttribute("aria-describedby", text.id);
  button.addEventListener("click", () => onUpvote(entryId));
  const marks = {
    now: part(".qap-mark-now"),
    answered: part(".qap-mark-answered"),
    waiting: part(".qap-mark-waiting"),
    yours: part(".qap-mark-yours"),
  };
  const marksRow = part(".qap-marks");

  return {
    element,
    // `row`: qa_phone_board's {entry, count, pinned, pending, mine, upvoted}.
    update(row, readOnly) {
      const { entry } = row;
      text.textContent = entry.text;
      who.textContent = entry.nickname ?? t("qap_anonymous");
      const answered = entry.status === "answered";
      marks.now.hidden = !row.pinned;
      marks.answered.hidden = !answered;
      marks.waiting.hidden = !row.pending;
      marks.yours.hidden = !row.mine;
      marksRow.hidden = !(row.pinned || answered || row.pending || row.mine);
      element.classList.toggle("qap-pinned", row.pinned);
      element.classList.toggle("qap-done", answered);
      element.classList.toggle("qap-pending", row.pending);
      element.classList.toggle("qap-mine", row.mine);
      // A question waiting for the host is upvoted by no one yet (the server refuses it).
      button.hidden = row.pending;
      button.disabled = readOnly;
      button.setAttribute("aria-pressed", String(row.upvoted));
      const upvotes = counted("qap_upvotes", row.count);
      button.setAttribute("aria-label", t(row.upvoted ? "qap_unvote" : "qap_upvote", { upvotes }));
      count.textContent = number(row.count);
    },
  };
}

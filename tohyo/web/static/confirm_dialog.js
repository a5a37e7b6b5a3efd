// A host's action that cannot be undone (ending the event, a new round), asked for in a
// modal dialog first (templates/_confirm_dialog.html): Cancel or Escape keeps things as
// they are; the confirm button runs `action(context)` — with the context given when the
// dialog was opened, so it acts on what the host was shown — then closes the dialog and
// puts the focus on `afterwards(context)` or back on the control that opened it, or says
// in it why it could not. Cancelled, the focus goes back where it was too (the presenter's
// R key: the New round button), not to the top of the page.
import { errorText } from "./event_run.js";

export function confirmDialog(name, { action, afterwards }) {
  const $ = (id) => document.getElementById(id);
  const dialog = $(`${name}-dialog`);
  const subject = $(`${name}-subject`);
  const error = $(`${name}-error`);
  const confirm = $(`confirm-${name}`);
  let context = null;
  let opener = null;

  confirm.addEventListener("click", async (event) => {
    event.preventDefault();
    confirm.disabled = true;
    try {
      await action(context);
      const next = afterwards?.(context) ?? opener;
      dialog.close();
      next?.focus();
    } catch (failure) {
      error.textContent = errorText(failure);
    } finally {
      confirm.disabled = false;
    }
  });

  dialog.addEventListener("close", () => {
    const at = document.activeElement; // still in the closed dialog until focus fix-up
    const lost = !at || at === document.body || dialog.contains(at);
    if (lost && opener?.isConnected) opener.focus();
  });

  return {
    // `about`: the words naming what it is about (a question's prompt), shown as text.
    open({ about = "", from = document.activeElement, with: given = null } = {}) {
      context = given;
      opener = from;
      error.textContent = "";
      subject.textContent = about;
      subject.hidden = !about;
      dialog.showModal();
    },
    isOpen: () => dialog.open,
  };
}

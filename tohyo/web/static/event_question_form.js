// The console's question form, in a modal dialog: add a question of any type, or edit a
// draft (its fields filled from the event's view). The type's own fields are
// question_fields.js's; the API's rules are checked with the same limits before sending,
// and the API's own refusals land on the fields they name. A quiz has no deadline here:
// its time limit (a field of its own) is its deadline, every opening.
import { t } from "./i18n.js";
import { errorText } from "./event_run.js";
import { questionFields, showError } from "./question_fields.js";

export function questionForm({ save }) {
  const dialog = document.getElementById("question-dialog");
  const form = document.getElementById("question-form");
  const title = document.getElementById("question-dialog-title");
  const prompt = document.getElementById("q-prompt");
  const visibility = document.getElementById("q-visibility");
  const duration = document.getElementById("q-duration");
  const submit = document.getElementById("q-save");
  const formError = document.getElementById("q-form-error");
  const limits = { prompt: Number(form.dataset.questionMax) };
  const durationField = document.getElementById("q-duration-field");
  let editing = null; // the draft being edited, or null when adding
  let visibilityChosen = false; // the host picked who sees the results of this question
  const fields = questionFields(form.querySelector(".qf"), {
    prefix: "q",
    typeChanged: (type) => {
      const isQuiz = type === "quiz";
      durationField.hidden = isQuiz;
      // A new quiz shows its distribution after the close, as the API's default: while
      // it is open, the room's picks would call out the answer.
      if (!editing && !visibilityChosen) visibility.value = isQuiz ? "after_close" : "after_vote";
    },
  });
  visibility.addEventListener("change", () => {
    visibilityChosen = true;
  });
  let checked = false; // after a first submit, fields are checked as they change
  let returnFocus = null;

  // The API's rules (tohyo/domain), in characters as the server counts them.
  function validate() {
    let first = null;
    const flag = (input, message) => {
      showError(input, message);
      if (message && !first) first = input;
    };
    const p = prompt.value.trim();
    const promptOk = [...p].length >= 1 && [...p].length <= limits.prompt;
    flag(prompt, promptOk ? "" : t("question_invalid", { max: limits.prompt }));
    fields.validate(flag);
    return first;
  }
  form.addEventListener("input", () => {
    if (checked) validate();
  });

  function fill(question) {
    editing = question;
    checked = false;
    visibilityChosen = false;
    formError.textContent = "";
    title.textContent = question
      ? t("evh_edit_question", { n: question.position })
      : t("evh_add_question");
    submit.textContent = question ? t("evh_save_question") : t("evh_add_question");
    prompt.value = question ? question.prompt : "";
    showError(prompt, "");
    fields.fill(question);
    visibility.value = question ? question.resultsVisibility : "after_vote";
    duration.value = question?.durationSeconds ? String(question.durationSeconds) : "";
  }

  function open(question = null) {
    returnFocus = document.activeElement;
    fill(question);
    dialog.showModal();
    prompt.focus();
  }

  dialog.addEventListener("close", () => {
    if (returnFocus && returnFocus.isConnected) returnFocus.focus();
  });
  document.getElementById("q-cancel").addEventListener("click", () => dialog.close());

  // The API names a field of the spec ("prompt", "choices[1].text", "points"…): show it
  // there, and return the first so that it takes the focus.
  function placeErrors(error) {
    let placed = null;
    for (const problem of error.details ?? []) {
      const field = typeof problem.field === "string" ? problem.field : "";
      let input = null;
      if (field === "prompt") {
        input = prompt;
        showError(prompt, t("question_invalid", { max: limits.prompt }));
      } else {
        input = fields.place(field, String(problem.message ?? ""));
      }
      placed = placed || input;
    }
    return placed;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    formError.textContent = "";
    checked = true;
    const invalid = validate();
    if (invalid) {
      formError.textContent = t("fix_errors");
      invalid.focus();
      return;
    }
    // A quiz's deadline is its timeLimit (the spec's): it takes no durationSeconds.
    const timed = duration.value && fields.type() !== "quiz";
    const body = {
      ...fields.spec(),
      prompt: prompt.value,
      resultsVisibility: visibility.value,
      ...(timed ? { durationSeconds: Number(duration.value) } : {}),
    };
    const label = submit.textContent;
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    try {
      await save(body, editing);
      dialog.close();
    } catch (error) {
      const field = placeErrors(error);
      formError.textContent = errorText(error);
      (field || prompt).focus();
    } finally {
      submit.disabled = false;
      submit.removeAttribute("aria-busy");
      submit.textContent = label;
    }
  });

  return { add: () => open(null), edit: (question) => open(question) };
}

// The console's question form, in a modal dialog: add a question, or edit a draft.
// Choices are added and removed (2-10), the API's rules are checked with the same limits
// before sending, and the API's own refusals land on the fields they name.
import { t } from "./i18n.js";
import { element, errorText } from "./event_run.js";

export function questionForm({ save }) {
  const dialog = document.getElementById("question-dialog");
  const form = document.getElementById("question-form");
  const title = document.getElementById("question-dialog-title");
  const prompt = document.getElementById("q-prompt");
  const list = document.getElementById("q-choices");
  const addChoice = document.getElementById("q-add-choice");
  const visibility = document.getElementById("q-visibility");
  const duration = document.getElementById("q-duration");
  const submit = document.getElementById("q-save");
  const formError = document.getElementById("q-form-error");
  const limits = {
    prompt: Number(form.dataset.questionMax),
    choice: Number(form.dataset.choiceMax),
    min: Number(form.dataset.choicesMin),
    max: Number(form.dataset.choicesMax),
  };
  let editing = null; // the draft being edited, or null when adding
  let checked = false; // after a first submit, fields are checked as they change
  let returnFocus = null;

  const inputs = () => [...list.querySelectorAll("input")];

  function choiceRow(text = "") {
    const row = element("li", "choice-input");
    const input = element("input");
    input.name = "choice";
    input.autocomplete = "off";
    input.value = text;
    const remove = element("button", "remove", "×");
    remove.type = "button";
    row.append(input, remove, element("p", "field-error"));
    return row;
  }

  function renumber() {
    const rows = [...list.children];
    rows.forEach((row, i) => {
      const n = i + 1;
      const input = row.querySelector("input");
      const error = row.querySelector(".field-error");
      input.id = `q-choice-${n}`;
      error.id = `q-choice-${n}-error`;
      input.setAttribute("aria-label", t("choice_label", { n }));
      input.placeholder = t("choice_label", { n });
      input.setAttribute("aria-describedby", error.id);
      const remove = row.querySelector(".remove");
      remove.setAttribute("aria-label", t("remove_choice", { n }));
      remove.hidden = rows.length <= limits.min;
    });
    addChoice.disabled = rows.length >= limits.max;
  }

  addChoice.addEventListener("click", () => {
    if (list.children.length >= limits.max) return;
    const row = choiceRow();
    list.append(row);
    renumber();
    row.querySelector("input").focus();
  });
  list.addEventListener("click", (event) => {
    const remove = event.target.closest(".remove");
    if (!remove || list.children.length <= limits.min) return;
    const row = remove.closest("li");
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber();
    next.querySelector("input").focus();
  });

  function showError(input, message) {
    const error = document.getElementById(input.getAttribute("aria-describedby"));
    error.textContent = message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  // The API's rules (tohyo/domain), in characters as the server counts them.
  function validate() {
    const length = (text) => [...text].length;
    let first = null;
    const flag = (input, message) => {
      showError(input, message);
      if (message && !first) first = input;
    };
    const p = prompt.value.trim();
    const promptOk = length(p) >= 1 && length(p) <= limits.prompt;
    flag(prompt, promptOk ? "" : t("question_invalid", { max: limits.prompt }));
    const seen = new Set();
    for (const input of inputs()) {
      const text = input.value.trim();
      let message = "";
      if (length(text) < 1 || length(text) > limits.choice) {
        message = t("choice_invalid", { max: limits.choice });
      } else if (seen.has(text)) {
        message = t("choice_duplicate");
      }
      seen.add(text);
      flag(input, message);
    }
    return first;
  }
  form.addEventListener("input", () => {
    if (checked) validate();
  });

  function fill(question) {
    editing = question;
    checked = false;
    formError.textContent = "";
    title.textContent = question
      ? t("evh_edit_question", { n: question.position })
      : t("evh_add_question");
    submit.textContent = question ? t("evh_save_question") : t("evh_add_question");
    prompt.value = question ? question.prompt : "";
    const type = question ? question.type : "single";
    for (const radio of form.querySelectorAll('input[name="q-type"]')) {
      radio.checked = radio.value === type;
    }
    const texts = question ? question.choices.map((c) => c.text) : ["", ""];
    list.replaceChildren(...texts.map((text) => choiceRow(text)));
    renumber();
    for (const input of [prompt, ...inputs()]) showError(input, "");
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

  // The API names a field of the spec ("prompt", "choices[1].text"): show it there.
  function placeErrors(error) {
    let placed = null;
    for (const problem of error.details ?? []) {
      const field = typeof problem.field === "string" ? problem.field : "";
      const choice = field.match(/^choices\[(\d+)\]/);
      const input = field === "prompt" ? prompt : choice ? inputs()[Number(choice[1])] : null;
      if (!input) continue;
      showError(
        input,
        input === prompt
          ? t("question_invalid", { max: limits.prompt })
          : t("choice_invalid", { max: limits.choice }),
      );
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
    const body = {
      type: form.querySelector('input[name="q-type"]:checked').value,
      prompt: prompt.value,
      choices: inputs().map((input) => ({ text: input.value })),
      resultsVisibility: visibility.value,
      ...(duration.value ? { durationSeconds: Number(duration.value) } : {}),
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

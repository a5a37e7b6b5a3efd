// The create page: choices added and removed (2-10), the API's rules checked inline with
// the same limits, progress while creating, then on to the host view (the response set
// the host cookie).
import { ApiError, postJSON } from "./api.js";
import { remember } from "./hosted.js";
import { t } from "./i18n.js";
import { attachJoin } from "./join.js";
import { scriptReady } from "./ready.js";

export function start() {
  attachJoin(); // the "join with a code" form above this one
  const form = document.getElementById("create-form");
  const list = document.getElementById("choices");
  const add = document.getElementById("add-choice");
  const submit = form.querySelector('button[type="submit"]');
  const limits = {
    question: Number(form.dataset.questionMax),
    choice: Number(form.dataset.choiceMax),
    min: Number(form.dataset.choicesMin),
    max: Number(form.dataset.choicesMax),
  };
  const question = document.getElementById("question");

  const inputs = () => [...list.querySelectorAll('input[name="choice"]')];

  function renumber() {
    const rows = [...list.children];
    rows.forEach((row, i) => {
      const n = i + 1;
      const input = row.querySelector("input");
      const error = row.querySelector(".field-error");
      input.id = `choice-${n}`;
      input.setAttribute("aria-label", t("choice_label", { n }));
      input.placeholder = t("choice_label", { n });
      error.id = `choice-${n}-error`;
      input.setAttribute("aria-describedby", error.id);
      const remove = row.querySelector(".remove");
      remove.setAttribute("aria-label", t("remove_choice", { n }));
      remove.hidden = rows.length <= limits.min;
    });
    add.disabled = rows.length >= limits.max;
  }

  add.addEventListener("click", () => {
    if (list.children.length >= limits.max) return;
    const row = list.children[0].cloneNode(true);
    row.querySelector("input").value = "";
    showError(row.querySelector("input"), "");
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

  // The API's rules (tohyo/domain.py), so most mistakes never make a round trip. Errors
  // show for fields the user has left, and for all of them on submit.
  const touched = new WeakSet();
  function validate(all = false) {
    let first = null;
    const flag = (input, message) => {
      if (all || touched.has(input)) showError(input, message);
      if (message && !first) first = input;
    };
    // Lengths in characters (code points), as the server counts them, not UTF-16 units.
    const length = (text) => [...text].length;
    const q = question.value.trim();
    const questionOk = length(q) >= 1 && length(q) <= limits.question;
    flag(question, questionOk ? "" : t("question_invalid", { max: limits.question }));
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
    const count = inputs().length;
    document.getElementById("choices-error").textContent =
      count < limits.min || count > limits.max
        ? t("choices_count", { min: limits.min, max: limits.max })
        : "";
    return first;
  }

  form.addEventListener("focusout", (event) => {
    if (event.target.matches('input[name="question"], input[name="choice"]')) {
      touched.add(event.target);
      validate();
    }
  });
  form.addEventListener("input", (event) => {
    if (touched.has(event.target)) validate();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const formError = document.getElementById("form-error");
    formError.textContent = "";
    const invalid = validate(true);
    if (invalid) {
      formError.textContent = t("fix_errors");
      invalid.focus();
      return;
    }
    const label = submit.textContent;
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    submit.textContent = t("creating");
    try {
      const duration = document.getElementById("deadline").value;
      const created = await postJSON("/api/vote", {
        question: question.value,
        voteType: form.querySelector('input[name="voteType"]:checked').value,
        choices: inputs().map((input) => ({ text: input.value })),
        resultsVisibility: document.getElementById("visibility").value,
        ...(duration ? { durationSeconds: Number(duration) } : {}),
      });
      // Kept for the host view's "copy host link" (the server only has its hash).
      localStorage.setItem(`tohyo.hostUrl.${created.sessionId}`, created.hostUrl);
      remember({
        kind: "poll",
        id: created.sessionId,
        title: question.value.trim(),
        createdAt: created.createdAt,
        hostUrl: created.hostUrl,
        joinUrl: created.voteUrl,
      }); // listed in "My events" (/mine)
      location.assign(`/vote/${created.sessionId}`);
    } catch (error) {
      formError.textContent = error instanceof ApiError ? error.message : t("error_other");
      submit.disabled = false;
      submit.removeAttribute("aria-busy");
      submit.textContent = label;
    }
  });

  scriptReady();
  renumber(); // after: "Add a choice" stays disabled at the most choices
}

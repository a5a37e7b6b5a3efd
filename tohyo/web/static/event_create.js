// Create an event (/events/new): a title, the pace and, if the host likes, the first
// questions of any type (a question left empty is skipped; a type's own fields are
// question_fields.js's), checked with the API's limits; then on to the host view through
// its host link, which "My events" keeps.
import { ApiError, postJSON } from "./api.js";
import { remember } from "./hosted.js";
import { t } from "./i18n.js";
import { questionFields, showError } from "./question_fields.js";
import { scriptReady } from "./ready.js";

const cloned = (id) => document.getElementById(id).content.firstElementChild.cloneNode(true);
// Lengths in characters (code points), as the server counts them, not UTF-16 units.
const length = (text) => [...text].length;

export function start() {
  const form = document.getElementById("event-form");
  const title = document.getElementById("event-title");
  const list = document.getElementById("ev-new-questions");
  const addQuestion = document.getElementById("add-question");
  const submit = form.querySelector('button[type="submit"]');
  const formError = document.getElementById("form-error");
  const data = form.dataset;
  const limits = {
    title: Number(data.titleMax),
    questions: Number(data.questionsMax),
    prompt: Number(data.questionMax),
  };
  let made = 0; // questions made, so that no id repeats
  let submitted = false; // after a first submit, errors follow every edit

  const blocks = () => [...list.children];
  const fieldsOf = new WeakMap(); // block -> its question_fields.js fields

  // A new question block at the end of the list (in the page first: its fields find their
  // form and their errors by id).
  function newQuestion() {
    const block = cloned("ev-new-question-template");
    list.append(block);
    const prefix = `ev-new-${++made}`;
    const prompt = block.querySelector(".ev-prompt-input");
    prompt.id = `${prefix}-prompt`;
    block.querySelector(".ev-prompt-label").htmlFor = prompt.id;
    const promptError = block.querySelector(".field .field-error");
    promptError.id = `${prefix}-prompt-error`;
    prompt.setAttribute("aria-describedby", promptError.id);
    const select = block.querySelector(".ev-visibility");
    select.id = `${prefix}-visibility`;
    block.querySelector(".ev-visibility-label").htmlFor = select.id;
    // The rows' names say which question they belong to: "Question 2: Choice 1".
    const context = () => `${t("ev_question_n", { n: blocks().indexOf(block) + 1 })}: `;
    fieldsOf.set(block, questionFields(block.querySelector(".qf"), { prefix, context }));
    block.querySelector(".remove-question").addEventListener("click", () => {
      const next = block.nextElementSibling || block.previousElementSibling;
      block.remove();
      renumber();
      (next ? next.querySelector(".ev-prompt-input") : addQuestion).focus();
    });
    return block;
  }

  // Visible numbers and accessible names follow the questions as they come and go.
  function renumber() {
    blocks().forEach((block, i) => {
      const n = i + 1;
      block.querySelector(".ev-new-legend").textContent = t("ev_question_n", { n });
      block.querySelector(".remove-question").textContent = t("ev_remove_question", { n });
      fieldsOf.get(block).renumber();
    });
    addQuestion.disabled = blocks().length >= limits.questions;
  }

  // A question counts once anything is typed in it; an untouched one is skipped.
  const used = (block) =>
    block.querySelector(".ev-prompt-input").value.trim() !== "" || fieldsOf.get(block).typed();

  // The API's rules (tohyo/domain), so most mistakes never make a round trip.
  function validate() {
    let first = null;
    const flag = (input, message) => {
      showError(input, message);
      if (message && !first) first = input;
    };
    const name = title.value.trim();
    flag(
      title,
      length(name) >= 1 && length(name) <= limits.title
        ? ""
        : t("ev_title_invalid", { max: limits.title }),
    );
    for (const block of blocks()) {
      const active = used(block);
      const prompt = block.querySelector(".ev-prompt-input");
      const text = prompt.value.trim();
      const promptOk = !active || (length(text) >= 1 && length(text) <= limits.prompt);
      flag(prompt, promptOk ? "" : t("question_invalid", { max: limits.prompt }));
      fieldsOf.get(block).validate(flag, active);
    }
    return first;
  }

  function spec(block) {
    return {
      ...fieldsOf.get(block).spec(),
      prompt: block.querySelector(".ev-prompt-input").value,
      resultsVisibility: block.querySelector(".ev-visibility").value,
    };
  }

  // A 400's details name fields by path ("questions[1].choices[0].text",
  // "questions[0].points"): mark them.
  function showServerProblems(details, sent) {
    let first = null;
    for (const { field, message } of details || []) {
      const match = /^questions\[(\d+)\]\.(.+)$/.exec(typeof field === "string" ? field : "");
      const block = match && sent[Number(match[1])];
      let input = null;
      if (field === "title") {
        input = title;
        showError(title, t("ev_title_invalid", { max: limits.title }));
      } else if (block && match[2] === "prompt") {
        input = block.querySelector(".ev-prompt-input");
        showError(input, t("question_invalid", { max: limits.prompt }));
      } else if (block) {
        input = fieldsOf.get(block).place(match[2], String(message ?? ""));
      }
      first = first || input;
    }
    return first;
  }

  addQuestion.addEventListener("click", () => {
    if (blocks().length >= limits.questions) return;
    const block = newQuestion();
    renumber();
    block.querySelector(".ev-prompt-input").focus();
  });
  form.addEventListener("input", () => {
    if (submitted) validate();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submitted = true;
    formError.textContent = "";
    const invalid = validate();
    if (invalid) {
      formError.textContent = t("fix_errors");
      invalid.focus();
      return;
    }
    const sent = blocks().filter(used);
    const label = submit.textContent;
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    submit.textContent = t("creating");
    try {
      const created = await postJSON("/api/events", {
        title: title.value,
        pace: form.querySelector('input[name="pace"]:checked').value,
        questions: sent.map(spec),
      });
      remember({
        kind: "event",
        id: created.eventId,
        title: title.value.trim(),
        createdAt: created.createdAt,
        hostUrl: created.hostUrl,
        joinUrl: created.joinUrl,
      });
      location.assign(created.hostUrl);
      return; // leaving: the button stays busy
    } catch (error) {
      const marked = error instanceof ApiError ? showServerProblems(error.details, sent) : null;
      if (error instanceof ApiError && error.status === 429) formError.textContent = t("ev_error_busy");
      else formError.textContent = error instanceof ApiError ? error.message : t("error_other");
      marked?.focus();
    }
    submit.disabled = false;
    submit.removeAttribute("aria-busy");
    submit.textContent = label;
  });

  newQuestion();
  scriptReady();
  renumber(); // after: the add buttons stay disabled at the most rows
}

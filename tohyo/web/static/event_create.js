// Create an event (/events/new): a title, the pace and, if the host likes, the first
// questions (a question left empty is skipped), checked with the API's limits; then on
// to the host view through its host link, which "My events" keeps.
import { ApiError, postJSON } from "./api.js";
import { remember } from "./hosted.js";
import { t } from "./i18n.js";
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
    choice: Number(data.choiceMax),
    min: Number(data.choicesMin),
    max: Number(data.choicesMax),
  };
  let made = 0; // ids of elements made, so none repeats
  let submitted = false; // after a first submit, errors follow every edit

  const blocks = () => [...list.children];
  const choiceInputs = (block) => [...block.querySelectorAll(".ev-choice-input")];

  function describe(input, error) {
    error.id = `ev-new-${++made}`;
    input.setAttribute("aria-describedby", error.id);
  }

  function showError(input, message) {
    document.getElementById(input.getAttribute("aria-describedby")).textContent = message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function newQuestion() {
    const block = cloned("ev-new-question-template");
    const n = ++made;
    const prompt = block.querySelector(".ev-prompt-input");
    prompt.id = `ev-new-prompt-${n}`;
    block.querySelector(".ev-prompt-label").htmlFor = prompt.id;
    describe(prompt, block.querySelector(".field .field-error"));
    const select = block.querySelector(".ev-visibility");
    select.id = `ev-new-visibility-${n}`;
    block.querySelector(".ev-visibility-label").htmlFor = select.id;
    for (const radio of block.querySelectorAll('.segmented input[type="radio"]')) {
      radio.name = `ev-new-type-${n}`;
    }
    const choices = block.querySelector(".choice-inputs");
    for (let i = 0; i < limits.min; i++) choices.append(newChoice());
    block.querySelector(".add-choice").addEventListener("click", () => {
      if (choices.children.length >= limits.max) return;
      const row = newChoice();
      choices.append(row);
      renumber();
      row.querySelector("input").focus();
    });
    choices.addEventListener("click", (event) => {
      const remove = event.target.closest(".remove");
      if (!remove || choices.children.length <= limits.min) return;
      const row = remove.closest("li");
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber();
      next.querySelector("input").focus();
    });
    block.querySelector(".remove-question").addEventListener("click", () => {
      const next = block.nextElementSibling || block.previousElementSibling;
      block.remove();
      renumber();
      (next ? next.querySelector(".ev-prompt-input") : addQuestion).focus();
    });
    return block;
  }

  function newChoice() {
    const row = cloned("ev-new-choice-template");
    describe(row.querySelector("input"), row.querySelector(".field-error"));
    return row;
  }

  // Visible numbers and accessible names follow the rows as they come and go.
  function renumber() {
    blocks().forEach((block, i) => {
      const n = i + 1;
      block.querySelector(".ev-new-legend").textContent = t("ev_question_n", { n });
      block.querySelector(".remove-question").textContent = t("ev_remove_question", { n });
      const rows = [...block.querySelectorAll(".choice-input")];
      rows.forEach((row, j) => {
        const label = t("choice_label", { n: j + 1 });
        const input = row.querySelector("input");
        input.setAttribute("aria-label", `${t("ev_question_n", { n })}: ${label}`);
        input.placeholder = label;
        const remove = row.querySelector(".remove");
        remove.setAttribute("aria-label", t("remove_choice", { n: j + 1 }));
        remove.hidden = rows.length <= limits.min;
      });
      block.querySelector(".add-choice").disabled = rows.length >= limits.max;
    });
    addQuestion.disabled = blocks().length >= limits.questions;
  }

  // A question counts once anything is typed in it; an untouched one is skipped.
  const used = (block) =>
    [block.querySelector(".ev-prompt-input"), ...choiceInputs(block)].some((i) => i.value.trim());

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
      const seen = new Set();
      for (const input of choiceInputs(block)) {
        const choice = input.value.trim();
        let message = "";
        if (active && (length(choice) < 1 || length(choice) > limits.choice)) {
          message = t("choice_invalid", { max: limits.choice });
        } else if (active && seen.has(choice)) {
          message = t("choice_duplicate");
        }
        seen.add(choice);
        flag(input, message);
      }
    }
    return first;
  }

  function spec(block) {
    return {
      type: block.querySelector('.segmented input[type="radio"]:checked').value,
      prompt: block.querySelector(".ev-prompt-input").value,
      choices: choiceInputs(block).map((input) => ({ text: input.value })),
      resultsVisibility: block.querySelector(".ev-visibility").value,
    };
  }

  // A 400's details name fields by path ("questions[1].choices[0].text"): mark them.
  function showServerProblems(details, sent) {
    let first = null;
    for (const { field } of details || []) {
      const match = /^questions\[(\d+)\]\.(prompt|choices\[(\d+)\]\.text)/.exec(field || "");
      let input = field === "title" ? title : null;
      if (match && sent[Number(match[1])]) {
        const block = sent[Number(match[1])];
        input = match[3] === undefined
          ? block.querySelector(".ev-prompt-input")
          : choiceInputs(block)[Number(match[3])];
      }
      if (!input) continue;
      const message = input === title
        ? t("ev_title_invalid", { max: limits.title })
        : input.classList.contains("ev-prompt-input")
          ? t("question_invalid", { max: limits.prompt })
          : t("choice_invalid", { max: limits.choice });
      showError(input, message);
      first = first || input;
    }
    return first;
  }

  addQuestion.addEventListener("click", () => {
    if (blocks().length >= limits.questions) return;
    const block = newQuestion();
    list.append(block);
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

  list.append(newQuestion());
  scriptReady();
  renumber(); // after: the add buttons stay disabled at the most rows
}

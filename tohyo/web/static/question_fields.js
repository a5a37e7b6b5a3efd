// A question's type and that type's fields (templates/_question_fields.html), for both
// forms that make questions: the create page's blocks (event_create.js) and the console's
// question dialog (event_question_form.js). The form keeps the prompt, the results'
// visibility and the deadline; this keeps the rest: which type, its panel, its rows, what
// it sends (`spec`), the API's rules checked before sending (`validate`) and the API's own
// refusals shown on the field they name (`place`). A quiz's choices are the choice rows,
// each with a "right answer" box added here; a quiz has no allowChange (one answer each),
// and `typeChanged(type)` lets the form hide what else a quiz has no use for.
import { choiceRows } from "./choice_rows.js";
import { t } from "./i18n.js";

const PANEL_OF = {
  single: "choices",
  multiple: "choices",
  ranking: "choices",
  wordcloud: "wordcloud",
  text: "text",
  scale: "scale",
  quiz: "choices",
};
const CHOICE_TYPES = new Set(["single", "multiple", "ranking", "quiz"]);

// A select's option chosen in the page (a new question's default: the API's where it has one).
const preset = (select) => [...select.options].find((option) => option.defaultSelected).value;
// Lengths in characters (code points), as the server counts them, not UTF-16 units.
const length = (text) => [...text].length;
const fits = (text, max) => length(text) >= 1 && length(text) <= max;

// An input's error is the first id its aria-describedby names (a help text may follow).
export function showError(input, message) {
  const errorId = (input.getAttribute("aria-describedby") || "").split(" ")[0];
  document.getElementById(errorId).textContent = message;
  if (message && input.tagName !== "BUTTON") input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

// `root` is the partial's .qf element; `prefix` makes its ids unique in the page; `context`
// names the question in the rows' accessible names where a page has several ("Question 2: ").
export function questionFields(root, { prefix, context = () => "", typeChanged = () => {} }) {
  // The API's limits: the choices' as the form's data-*, the types' as the partial's.
  const data = { ...root.closest("form").dataset, ...root.dataset };
  const limits = {
    choice: Number(data.choiceMax),
    min: Number(data.choicesMin),
    max: Number(data.choicesMax),
    label: Number(data.labelMax),
    statement: Number(data.statementMax),
    statements: Number(data.statementsMax),
    entries: Number(data.entriesMax),
    pointsMin: Number(data.pointsMin),
    pointsMax: Number(data.pointsMax),
    timeMin: Number(data.timeLimitMin),
    timeMax: Number(data.timeLimitMax),
  };
  const $ = (selector) => root.querySelector(selector);
  const field = (name) => $(`[data-field="${name}"]`);
  const radios = [...root.querySelectorAll('.qf-types input[type="radio"]')];
  const rankTop = field("rankTop");
  const points = field("points");
  const low = field("labels.low");
  const high = field("labels.high");
  const timeLimit = field("timeLimit");
  const scoring = field("scoring");
  const allowChange = field("allowChange");

  for (const radio of radios) {
    radio.name = `${prefix}-type`;
    radio.addEventListener("change", () => show());
  }
  // Every single field gets an id, its label, its error and its help by id.
  for (const input of root.querySelectorAll("[data-field]")) {
    const box = input.closest(".field");
    input.id = `${prefix}-${input.dataset.field.replace(".", "-")}`;
    const label = box.querySelector(".qf-label");
    if (label) label.htmlFor = input.id;
    const error = box.querySelector(".field-error");
    error.id = `${input.id}-error`;
    const help = box.querySelector(".qf-help");
    if (help) help.id = `${input.id}-help`;
    input.setAttribute("aria-describedby", help ? `${error.id} ${help.id}` : error.id);
  }
  const statementsError = $(".qf-statements-error");
  const addStatement = $('[data-adds="statements"]');
  statementsError.id = `${prefix}-statements-error`;
  addStatement.setAttribute("aria-describedby", statementsError.id);
  // A quiz's "at least one right answer": one error for the rows' boxes.
  const correctError = $(".qf-correct-error");
  correctError.id = `${prefix}-correct-error`;

  const type = () => radios.find((radio) => radio.checked).value;
  const ranking = () => type() === "ranking";
  const quiz = () => type() === "quiz";

  const choices = choiceRows($('[data-rows="choices"]'), $('[data-adds="choices"]'), {
    min: limits.min,
    max: limits.max,
    id: (n) => `${prefix}-choice-${n}`,
    label: (n) => context() + rowName(n),
    placeholder: (n) => rowName(n),
    removeLabel: (n) => t(ranking() ? "qf_remove_item" : "remove_choice", { n }),
    changed: () => {
      rankTopOptions();
      correctBoxes();
    },
  });
  const rowName = (n) => t(ranking() ? "qf_item_label" : "choice_label", { n });
  const statements = choiceRows($('[data-rows="statements"]'), addStatement, {
    min: 0,
    max: limits.statements,
    id: (n) => `${prefix}-statement-${n}`,
    label: (n) => context() + t("qf_statement_label", { n }),
    placeholder: (n) => t("qf_statement_label", { n }),
    removeLabel: (n) => t("qf_remove_statement", { n }),
  });

  // Each choice row's "right answer" box (a row's own, so it goes with the row when rows
  // are removed), named by the row's number; shown for a quiz only.
  function correctBoxes() {
    choices.inputs().forEach((input, i) => {
      const row = input.closest("li");
      let box = row.querySelector(".qf-correct input");
      if (!box) {
        const label = document.createElement("label");
        label.className = "qf-correct";
        box = document.createElement("input");
        box.type = "checkbox";
        box.addEventListener("change", scoringShown);
        const text = document.createElement("span");
        text.textContent = t("qf_correct");
        label.append(box, text);
        row.insertBefore(label, row.querySelector(".field-error"));
      }
      box.id = `${input.id}-correct`;
      // Named after its row for a quiz only: hidden, it is no one's "Choice 1".
      if (quiz()) {
        const choice = context() + rowName(i + 1);
        box.setAttribute("aria-label", t("qf_correct_label", { choice }));
      } else box.removeAttribute("aria-label");
      box.setAttribute("aria-describedby", correctError.id);
      box.closest("label").hidden = !quiz();
    });
    scoringShown();
  }
  const correctInputs = () =>
    choices.inputs().map((input) => input.closest("li").querySelector(".qf-correct input"));
  const rightIds = () =>
    correctInputs().flatMap((box, i) => (box?.checked ? [String(i + 1)] : []));
  // How several right choices score means nothing with one.
  function scoringShown() {
    $(".qf-scoring").hidden = rightIds().length < 2;
  }

  // "Every item", or the top 1…n-1: follows the number of items, keeping the choice made
  // while it is still possible.
  function rankTopOptions(wanted = rankTop.value) {
    const n = choices.inputs().length;
    const options = [new Option(t("qf_rank_top_all"), "")];
    for (let k = 1; k < n; k++) options.push(new Option(t("qf_rank_top_n", { n: k }), String(k)));
    rankTop.replaceChildren(...options);
    rankTop.value = Number(wanted) >= 1 && Number(wanted) < n ? String(wanted) : "";
  }

  function endLabels() {
    root.querySelector('[data-label-of="low"]').textContent = t("qf_label_low", { n: 1 });
    root.querySelector('[data-label-of="high"]').textContent = t("qf_label_high", {
      n: points.value,
    });
  }
  points.addEventListener("change", endLabels);

  // Only the chosen type's panel shows (and only its fields are checked and sent): the
  // others' errors go, as they no longer apply.
  function show() {
    const panel = PANEL_OF[type()];
    for (const box of root.querySelectorAll(".qf-panel")) box.hidden = box.dataset.panel !== panel;
    const own = new Set(inputs());
    for (const input of everyInput()) if (!own.has(input)) showError(input, "");
    for (const part of root.querySelectorAll("[data-only]")) {
      part.hidden = part.dataset.only !== type();
    }
    $(".qf-allow-change").hidden = quiz();
    $(".qf-rows-legend").textContent = t(ranking() ? "qf_items_legend" : "choices_legend");
    $('[data-adds="choices"]').textContent =
      `+ ${t(ranking() ? "qf_add_item" : "add_choice")}`;
    renumber();
    typeChanged(type());
  }

  function renumber() {
    choices.renumber();
    statements.renumber();
  }

  // A question as the API shows it (a draft being edited), or null for a new one.
  function fill(question) {
    const q = question || {};
    const chosen = PANEL_OF[q.type] ? q.type : "single";
    for (const radio of radios) radio.checked = radio.value === chosen;
    choices.set(CHOICE_TYPES.has(q.type) ? q.choices.map((c) => c.text) : []);
    const right = new Set(q.type === "quiz" ? q.correct : []);
    correctInputs().forEach((box, i) => {
      box.checked = right.has(String(i + 1));
    });
    timeLimit.value = String(q.timeLimit ?? timeLimit.defaultValue);
    scoring.value = q.scoring ?? preset(scoring);
    scoringShown();
    rankTopOptions(q.type === "ranking" && q.rankTop < q.choices.length ? q.rankTop : "");
    field("maxEntries").value = String(q.maxEntries ?? preset(field("maxEntries")));
    field("moderation").checked = q.moderation === "approve";
    points.value = String(q.points ?? preset(points));
    low.value = q.labels?.low ?? "";
    high.value = q.labels?.high ?? "";
    statements.set((q.statements ?? []).map((s) => s.text));
    allowChange.checked = q.allowChange === true;
    endLabels();
    for (const input of everyInput()) showError(input, "");
    show();
  }

  const everyInput = () => [...root.querySelectorAll("[aria-describedby]")];

  // Every input of the chosen type (those of the other types are hidden and not sent).
  function inputs() {
    const own = {
      choices: () => [
        ...choices.inputs(),
        ...(ranking() ? [rankTop] : []),
        ...(quiz() ? [...correctInputs(), timeLimit, scoring] : []),
      ],
      wordcloud: () => [field("maxEntries")],
      text: () => [field("moderation")],
      scale: () => [points, low, high, ...statements.inputs()],
    }[PANEL_OF[type()]]();
    return quiz() ? own : [...own, allowChange];
  }

  // Whether the host typed anything here (the create page skips an untouched question).
  const typed = () =>
    inputs().some((input) => input.type === "text" && input.value.trim() !== "");

  // The type's part of the spec. A scale says "no labels" (null) and "no statements" ([])
  // outright: a draft's PATCH is merged onto what it has, where leaving them out keeps them.
  function spec() {
    const chosen = type();
    const body = { type: chosen };
    if (CHOICE_TYPES.has(chosen)) {
      body.choices = choices.inputs().map((input) => ({ text: input.value }));
    }
    if (chosen === "quiz") {
      body.correct = rightIds();
      body.timeLimit = Number(timeLimit.value);
      // Said outright (a PATCH keeps what it leaves out); with one right choice, "all".
      body.scoring = body.correct.length > 1 ? scoring.value : "all";
      return body; // no allowChange: one answer each
    }
    if (chosen === "ranking") body.rankTop = Number(rankTop.value) || body.choices.length;
    if (chosen === "wordcloud") body.maxEntries = Number(field("maxEntries").value);
    if (chosen === "text") body.moderation = field("moderation").checked ? "approve" : "none";
    if (chosen === "scale") {
      body.points = Number(points.value);
      const labelled = low.value.trim() || high.value.trim();
      body.labels = labelled ? { low: low.value, high: high.value } : null;
      body.statements = statements.inputs().map((input) => ({ text: input.value }));
    }
    body.allowChange = field("allowChange").checked;
    return body;
  }

  // The API's rules (tohyo/domain), so most mistakes never make a round trip. `flag(input,
  // message)` marks a field ("" clears it); `active`: false for a question left untouched.
  function validate(flag, active = true) {
    // Rows: each 1…max characters, none the same as one before it.
    const rows = (inputs, max, sameMessage) => {
      const seen = new Set();
      for (const input of inputs) {
        const text = input.value.trim();
        let message = "";
        if (active && !fits(text, max)) message = t("choice_invalid", { max });
        else if (active && seen.has(text)) message = sameMessage;
        seen.add(text);
        flag(input, message);
      }
    };
    const chosen = type();
    if (CHOICE_TYPES.has(chosen)) rows(choices.inputs(), limits.choice, duplicate());
    if (chosen === "quiz") {
      flag(correctInputs()[0], active && rightIds().length === 0 ? t("qf_correct_none") : "");
      const seconds = Number(timeLimit.value);
      const whole = timeLimit.value.trim() !== "" && Number.isInteger(seconds);
      const ok = whole && seconds >= limits.timeMin && seconds <= limits.timeMax;
      flag(timeLimit, active && !ok ? timeLimitMessage() : "");
    }
    if (chosen === "scale") {
      const ends = [low, high].map((input) => input.value.trim());
      const labelled = ends.some((text) => text !== "");
      [low, high].forEach((input, i) => {
        let message = "";
        if (active && labelled && !ends[i]) message = t("qf_labels_both");
        else if (active && labelled && !fits(ends[i], limits.label)) {
          message = t("choice_invalid", { max: limits.label });
        }
        flag(input, message);
      });
      rows(statements.inputs(), limits.statement, t("qf_statement_duplicate"));
    }
  }
  const duplicate = () => t(ranking() ? "qf_item_duplicate" : "choice_duplicate");
  const timeLimitMessage = () =>
    t("qf_time_limit_invalid", { min: limits.timeMin, max: limits.timeMax });

  // A field of the spec the API refused ("choices[1].text", "points", "labels.low",
  // "statements[0].text"…): its message is shown there; returns the field, or null if the
  // name is not one of this type's.
  function place(name, serverMessage = "") {
    const row = /^(choices|statements)\[(\d+)\]/.exec(name);
    if (row) {
      const input = (row[1] === "choices" ? choices : statements).inputs()[Number(row[2])];
      if (!input) return null;
      const statement = row[1] === "statements";
      const message = /duplicate/i.test(serverMessage)
        ? statement
          ? t("qf_statement_duplicate")
          : duplicate()
        : t("choice_invalid", { max: statement ? limits.statement : limits.choice });
      showError(input, message);
      return input;
    }
    const { pointsMin, pointsMax } = limits;
    const messages = {
      choices: [choices.inputs()[0], () => t("choice_invalid", { max: limits.choice })],
      rankTop: [rankTop, () => t("qf_rank_top_invalid", { max: choices.inputs().length })],
      maxEntries: [field("maxEntries"), () => t("qf_max_entries_invalid", { max: limits.entries })],
      moderation: [field("moderation"), () => t("qf_setting_invalid")],
      allowChange: [allowChange, () => t("qf_setting_invalid")],
      correct: [correctInputs()[0], () => t("qf_correct_none")],
      timeLimit: [timeLimit, timeLimitMessage],
      scoring: [scoring, () => t("qf_setting_invalid")],
      points: [points, () => t("qf_points_invalid", { min: pointsMin, max: pointsMax })],
      labels: [low, () => t("qf_labels_both")],
      "labels.low": [low, () => t("choice_invalid", { max: limits.label })],
      "labels.high": [high, () => t("choice_invalid", { max: limits.label })],
      statements: [addStatement, () => t("qf_statements_invalid", { max: limits.statements })],
    };
    const [input, message] = messages[name] || [];
    if (!input) return null;
    showError(input, message());
    return input;
  }

  fill(null);
  return { type, fill, inputs, typed, spec, validate, place, renumber };
}

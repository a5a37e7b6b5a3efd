// A quiz question's control: a grid of big buttons, two to a row, each with its color
// (tohyo.palette's .c1-.c10), a shape (▲ ◆ ● ■ …) and the choice's text — never the
// color alone, so a player who cannot tell the colors apart, or reads the host's screen
// from the back, still finds "the triangle". One right choice: a tap sends at once, as
// quiz players expect (the card's Send stays hidden). Several right choices (`multiple`):
// taps toggle, then Send.
//
// Mounted as every control (answer_choice.js says how), plus what a quiz adds to the card
// (answer_card.js): `selfSubmit` (no Send for a single pick), and `follow(question,
// {answered, mine})`, called on every update, which shows the outcome once the question
// has closed and its right answers come with it (`correct` is sealed until then): right
// or wrong, "+N points" and the player's place, read from the leaderboard (GET
// /api/events/{id}/leaderboard, `me`), and the right choices marked by a ✓ and words.
// It returns whether the outcome is shown (the card's "locked in" then gives way to it).
import { getJSON } from "./api.js";
import { conjunction, number, ordinal, t } from "./i18n.js";
import { cloned } from "./answer_parts.js";
import { colorOf, shapeOf } from "./quiz_shapes.js";

const TRIES = 4; // leaderboard reads before the outcome is shown without points
const RETRY_MS = 750;
const ICONS = new Map([[true, "✓"], ["partly", "◐"], [false, "✗"]]);
const VERDICTS = new Map([
  [true, "quiz_correct"],
  ["partly", "quiz_partly"],
  [false, "quiz_wrong"],
  [null, "quiz_no_answer"],
]);

export function mountQuiz(question, { changed, page }) {
  const element = cloned("ev-quiz-template");
  const multiple = Boolean(question.multiple);
  element.querySelector(".ev-quiz-hint").textContent = t(
    multiple ? "quiz_pick_many" : "quiz_pick_one",
  );
  const choices = question.choices ?? [];
  const picked = new Set();
  const buttons = choices.map((choice, i) => {
    const button = tile(cloned("ev-quiz-choice-template"), choice, i);
    button.dataset.choiceId = choice.choiceId;
    if (multiple) button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", () => tap(choice.choiceId));
    element.querySelector(".ev-quiz-grid").append(button);
    return button;
  });
  const texts = new Map(choices.map((c) => [c.choiceId, c.text]));
  const shapes = new Map(choices.map((c, i) => [c.choiceId, shapeOf(i)]));
  const labelled = (id) => `${shapes.get(id)} ${texts.get(id)}`;

  function draw() {
    for (const button of buttons) {
      const on = picked.has(button.dataset.choiceId);
      button.classList.toggle("ev-quiz-on", on);
      if (multiple) button.setAttribute("aria-pressed", String(on));
    }
  }

  function tap(choiceId) {
    if (!multiple) {
      picked.clear();
      picked.add(choiceId);
      draw();
      changed();
      element.closest("form")?.requestSubmit(); // the card sends it, once
      return;
    }
    if (picked.has(choiceId)) picked.delete(choiceId);
    else picked.add(choiceId);
    draw();
    changed();
  }

  const outcome = makeOutcome(choices, page);

  return {
    element,
    submitKey: "quiz_submit",
    thanksKey: "quiz_locked_in",
    selfSubmit: !multiple,
    after: outcome.element,
    body() {
      const ids = choices.map((c) => c.choiceId).filter((id) => picked.has(id));
      return ids.length ? { choiceIds: ids } : null;
    },
    fill(body) {
      picked.clear();
      for (const id of body.choiceIds) picked.add(id);
      draw();
    },
    clear() {
      picked.clear();
      draw();
    },
    describe(body) {
      const box = document.createElement("div");
      const line = document.createElement("p");
      const mine = document.createElement("strong");
      mine.className = "ev-mine";
      mine.textContent = conjunction(body.choiceIds.map(labelled));
      line.append(t("your_choices"), " ", mine);
      const wait = document.createElement("p");
      wait.className = "muted";
      wait.textContent = t("quiz_wait");
      box.append(line, wait);
      return box;
    },
    problem: () => null,
    focus() {
      (buttons.find((b) => picked.has(b.dataset.choiceId)) ?? buttons[0])?.focus();
    },
    follow: (next, how) => outcome.follow(next, how),
  };
}

// A choice's tile: its color, its shape (aria-hidden: the text names it) and its text.
function tile(node, choice, i) {
  node.classList.add(colorOf(i));
  node.querySelector(".ev-quiz-shape").textContent = shapeOf(i);
  node.querySelector(".ev-quiz-text").textContent = choice.text;
  return node;
}

// After the close: right or wrong, the points and the place, and the choices again with
// the right ones marked. Shown once per round; the leaderboard is read once per close.
function makeOutcome(choices, page) {
  const element = cloned("ev-quiz-outcome-template");
  const part = (selector) => element.querySelector(selector);
  const verdict = part(".ev-quiz-verdict");
  const points = part(".ev-quiz-points");
  const rank = part(".ev-quiz-rank");
  const list = part(".ev-quiz-key");
  let drawn = null; // "questionId:round:closedAt" of the outcome shown
  let asking = 0; // bumped by each new outcome: an older read's answer is dropped

  function follow(question, { answered, mine }) {
    const over = question.status === "closed" && Array.isArray(question.correct);
    element.hidden = !over;
    if (!over) {
      drawn = null;
      return false;
    }
    const key = `${question.questionId}:${question.round}:${question.closedAt}`;
    if (key === drawn) return true;
    drawn = key;
    drawKey(question.correct, mine?.choiceIds ?? []);
    points.textContent = "";
    rank.textContent = "";
    if (!answered) {
      setVerdict(null);
      return true;
    }
    // Until the leaderboard says, what this page can tell (when it knows what was sent).
    if (mine) setVerdict(sameSet(mine.choiceIds, question.correct));
    else setVerdict(undefined);
    read(question, ++asking, 1);
    return true;
  }

  // `right`: true, "partly", false, null (no answer) or undefined (not known yet).
  function setVerdict(right) {
    element.classList.toggle("ev-quiz-right", right === true);
    element.classList.toggle("ev-quiz-wrong", right === false);
    part(".ev-quiz-icon").textContent = ICONS.get(right) ?? "";
    verdict.textContent = VERDICTS.has(right) ? t(VERDICTS.get(right)) : "";
  }

  function drawKey(correct, mineIds) {
    list.replaceChildren(
      ...choices.map((choice, i) => {
        const row = tile(cloned("ev-quiz-key-template"), choice, i);
        const right = correct.includes(choice.choiceId);
        row.classList.toggle("ev-quiz-is-right", right);
        row.querySelector(".ev-quiz-mark").textContent = right ? "✓" : "";
        const said = [];
        if (right) said.push(t("quiz_right_answer"));
        if (mineIds.includes(choice.choiceId)) said.push(t("quiz_your_pick"));
        row.querySelector(".ev-quiz-said").textContent = said.join(t("list_separator"));
        return row;
      }),
    );
  }

  async function read(question, asked, attempt) {
    if (page.preview) return; // the host's preview is no player: no place to show
    let board = null;
    try {
      board = await getJSON(`/api/events/${page.eventId}/leaderboard`);
    } catch {
      board = null;
    }
    if (asked !== asking) return;
    const me = board?.me;
    const entry = me?.questions?.find((q) => q.questionId === question.questionId);
    if (!entry) {
      if (attempt < TRIES) setTimeout(() => read(question, asked, attempt + 1), RETRY_MS);
      return;
    }
    setVerdict(entry.correct ? true : entry.points > 0 ? "partly" : false);
    points.textContent = t("quiz_points", { n: number(entry.points) });
    rank.textContent = Number.isInteger(me.rank) ? ordinal("quiz_rank", me.rank) : "";
  }

  return { element, follow };
}

const sameSet = (a, b) => a.length === b.length && a.every((id) => b.includes(id));

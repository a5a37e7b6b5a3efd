// A choice question's control (single, multiple): a radio or checkbox per choice.
//
// Every answer control (answer_*.js) is mounted the same way — mountX(question, {n,
// changed, announce}) → {element, submitKey, thanksKey, body(), fill(body), clear(),
// describe(body), problem(error), focus()} — and answer_card.js does the rest: `body()` is
// the answer's fields or null while it is not complete, `fill` puts back an answer sent
// before (to change it), `describe` draws what was sent, `problem` turns a 400 into a
// message in the form (or null for the card's own), `changed` is called when the answer
// may have become complete or not.
import { conjunction, t } from "./i18n.js";
import { cloned } from "./answer_parts.js";

export function mountChoice(question, { n, changed }) {
  const element = cloned("ev-choice-template");
  const multiple = question.type === "multiple";
  element.querySelector("legend").textContent = t(multiple ? "choose_many" : "choose_one");
  const inputs = (question.choices ?? []).map((choice) => {
    const option = cloned("ev-option-template");
    const input = option.querySelector("input");
    input.type = multiple ? "checkbox" : "radio";
    input.name = `choice-${n}`;
    input.value = choice.choiceId;
    option.querySelector("span").textContent = choice.text;
    element.querySelector(".ev-options").append(option);
    return input;
  });
  element.addEventListener("change", changed);
  const texts = new Map((question.choices ?? []).map((c) => [c.choiceId, c.text]));

  return {
    element,
    submitKey: "vote_button",
    thanksKey: "thanks_title",
    body() {
      const picked = inputs.filter((input) => input.checked).map((input) => input.value);
      return picked.length ? { choiceIds: picked } : null;
    },
    fill(body) {
      for (const input of inputs) input.checked = body.choiceIds.includes(input.value);
    },
    clear() {
      for (const input of inputs) input.checked = false;
    },
    describe(body) {
      const line = document.createElement("p");
      const mine = document.createElement("strong");
      mine.className = "ev-mine";
      mine.textContent = conjunction(body.choiceIds.map((id) => texts.get(id)));
      line.append(t("your_choices"), " ", mine);
      return line;
    },
    problem: () => null, // the catalog's error_invalid_ballot is a choice's message
    focus() {
      (inputs.find((input) => input.checked) ?? inputs[0])?.focus();
    },
  };
}

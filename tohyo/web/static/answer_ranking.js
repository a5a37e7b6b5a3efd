// A ranking's control: the items as a list to put in order, best first, three ways —
// drag a row by its grip (answer_ranking_drag.js; mouse and touch), tap its Up and Down
// buttons, or focus its grip and press the arrow keys (Home, End: to either end). The
// moved item keeps the focus, and its new place is announced. With rankTop below the
// number of items, the first rankTop places are marked as "your top N": only they are
// sent, best first.
//
// Each page starts with the items in an order of its own, at random: were they in the
// question's order, everyone who just taps Send would rank them so, and the first items
// would be favoured. The order is drawn once per question and round, and kept when the
// card is drawn again in the same round (`starts`); a new round (clear) draws again.
import { dragToOrder } from "./answer_ranking_drag.js";
import { cloned } from "./answer_parts.js";
import { t } from "./i18n.js";

const starts = new Map(); // questionId → {round, ids}: this page's starting order

function shuffled(ids) {
  const out = [...ids];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1)); // Fisher–Yates: every order as likely
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function mountRanking(question, { n, changed, announce }) {
  const element = cloned("ev-ranking-template");
  const list = element.querySelector(".ev-rank-list");
  const count = question.choices.length;
  const top = Math.min(question.rankTop ?? count, count);
  const texts = new Map(question.choices.map((c) => [c.choiceId, c.text]));
  const keys = element.querySelector(".ev-rank-keys");
  keys.id = `ev-rank-keys-${n}`;
  const hint = element.querySelector(".ev-rank-hint");
  hint.textContent = t("ans_rank_hint");
  if (top < count) hint.textContent += ` ${t("ans_rank_top", { n: top })}`;

  const items = question.choices.map((choice) => {
    const item = cloned("ev-rank-item-template");
    item.dataset.choiceId = choice.choiceId;
    item.querySelector(".ev-rank-text").textContent = choice.text;
    const label = (key) => t(key, { text: choice.text });
    const handle = item.querySelector(".ev-rank-handle");
    handle.setAttribute("aria-label", label("ans_rank_move"));
    handle.setAttribute("aria-describedby", keys.id);
    item.querySelector(".ev-rank-up").setAttribute("aria-label", label("ans_rank_up"));
    item.querySelector(".ev-rank-down").setAttribute("aria-label", label("ans_rank_down"));
    list.append(item);
    return item;
  });
  const byId = new Map(items.map((item) => [item.dataset.choiceId, item]));
  const rows = () => [...list.children];
  const order = () => rows().map((item) => item.dataset.choiceId);

  function renumber() {
    rows().forEach((item, i) => {
      const ranked = i < top;
      item.classList.toggle("ev-rank-top", ranked && top < count);
      item.classList.toggle("ev-rank-out", !ranked);
      item.querySelector(".ev-rank-place").textContent = ranked ? String(i + 1) : "–";
      item.querySelector(".ev-rank-unranked").textContent = ranked ? "" : t("ans_rank_unranked");
      item.querySelector(".ev-rank-up").disabled = i === 0;
      item.querySelector(".ev-rank-down").disabled = i === count - 1;
    });
  }

  function tell(item) {
    const place = rows().indexOf(item) + 1;
    const text = texts.get(item.dataset.choiceId);
    announce(
      place <= top
        ? t("ans_rank_moved", { text, place, count })
        : t("ans_rank_moved_out", { text, top }),
    );
  }

  // Moves `item` to place `to` (0-based); `focused` (a control of the item) keeps the
  // focus, or the grip where that control is now disabled (at an end of the list).
  function move(item, to, focused) {
    const from = rows().indexOf(item);
    const target = Math.max(0, Math.min(count - 1, to));
    if (target === from) return;
    const there = rows()[target];
    list.insertBefore(item, target > from ? there.nextElementSibling : there);
    renumber();
    (focused && !focused.disabled ? focused : item.querySelector(".ev-rank-handle")).focus();
    tell(item);
    changed();
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest(".ev-rank-up, .ev-rank-down");
    if (!button) return;
    const item = button.closest("li");
    const step = button.classList.contains("ev-rank-up") ? -1 : 1;
    move(item, rows().indexOf(item) + step, button);
  });
  list.addEventListener("keydown", (event) => {
    const handle = event.target.closest(".ev-rank-handle");
    if (!handle) return;
    const item = handle.closest("li");
    const at = rows().indexOf(item);
    const to = { ArrowUp: at - 1, ArrowDown: at + 1, Home: 0, End: count - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault(); // the arrows move the item, not the page
    move(item, to, handle);
  });
  dragToOrder(list, {
    grip: ".ev-rank-handle",
    onMoved(item) {
      renumber();
      tell(item);
      changed();
    },
  });

  const arrange = (ids, others) => {
    const first = ids.filter((id) => byId.has(id)); // then the others, in `others`' order
    const rest = others.filter((id) => !first.includes(id));
    for (const id of [...first, ...rest]) {
      list.append(byId.get(id));
    }
    renumber();
    changed();
  };
  const questionOrder = question.choices.map((c) => c.choiceId);
  const start = (round) => {
    const ids = shuffled(questionOrder);
    starts.set(question.questionId, { round, ids });
    return ids;
  };
  const kept = starts.get(question.questionId);
  const initial = kept && kept.round === question.round ? kept.ids : start(question.round);
  for (const id of initial) list.append(byId.get(id));
  renumber();

  return {
    element,
    submitKey: "ans_send",
    thanksKey: "ans_thanks",
    body() {
      return { ranking: order().slice(0, top) }; // the order shown is always an answer
    },
    fill(body) {
      arrange(body.ranking, questionOrder);
    },
    clear() {
      arrange(start(null), questionOrder); // a new round: a new starting order
    },
    describe(body) {
      const box = document.createElement("div");
      const label = document.createElement("p");
      label.textContent = t("ans_rank_sent");
      const mine = document.createElement("ol");
      mine.className = "ev-mine ev-mine-ranking";
      for (const id of body.ranking) {
        const item = document.createElement("li");
        item.textContent = texts.get(id) ?? id;
        mine.append(item);
      }
      box.append(label, mine);
      return box;
    },
    problem: () => null,
    focus() {
      rows()[0]?.querySelector(".ev-rank-handle").focus();
    },
  };
}

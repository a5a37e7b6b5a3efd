// A rating scale's control: per statement (or for the lone unnamed one) a row of points
// 1..N as big buttons — a radio group underneath, so arrows, Tab and a screen reader work
// as radios do — with the scale's two end labels above its ends. Send once every
// statement has a point: `{value}` for a scale without statements, else `{values}`.
import { cloned } from "./answer_parts.js";
import { t } from "./i18n.js";

export function mountScale(question, { n, changed }) {
  const element = cloned("ev-scale-template");
  const { points, labels } = question;
  const named = question.statements ?? [];
  const statements = named.length ? named : [{ statementId: "1", text: "" }];
  const progress = element.querySelector(".ev-scale-progress");

  const rows = statements.map((statement, s) => {
    const row = cloned("ev-scale-row-template");
    row.dataset.statementId = statement.statementId;
    row.querySelector("legend").textContent =
      statement.text || t("ans_scale_rating", { points });
    const ends = row.querySelector(".ev-scale-ends");
    ends.hidden = !labels;
    if (labels) {
      ends.querySelector(".ev-scale-low").textContent = `1 = ${labels.low}`;
      ends.querySelector(".ev-scale-high").textContent = `${points} = ${labels.high}`;
    }
    const box = row.querySelector(".ev-scale-points");
    box.classList.add(`ev-points-${points}`);
    const inputs = [];
    for (let value = 1; value <= points; value++) {
      const point = cloned("ev-scale-point-template");
      const input = point.querySelector("input");
      input.name = `scale-${n}-${s}`;
      input.value = String(value);
      point.querySelector(".ev-point-n").textContent = String(value);
      // The end labels are said with their points (the row above is for the eye).
      const end = labels && (value === 1 ? labels.low : value === points ? labels.high : "");
      if (end) input.setAttribute("aria-label", `${value}, ${end}`);
      box.append(point);
      inputs.push(input);
    }
    element.querySelector(".ev-scale-rows").append(row);
    return { row, inputs };
  });

  const valueOf = ({ inputs }) => {
    const picked = inputs.find((input) => input.checked);
    return picked ? Number(picked.value) : null;
  };
  const sync = () => {
    const rated = rows.filter((r) => valueOf(r) !== null).length;
    progress.hidden = rows.length < 2;
    const done = rated === rows.length;
    progress.textContent = t(done ? "ans_scale_done" : "ans_scale_progress", {
      count: rated,
      total: rows.length,
    });
    changed();
  };
  element.addEventListener("change", (event) => {
    event.target.closest(".ev-scale-row")?.classList.remove("ev-scale-refused");
    sync();
  });
  sync();

  const set = (values) => {
    rows.forEach(({ row, inputs }, i) => {
      row.classList.remove("ev-scale-refused");
      for (const input of inputs) input.checked = Number(input.value) === values[i];
    });
    sync();
  };

  return {
    element,
    submitKey: "ans_send",
    thanksKey: "ans_thanks",
    body() {
      const values = rows.map(valueOf);
      if (values.includes(null)) return null;
      return named.length ? { values } : { value: values[0] };
    },
    fill(body) {
      set(named.length ? body.values : [body.value]);
    },
    clear() {
      set([]);
    },
    describe(body) {
      const values = named.length ? body.values : [body.value];
      const box = document.createElement("div");
      const label = document.createElement("p");
      label.textContent = t("ans_you_sent");
      const list = document.createElement("ul");
      list.className = "ev-mine ev-mine-scale";
      statements.forEach((statement, i) => {
        const item = document.createElement("li");
        const rating = t("ans_scale_sent", { value: values[i], points });
        item.textContent = statement.text ? `${statement.text}: ${rating}` : rating;
        list.append(item);
      });
      box.append(label, list);
      return box;
    },
    // 400 names the statement whose rating is off (details.statementId): marked.
    problem(error) {
      const sid = error.details?.statementId;
      const found = rows.find(({ row }) => row.dataset.statementId === sid);
      if (!found) return null;
      found.row.classList.add("ev-scale-refused");
      return t("ans_scale_refused");
    },
    focus() {
      const first = rows.find((r) => valueOf(r) === null) ?? rows[0];
      (first.inputs.find((input) => input.checked) ?? first.inputs[0]).focus();
    },
  };
}

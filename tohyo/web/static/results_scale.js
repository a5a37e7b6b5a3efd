// A rating scale's live results: for each statement (or the scale's one unnamed
// statement) the distribution of its points 1..N as columns with their counts, and the
// mean with one decimal (as the server rounds it); the two ends' labels once, above.
// A full column is every answer to its statement: a column's height is its point's count
// over that statement's answers (the columns of a statement sum to one full column), never
// relative to the tallest, so 3 answers of 10 are 30 % tall in every statement and
// statements compare at a glance; no answers, empty columns. tohyo/charts' picture draws
// by the same rule. The drawing is aria-hidden; each statement's text says the same for
// screen readers.
import { counted, list, number, t } from "./i18n.js";
import { answersLine, colorClass, decimal1, element, setText } from "./results_parts.js";

export function mountScaleResults(root, first) {
  const points = first.points;
  const named = (first.statements ?? []).length > 0;
  const statements = named ? first.statements : [{ statementId: "1", text: "" }];
  const labels = first.labels ?? null;

  if (labels) {
    const ends = element("p", "rv-scale-ends");
    ends.append(
      element("span", "rv-scale-low", t("res_scale_end", { n: 1, label: labels.low })),
      element("span", "rv-scale-high", t("res_scale_end", { n: points, label: labels.high })),
    );
    root.append(ends);
  }
  const rowsList = element("ol", "rv-statements");
  rowsList.style.setProperty("--statements", String(statements.length));
  rowsList.style.setProperty("--points", String(points));
  const total = element("p", "rv-total");
  root.append(rowsList, total);

  const rows = new Map();
  statements.forEach((statement, i) => {
    const li = element("li", `rv-statement ${colorClass(i)}`);
    li.dataset.statementId = statement.statementId;
    const name = element("p", "rv-statement-name", statement.text);
    name.hidden = !named;
    const histogram = element("div", "rv-histogram");
    histogram.setAttribute("aria-hidden", "true");
    const columns = [];
    for (let p = 1; p <= points; p++) {
      const column = element("span", "rv-col");
      const count = element("span", "rv-col-count", "0");
      const track = element("span", "rv-col-track");
      const fill = element("span", "rv-col-fill");
      track.append(fill);
      column.append(count, track, element("span", "rv-col-point", number(p)));
      histogram.append(column);
      columns.push({ count, fill });
    }
    const mean = element("p", "rv-mean");
    mean.setAttribute("aria-hidden", "true"); // said by `spoken`, with the counts
    const spoken = element("p", "visually-hidden rv-spoken");
    li.append(name, histogram, mean, spoken);
    rowsList.append(li);
    rows.set(statement.statementId, { columns, mean, spoken, text: statement.text });
  });

  const pointName = (p) => {
    if (labels && p === 1) return t("res_scale_end", { n: 1, label: labels.low });
    if (labels && p === points) return t("res_scale_end", { n: points, label: labels.high });
    return number(p);
  };

  function update(question) {
    const results = question.results ?? { totalVotes: 0, statements: [] };
    const byId = new Map((results.statements ?? []).map((s) => [s.statementId, s]));
    for (const [id, row] of rows) {
      const s = byId.get(id) ?? { counts: [], answers: 0, mean: null };
      row.columns.forEach((column, p) => {
        const count = s.counts[p] ?? 0;
        setText(column.count, number(count));
        const share = s.answers > 0 ? Math.min(1, count / s.answers) : 0;
        column.fill.style.height = `${100 * share}%`;
      });
      const mean = s.mean === null || s.mean === undefined ? null : decimal1(s.mean);
      const counts = list(
        row.columns.map((_, p) =>
          t("res_scale_point_count", {
            point: pointName(p + 1),
            count: counted("res_answers", s.counts[p] ?? 0),
          }),
        ),
      );
      const meanText = mean === null ? t("res_scale_no_mean") : t("res_scale_mean", { mean });
      setText(row.mean, meanText);
      setText(row.spoken, t("res_scale_spoken", { mean: meanText, counts }));
    }
    setText(total, answersLine(results.totalVotes));
  }

  function summary(question) {
    const results = question.results;
    const means = (results.statements ?? [])
      .filter((s) => s.mean !== null && s.mean !== undefined)
      .map((s) => {
        const mean = t("res_scale_mean", { mean: decimal1(s.mean) });
        const text = rows.get(s.statementId)?.text;
        return text ? t("res_named", { name: text, value: mean }) : mean;
      });
    const answers = answersLine(results.totalVotes);
    return means.length ? t("res_summary", { answers, parts: list(means) }) : answers;
  }

  return { update, summary };
}

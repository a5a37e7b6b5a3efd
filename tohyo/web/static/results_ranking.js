// A ranking's live results: the items by Borda points, each with its mean score (two
// decimals, as the server rounds it) and points. A bar's full track is the most a mean
// score can be — n points, every participant's first place — never the leader's score,
// so the bars say how strongly the room agrees, not only who leads. An item keeps its
// choice's color. Once the question is closed the results carry the instant runoff:
// its winner, and its rounds as a small table (each item's first choices per round, who
// was eliminated, the ballots exhausted) — on a projector as compact as it stays legible:
// rounds by number under a visible caption, names cut to one line, out marked ✕.
import { counted, number, t } from "./i18n.js";
import {
  answersLine,
  arrange,
  colorClass,
  decimal2,
  element,
  keyed,
  setText,
} from "./results_parts.js";

export function mountRankingResults(root, first, options) {
  const compact = options.audience === "present";
  const choices = first.choices ?? [];
  const most = Math.max(1, choices.length); // the largest mean score: n points
  const texts = new Map(choices.map((c) => [c.choiceId, c.text]));
  const colors = new Map(choices.map((c, i) => [c.choiceId, colorClass(i)]));
  const items = element("ol", "rv-items");
  items.style.setProperty("--items", String(choices.length));
  const total = element("p", "rv-total");
  const runoffBox = element("div", "rv-runoff");
  runoffBox.hidden = true;
  root.append(items, runoffBox, total);
  const rows = keyed();
  let drawnRunoff = "";

  function makeItem(item) {
    const li = element("li", `rv-item ${colors.get(item.choiceId) ?? "c1"}`);
    li.dataset.choiceId = item.choiceId;
    const track = element("span", "rv-item-track bar-track");
    track.setAttribute("aria-hidden", "true");
    track.append(element("span", "bar-fill"));
    li.append(
      element("span", "rv-place"),
      element("span", "rv-item-label", texts.get(item.choiceId) ?? item.choiceId),
      track,
      element("span", "rv-item-value"),
    );
    return li;
  }

  function fillItem(li, item) {
    const [place, , track, value] = li.children;
    setText(place, t("res_rank_place", { n: number(item.place) }));
    track.firstElementChild.style.width = `${(100 * item.meanScore) / most}%`;
    setText(
      value,
      t("res_rank_value", { mean: decimal2(item.meanScore), points: counted("res_points", item.points) }),
    );
  }

  function update(question) {
    const results = question.results ?? { totalVotes: 0, items: [] };
    const listed = results.items?.length
      ? results.items
      : choices.map((c) => ({ choiceId: c.choiceId, points: 0, meanScore: 0, firstPlaces: 0 }));
    // Equal points, equal place (1, 2, 2, 4).
    const placed = listed.map((item, i) => ({ ...item, place: i + 1 }));
    placed.forEach((item, i) => {
      if (i > 0 && item.points === placed[i - 1].points) item.place = placed[i - 1].place;
    });
    arrange(items, rows(placed, (item) => item.choiceId, makeItem, fillItem));
    setText(total, answersLine(results.totalVotes));
    const runoff = results.runoff ? JSON.stringify(results.runoff) : "";
    if (runoff !== drawnRunoff) {
      drawnRunoff = runoff;
      runoffBox.hidden = !results.runoff;
      runoffBox.replaceChildren(...(results.runoff ? runoffParts(results.runoff, placed) : []));
    }
  }

  const nameOf = (id) => texts.get(id) ?? id;

  function runoffParts(runoff, placed) {
    const winner = element(
      "p",
      "rv-winner",
      runoff.winner === null ? t("res_rank_no_winner") : t("res_rank_winner", { text: nameOf(runoff.winner) }),
    );
    const rounds = runoff.rounds ?? [];
    if (!rounds.length) return [winner];
    const wrap = element("div", "rv-table-wrap");
    // Many rounds may be wider than a phone: the table scrolls in its box, not the page.
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", t("res_rank_rounds"));
    const table = element("table", "rv-rounds");
    const caption = element("caption", compact ? "rv-caption" : "visually-hidden", t("res_rank_rounds"));
    const head = element("tr");
    const corner = element("th", "", t("res_rank_item"));
    corner.scope = "col";
    head.append(corner);
    rounds.forEach((_, i) => {
      const name = t("res_rank_round", { n: number(i + 1) });
      const cell = element("th", "number", compact ? number(i + 1) : name);
      if (compact) cell.setAttribute("aria-label", name);
      cell.scope = "col";
      head.append(cell);
    });
    const thead = element("thead");
    thead.append(head);
    const body = element("tbody");
    for (const item of placed) {
      const row = element("tr");
      if (item.choiceId === runoff.winner) row.className = "is-winner";
      const name = element("th", "", nameOf(item.choiceId));
      name.scope = "row";
      row.append(name);
      let out = false;
      for (const round of rounds) {
        const count = round.counts?.[item.choiceId];
        const eliminated = !out && (round.eliminated ?? []).includes(item.choiceId);
        const text = out || count === undefined ? t("res_rank_out") : number(count);
        const cell = element("td", eliminated ? "number is-eliminated" : "number", text);
        if (eliminated && compact) {
          cell.append(element("span", "visually-hidden", t("res_rank_eliminated_spoken")));
          const mark = element("span", "rv-out-mark", "✕");
          mark.setAttribute("aria-hidden", "true");
          cell.append(mark);
        } else if (eliminated) {
          cell.textContent = t("res_rank_eliminated", { count: number(count ?? 0) });
        }
        row.append(cell);
        out ||= eliminated;
      }
      body.append(row);
    }
    const exhausted = element("tr", "rv-exhausted");
    const label = element("th", "", t("res_rank_exhausted"));
    label.scope = "row";
    exhausted.append(label);
    for (const round of rounds) exhausted.append(element("td", "number", number(round.exhausted ?? 0)));
    body.append(exhausted);
    table.append(caption, thead, body);
    wrap.append(table);
    return [winner, wrap];
  }

  function summary(question) {
    const results = question.results;
    const answers = answersLine(results.totalVotes);
    const leader = results.totalVotes ? results.items?.[0] : null;
    if (results.runoff && results.runoff.winner !== null) {
      return t("res_summary", { answers, parts: t("res_rank_winner", { text: nameOf(results.runoff.winner) }) });
    }
    if (!leader) return answers;
    const value = t("res_rank_value", {
      mean: decimal2(leader.meanScore),
      points: counted("res_points", leader.points),
    });
    return t("res_summary", { answers, parts: t("res_named", { name: nameOf(leader.choiceId), value }) });
  }

  return { update, summary };
}

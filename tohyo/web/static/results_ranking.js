// A ranking's live results: the items by Borda points, each with its mean score (two
// decimals, as the server rounds it) and points. A bar's full track is the most points an
// item can have: n for each of the ballots (n items; every ballot ranking it first), so a
// fill is its points / (n × ballots), which is its mean score / n — never the leader's
// score, so the bars say how strongly the room agrees, not only who leads; no ballots,
// empty tracks. tohyo/charts' picture draws by the same rule. An item keeps its
// choice's color. Once the question is closed the results carry the instant runoff:
// its winner, and its rounds as a small table (each item's first choices per round, who
// was eliminated, the ballots exhausted) — on a projector as compact as it stays legible:
// rounds by number under a visible caption, out marked ✕, names whole (wrapped between
// words, never inside one) or, where the names do not fit, the items' places in the list
// beside it. When the runoff's winner is not the points leader, one line says why the
// two differ. On a phone a table wider than the screen scrolls in its box, and says so.
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

const SMALLEST_PX = 15; // the runoff table on a projector, however many rounds it has

export function mountRankingResults(root, first, options) {
  const compact = options.audience === "present";
  const choices = first.choices ?? [];
  const most = Math.max(1, choices.length); // the points one ballot's first place scores
  let ballots = 0; // of the results drawn
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
  // Measured once laid out (and again when the box changes size), a frame later: the
  // changes it makes must not be measured in the same pass.
  let measuring = false;
  const remeasure = () => {
    if (measuring) return;
    measuring = true;
    requestAnimationFrame(() => {
      measuring = false;
      measure();
    });
  };
  new ResizeObserver(remeasure).observe(root);

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
    const full = most * ballots; // every ballot ranking it first
    const share = full ? Math.min(1, item.points / full) : 0;
    track.firstElementChild.style.width = `${100 * share}%`;
    setText(
      value,
      t("res_rank_value", { mean: decimal2(item.meanScore), points: counted("res_points", item.points) }),
    );
  }

  function update(question) {
    const results = question.results ?? { totalVotes: 0, items: [] };
    ballots = results.totalVotes ?? 0;
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
      remeasure();
    }
  }

  function measure() {
    const wrap = runoffBox.querySelector(".rv-table-wrap");
    if (!wrap || runoffBox.hidden) return;
    const table = wrap.querySelector("table");
    const hint = runoffBox.querySelector(".rv-scroll-hint");
    const wide = () => wrap.scrollWidth > wrap.clientWidth + 1;
    if (compact) {
      byPlace(table, false);
      table.style.fontSize = "";
      const tall = (el) => el.scrollHeight > el.clientHeight + 1;
      const over = () => wide() || tall(wrap) || tall(runoffBox);
      if (over()) byPlace(table, true);
      // Many rounds: smaller, to fit the side box, but never below SMALLEST_PX.
      let size = parseFloat(getComputedStyle(table).fontSize);
      while (over() && size > SMALLEST_PX) {
        size = Math.max(SMALLEST_PX, size - 1);
        table.style.fontSize = `${size}px`;
      }
    }
    hint.hidden = compact || !wide();
  }

  // The rows named by the items' places in the points list ("1."), the names then only
  // spoken: long names whole do not fit a projector's side box.
  function byPlace(table, on) {
    table.classList.toggle("by-place", on);
    for (const th of table.querySelectorAll("tbody th[data-place]")) {
      th.querySelector(".rv-row-place").hidden = !on;
      th.querySelector(".rv-row-name").classList.toggle("visually-hidden", on);
    }
  }

  const nameOf = (id) => texts.get(id) ?? id;

  function runoffParts(runoff, placed) {
    const winner = element(
      "p",
      "rv-winner",
      runoff.winner === null ? t("res_rank_no_winner") : t("res_rank_winner", { text: nameOf(runoff.winner) }),
    );
    const parts = [winner];
    const leader = placed[0];
    if (runoff.winner !== null && leader && leader.choiceId !== runoff.winner) {
      parts.push(element("p", "rv-runoff-why", t("res_rank_why")));
    }
    const rounds = runoff.rounds ?? [];
    if (!rounds.length) return parts;
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
      const name = element("th");
      name.scope = "row";
      if (compact) {
        name.dataset.place = String(item.place);
        const place = element("span", "rv-row-place", t("res_rank_place", { n: number(item.place) }));
        place.setAttribute("aria-hidden", "true");
        place.hidden = true;
        name.append(place);
      }
      name.append(element("span", "rv-row-name", nameOf(item.choiceId)));
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
    const hint = element("p", "rv-scroll-hint muted", t("res_rank_scroll"));
    hint.hidden = true;
    return [...parts, wrap, hint];
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

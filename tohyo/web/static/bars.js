// An event question's results on a phone: one bar per choice with its count and
// percentage as text beside it (the bar itself is aria-hidden: the text says it all, and
// colour is never the only cue). Drawn from the <template id="ev-bar-template"> of the
// page; widths are set through the CSSOM, which the Content-Security-Policy allows.
//
// A full track is every ballot (with multiple choice, every voter: the fills may then sum
// past 100 %), never the leading choice: a bar's fill is the share its text gives, so
// 34.5 % fills about a third; no ballots, empty tracks. chart.js (the host's screens) and
// tohyo/charts (the pictures) draw by the same rule.
import { counted, percent, t } from "./i18n.js";

export function mountBars(list, total, choices) {
  const rows = new Map();
  choices.forEach((choice, i) => {
    const row = document.getElementById("ev-bar-template").content.firstElementChild.cloneNode(true);
    row.classList.add(`c${(i % 10) + 1}`);
    row.dataset.choiceId = choice.choiceId;
    row.querySelector(".bar-label").textContent = choice.text;
    list.append(row);
    rows.set(choice.choiceId, {
      fill: row.querySelector(".bar-fill"),
      value: row.querySelector(".bar-value"),
    });
  });

  // `results`: {totalVotes, choices: [{choiceId, voteCount, percentage}]}.
  return function draw(results) {
    for (const choice of results.choices) {
      const row = rows.get(choice.choiceId);
      if (!row) continue;
      row.fill.style.width = `${fillPercent(choice.voteCount, results.totalVotes)}%`;
      row.value.textContent = t("count_percent", {
        count: counted("votes", choice.voteCount),
        percent: percent(choice.percentage),
      });
    }
    total.textContent = results.totalVotes
      ? counted("ballots", results.totalVotes)
      : t("no_votes_yet");
  };
}

// A choice's fill, in percent of its track: its share of the ballots (0 with none).
function fillPercent(count, ballots) {
  return ballots > 0 ? Math.min(100, (100 * count) / ballots) : 0;
}

// An event question's results on a phone: one bar per choice with its count and
// percentage as text beside it (the bar itself is aria-hidden: the text says it all, and
// colour is never the only cue). Drawn from the <template id="ev-bar-template"> of the
// page; widths are set through the CSSOM, which the Content-Security-Policy allows.
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
    // Bars are scaled to the leader, so a close race is visible at a glance.
    const most = Math.max(1, ...results.choices.map((c) => c.voteCount));
    for (const choice of results.choices) {
      const row = rows.get(choice.choiceId);
      if (!row) continue;
      row.fill.style.width = `${(100 * choice.voteCount) / most}%`;
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

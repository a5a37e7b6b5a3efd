// The results chart: bars or a pie, drawn from the DOM that _results.html renders.
//
// Geometry is set through the CSSOM (element.style), which the Content-Security-Policy
// allows, and CSS transitions animate every change over 0.3 s. The counts list beside the
// chart is its legend and its text equivalent; a polite live region announces a summary
// at most every few seconds, so a hot session does not flood a screen reader.
import { counted, number, percent, t } from "./i18n.js";

const ANNOUNCE_EVERY_MS = 4000;

export function mountResults(root) {
  const bars = new Map();
  for (const bar of root.querySelectorAll(".bar")) {
    bars.set(bar.dataset.choiceId, {
      fill: bar.querySelector(".bar-fill"),
      value: bar.querySelector(".bar-value"),
    });
  }
  const slices = new Map([...root.querySelectorAll(".slice")].map((s) => [s.dataset.choiceId, s]));
  const rows = new Map(
    [...root.querySelectorAll(".counts li")].map((li) => [
      li.dataset.choiceId,
      li.querySelector(".count-value"),
    ]),
  );
  const total = root.querySelector("#total");
  const announcer = root.querySelector("#announce");
  const pieTotal = root.querySelector(".pie-total");
  let lastAnnounced = 0;
  let pending = null;

  // `quiet`: the first drawing of a page is not news to announce.
  function update(view, { quiet = false } = {}) {
    if (view.totalVotes === undefined) return;
    const most = Math.max(1, ...view.choices.map((c) => c.voteCount));
    let start = 0;
    for (const choice of view.choices) {
      const text = `${number(choice.voteCount)} · ${percent(choice.percentage)}`;
      const bar = bars.get(choice.choiceId);
      if (bar) {
        // Bars are scaled to the leader, so a close race is visible at a glance.
        bar.fill.style.width = `${(100 * choice.voteCount) / most}%`;
        bar.value.textContent = text;
      }
      const share = view.totalVotes ? (100 * choice.voteCount) / view.totalVotes : 0;
      const slice = slices.get(choice.choiceId);
      if (slice) {
        slice.style.strokeDasharray = `${share} ${100 - share}`;
        slice.style.strokeDashoffset = `${-start}`;
      }
      start += share;
      const row = rows.get(choice.choiceId);
      if (row) row.textContent = text;
    }
    // Several choices per ballot make the shares of a multiple-choice vote sum past 100 %:
    // the pie then shows each choice's share of all picks instead.
    if (view.voteType === "multiple" && start > 100) rescalePie(view);
    if (pieTotal) pieTotal.textContent = number(view.totalVotes);
    total.textContent = view.totalVotes ? counted("ballots", view.totalVotes) : t("no_votes_yet");
    if (!quiet) scheduleAnnouncement(view);
  }

  function rescalePie(view) {
    const picks = view.choices.reduce((sum, c) => sum + c.voteCount, 0);
    let start = 0;
    for (const choice of view.choices) {
      const share = picks ? (100 * choice.voteCount) / picks : 0;
      const slice = slices.get(choice.choiceId);
      slice.style.strokeDasharray = `${share} ${100 - share}`;
      slice.style.strokeDashoffset = `${-start}`;
      start += share;
    }
  }

  function scheduleAnnouncement(view) {
    const wait = lastAnnounced + ANNOUNCE_EVERY_MS - Date.now();
    clearTimeout(pending);
    if (wait <= 0) announce(view);
    else pending = setTimeout(() => announce(view), wait);
  }

  function announce(view) {
    lastAnnounced = Date.now();
    const parts = view.choices.map((c) =>
      t("choice_result", {
        choice: c.text,
        count: counted("votes", c.voteCount),
        percent: percent(c.percentage),
      }),
    );
    announcer.textContent = `${counted("ballots", view.totalVotes)}. ${parts.join("; ")}`;
  }

  function setKind(kind) {
    root.dataset.kind = kind;
  }

  return { update, setKind };
}

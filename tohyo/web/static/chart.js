// The results chart: bars or a ring ("pie"), drawn from the DOM that _results.html renders.
//
// Geometry is set through the CSSOM (element.style), which the Content-Security-Policy
// allows, and CSS transitions animate every change over 0.3 s. The counts list is the
// pie's legend and, for screen readers, the text equivalent of either chart (the chart
// itself is aria-hidden). A polite live region announces a summary when the counts change,
// at most every few seconds, so a hot session does not flood a screen reader.
//
// A bar's full track is every ballot (with multiple choice, every voter: the fills may
// then sum past 100 %), never the leading choice, so a bar fills what its "count ·
// percentage" says and 34.5 % fills about a third; no ballots, empty tracks. The pie
// divides by its own whole (below). bars.js on a phone and tohyo/charts' pictures draw
// by the same rule.
import { counted, list, number, percent, t } from "./i18n.js";

const ANNOUNCE_EVERY_MS = 4000;
const SLICE_GAP = 0.6; // of 100: a thin gap between slices, so neighbours never merge
const ANNOUNCE_ALL_UP_TO = 4; // choices; beyond, the summary names the leader only

export function mountResults(root) {
  const multiple = root.dataset.voteType === "multiple";
  root.style.setProperty("--n", root.dataset.choices);
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
  let shown = null; // the last state drawn
  let announced = ""; // the counts last announced
  let lastAnnounced = 0;
  let pending = null;

  // A pie shows parts of one whole. With one choice per ballot that is the share of
  // ballots; with several, each slice is a share of all selections, and the legend then
  // says so too (the bars and the announcements keep the share of voters).
  const pieShares = (view) => {
    const whole = multiple
      ? view.choices.reduce((sum, c) => sum + c.voteCount, 0)
      : view.totalVotes;
    return view.choices.map((c) => (whole ? (100 * c.voteCount) / whole : 0));
  };

  function draw(view) {
    const shares = pieShares(view);
    const pie = root.dataset.kind === "pie";
    let start = 0;
    view.choices.forEach((choice, i) => {
      const bar = bars.get(choice.choiceId);
      if (bar) {
        bar.fill.style.width = `${fillPercent(choice.voteCount, view.totalVotes)}%`;
        bar.value.textContent = `${number(choice.voteCount)} · ${percent(choice.percentage)}`;
      }
      const slice = slices.get(choice.choiceId);
      if (slice) {
        const length = Math.max(0, shares[i] - (shares[i] > SLICE_GAP ? SLICE_GAP : 0));
        slice.style.strokeDasharray = `${length} ${100 - length}`;
        slice.style.strokeDashoffset = `${-start}`;
      }
      start += shares[i];
      const row = rows.get(choice.choiceId);
      if (row) {
        const share = pie && multiple ? Math.round(shares[i] * 10) / 10 : choice.percentage;
        row.textContent = t("count_percent", {
          count: counted("votes", choice.voteCount),
          percent: percent(share),
        });
      }
    });
    if (pieTotal) pieTotal.textContent = number(view.totalVotes);
    total.textContent = view.totalVotes ? counted("ballots", view.totalVotes) : t("no_votes_yet");
  }

  // `announce`: false for the page's first drawing and for a stream's snapshot (a page
  // load or a reconnect is not news); true for updates.
  function update(view, { announce = false } = {}) {
    if (view.totalVotes === undefined) return;
    shown = view;
    draw(view);
    const counts = `${view.totalVotes}:${view.choices.map((c) => c.voteCount).join(",")}`;
    if (!announce) {
      announced = counts;
    } else if (counts !== announced) {
      scheduleAnnouncement(counts);
    }
  }

  function scheduleAnnouncement(counts) {
    clearTimeout(pending);
    const wait = lastAnnounced + ANNOUNCE_EVERY_MS - Date.now();
    const speak = () => {
      lastAnnounced = Date.now();
      announced = counts;
      announcer.textContent = summary(shown);
    };
    if (wait <= 0) speak();
    else pending = setTimeout(speak, wait);
  }

  function summary(view) {
    const phrase = (c) =>
      t("choice_result", {
        choice: c.text,
        count: counted("votes", c.voteCount),
        percent: percent(c.percentage),
      });
    const totalText = counted("ballots", view.totalVotes);
    if (view.choices.length <= ANNOUNCE_ALL_UP_TO) {
      return t("summary", { total: totalText, parts: list(view.choices.map(phrase)) });
    }
    const leader = view.choices.reduce((a, b) => (b.voteCount > a.voteCount ? b : a));
    return t("summary_leader", { total: totalText, leader: phrase(leader) });
  }

  function setKind(kind) {
    root.dataset.kind = kind;
    if (shown) draw(shown);
  }

  return { update, setKind };
}

// A choice's fill, in percent of its track: its share of the ballots (0 with none). As
// bars.js's on a phone: this module does not import it, as the poll's pages load this
// one alone.
function fillPercent(count, ballots) {
  return ballots > 0 ? Math.min(100, (100 * count) / ballots) : 0;
}

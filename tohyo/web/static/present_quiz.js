// Presenter mode's quiz screens (event_present.js shows them instead of the results):
//   play    a quiz question while open: its tiles (the phones' color, shape and text, no
//           counts, no right answer: the room is still answering), a big countdown to its
//           closesAt and how many have answered;
//   reveal  once closed: the distribution, the right choice(s) marked by ✓ and the words
//           "Right answer" (never by color alone), and the leaderboard's top 10 beside it;
//   podium  the top 3, 1st in the middle and tallest: when the event has ended, or when
//           the presenter asks (P, or the Podium button).
// The leaderboard (GET /api/events/{id}/leaderboard) is read again whenever a quiz round
// may have changed it: a close (a round counts once it closes) and a reset (its round's
// points go). The stream says both: the quizzes' rounds and statuses are the key.
import { getJSON } from "./api.js";
import { countdown } from "./countdown.js";
import { countdownState, element } from "./event_run.js";
import { counted, number, ordinal, percent, t } from "./i18n.js";
import { colorOf, shapeOf } from "./quiz_shapes.js";

const PODIUM = 3;

export function mountQuizPresenter(root, { eventId }) {
  const play = element("div", "pq-play");
  const tiles = element("ul", "pq-tiles");
  tiles.setAttribute("aria-label", t("pq_choices"));
  const clock = element("p", "pq-clock");
  const timer = element("span", "pq-countdown");
  timer.id = "quiz-countdown";
  timer.setAttribute("role", "timer");
  timer.setAttribute("aria-live", "off");
  const answered = element("span", "pq-answered");
  answered.id = "quiz-answered";
  clock.append(timer, answered);
  play.append(tiles, clock);

  const reveal = element("div", "pq-reveal");
  const distribution = element("section", "pq-distribution");
  distribution.setAttribute("aria-label", t("results"));
  const bars = element("ol", "pq-bars");
  bars.id = "quiz-bars";
  const total = element("p", "pq-total");
  total.id = "quiz-total";
  distribution.append(bars, total);
  const board = leaderboardPanel();
  reveal.append(distribution, board.element);

  const podium = podiumPanel();
  root.append(play, reveal, podium.element);

  const showCountdown = countdown(timer);
  let drawn = null; // the question and round the tiles and bars were built for
  let boardKey = null;
  let asking = 0;

  async function read() {
    const asked = ++asking;
    let answer = null;
    try {
      answer = await getJSON(`/api/events/${eventId}/leaderboard`);
    } catch {
      answer = null; // a failed read keeps what is on screen; the next change reads again
    }
    if (asked !== asking || answer === null) return;
    board.draw(answer);
    podium.draw(answer);
  }

  return {
    // `question`: the presented question (or null); `showPodium`: the podium instead.
    // Returns whether a quiz screen is shown (the page then hides its results).
    update(state, question, { showPodium = false } = {}) {
      const quizzes = state.questions.filter((q) => q.type === "quiz");
      const key = quizzes.map((q) => `${q.questionId}:${q.round}:${q.status}`).join(" ");
      if (quizzes.length && key !== boardKey) {
        boardKey = key;
        read();
      }
      const quiz = question?.type === "quiz" ? question : null;
      const mode = showPodium ? "podium" : quiz ? (quiz.status === "closed" ? "reveal" : "play") : null;
      root.hidden = mode === null;
      root.dataset.mode = mode ?? "";
      play.hidden = mode !== "play";
      reveal.hidden = mode !== "reveal";
      podium.element.hidden = mode !== "podium";
      showCountdown(countdownState(mode === "play" ? quiz : null));
      if (mode === "play" || mode === "reveal") {
        const shape = `${quiz.questionId}:${quiz.round}:${mode}`;
        if (shape !== drawn) {
          drawn = shape;
          if (mode === "play") {
            drawTiles(tiles, quiz);
            bars.replaceChildren(); // the last question's answers are not this one's
          }
        }
        if (mode === "play") {
          answered.textContent = counted("pq_answered", quiz.results?.totalVotes ?? 0);
        } else {
          drawBars(bars, total, quiz);
        }
      } else {
        drawn = null;
      }
      return mode !== null;
    },
    hasQuiz: (state) => state.questions.some((q) => q.type === "quiz"),
  };
}

// The tiles as the phones show them: color, shape (aria-hidden: the text names it), text.
function drawTiles(list, question) {
  list.replaceChildren(
    ...question.choices.map((choice, i) => {
      const tile = element("li", `pq-tile ${colorOf(i)}`);
      tile.dataset.choiceId = choice.choiceId;
      const shape = element("span", "pq-shape", shapeOf(i));
      shape.setAttribute("aria-hidden", "true");
      tile.append(shape, element("span", "pq-text", choice.text));
      return tile;
    }),
  );
}

// The distribution after the close: a bar per choice with its shape, text, count and
// share as text (the bar itself is aria-hidden), the right ones marked in words.
function drawBars(list, total, question) {
  const results = question.results ?? { totalVotes: 0, choices: [] };
  const byId = new Map(results.choices.map((c) => [c.choiceId, c]));
  const correct = question.correct ?? [];
  list.replaceChildren(
    ...question.choices.map((choice, i) => {
      const right = correct.includes(choice.choiceId);
      const row = element("li", `pq-bar ${colorOf(i)}${right ? " pq-right" : ""}`);
      row.dataset.choiceId = choice.choiceId;
      const shape = element("span", "pq-shape", shapeOf(i));
      shape.setAttribute("aria-hidden", "true");
      const label = element("span", "pq-label");
      label.append(element("span", "pq-text", choice.text));
      if (right) {
        const mark = element("span", "pq-mark");
        const tick = element("span", "pq-tick", "✓");
        tick.setAttribute("aria-hidden", "true");
        mark.append(tick, " ", t("quiz_right_answer"));
        label.append(mark);
      }
      const track = element("span", "pq-track");
      track.setAttribute("aria-hidden", "true");
      const fill = element("span", "pq-fill");
      const count = byId.get(choice.choiceId)?.voteCount ?? 0;
      const share = results.totalVotes > 0 ? Math.min(100, (100 * count) / results.totalVotes) : 0;
      fill.style.width = `${share}%`;
      track.append(fill);
      const value = element(
        "span",
        "pq-value",
        t("count_percent", {
          count: counted("votes", count),
          percent: percent(byId.get(choice.choiceId)?.percentage ?? 0),
        }),
      );
      row.append(shape, label, track, value);
      return row;
    }),
  );
  total.textContent = results.totalVotes
    ? counted("ballots", results.totalVotes)
    : t("no_votes_yet");
}

// A player with no nickname is "Player 3" by their place in the list: unique on screen.
const nameOf = (entry, position) => entry.nickname ?? t("pq_player", { n: number(position) });

// The top 10 as a table: rank, nickname, points.
function leaderboardPanel() {
  const section = element("section", "pq-board");
  section.id = "leaderboard";
  const table = element("table", "pq-board-table");
  const caption = element("caption", "pq-board-title", t("pq_leaderboard"));
  const head = element("thead");
  const heading = element("tr");
  for (const [key, className] of [
    ["pq_rank", "pq-rank"],
    ["pq_nickname", "pq-name"],
    ["pq_score", "pq-score"],
  ]) {
    const cell = element("th", className, t(key));
    cell.scope = "col";
    heading.append(cell);
  }
  head.append(heading);
  const body = element("tbody");
  table.append(caption, head, body);
  const empty = element("p", "pq-empty", t("pq_no_scores"));
  const players = element("p", "pq-players");
  section.append(table, empty, players);
  return {
    element: section,
    draw(answer) {
      body.replaceChildren(
        ...answer.entries.map((entry, i) => {
          const row = element("tr", "pq-entry");
          const rank = element("td", "pq-rank", number(entry.rank));
          const name = element("th", "pq-name", nameOf(entry, i + 1));
          name.scope = "row";
          if (entry.nickname === null) name.classList.add("pq-unnamed");
          row.append(rank, name, element("td", "pq-score", number(entry.score)));
          return row;
        }),
      );
      table.hidden = answer.entries.length === 0;
      empty.hidden = answer.entries.length > 0;
      players.textContent = answer.players ? counted("pq_players", answer.players) : "";
    },
  };
}

// The top 3 on steps, in rank order in the document (as a reader hears them), laid out
// 2nd, 1st, 3rd (event_present.css: the middle step the tallest).
function podiumPanel() {
  const section = element("section", "pq-podium-screen");
  section.id = "podium-screen";
  section.setAttribute("aria-labelledby", "podium-title");
  const title = element("h2", "pq-podium-title", t("pq_podium_title"));
  title.id = "podium-title";
  const steps = element("ol", "pq-podium");
  steps.id = "podium";
  const empty = element("p", "pq-empty", t("pq_no_scores"));
  section.append(title, steps, empty);
  return {
    element: section,
    draw(answer) {
      const top = answer.entries.slice(0, PODIUM);
      steps.replaceChildren(
        ...top.map((entry, i) => {
          const step = element("li", `pq-step pq-step-${i + 1}`);
          step.append(
            element("span", "pq-place", ordinal("pq_place", entry.rank)),
            element("span", "pq-name", nameOf(entry, i + 1)),
            element("span", "pq-score", t("pq_points", { n: number(entry.score) })),
          );
          return step;
        }),
      );
      empty.hidden = top.length > 0;
    },
  };
}

// The summary of an event for its host: every question with each round's results, from
// the event's JSON export (the very file "Export JSON" downloads), and images of each
// round. While the event runs, the stream says when something changed; the summary is
// then fetched again (at most once a second: answers can come in floods).
import { claimEventHost, element, send } from "./event_run.js";
import { counted, number, percent, t, time } from "./i18n.js";
import { newest, watch } from "./live.js";
import { describe } from "./question_kinds.js";
import { scriptReady } from "./ready.js";
import { mountResults } from "./results_view.js";

const REFRESH_MS = 1000;

export async function start() {
  const article = document.getElementById("event");
  const eventId = article.dataset.eventId;
  if (await claimEventHost(eventId)) return;

  const list = document.getElementById("summary-questions");
  const loading = document.getElementById("summary-loading");
  const problem = document.getElementById("summary-error");
  const lang = document.body.dataset.lang;
  let timer = null;
  let fetching = false;
  let again = false;

  async function refresh() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    try {
      const exported = await send("GET", `/api/events/${eventId}/export?format=json`);
      list.replaceChildren(...exported.questions.map(questionItem));
      const status = document.getElementById("event-status");
      status.className = `status ${exported.status}`;
      status.textContent = t(`evh_event_${exported.status}`);
      loading.hidden = true;
      problem.textContent = "";
      article.dataset.loaded = "true";
    } catch {
      problem.textContent = t("evh_summary_failed");
    } finally {
      fetching = false;
      if (again) {
        again = false;
        later();
      }
    }
  }

  const later = () => {
    if (timer === null) {
      timer = setTimeout(() => {
        timer = null;
        refresh();
      }, REFRESH_MS);
    }
  };

  function questionItem(question) {
    const item = element("li", "summary-question");
    item.dataset.questionId = question.questionId;
    const heading = element("h2", "", `${question.position}. ${question.prompt}`);
    const meta = element("p", "muted", `${describe(question)} · ${t(`evh_status_${question.status}`)}`);
    item.append(heading, meta);
    if (!question.rounds.length) {
      item.append(element("p", "muted", t("evh_never_asked")));
      return item;
    }
    for (const round of question.rounds) item.append(roundSection(question, round));
    return item;
  }

  function roundSection(question, round) {
    const section = element("section", "summary-round");
    const heading = element("h3", "", t("evh_round", { n: round.round }));
    const when = t("evh_opened_at", { time: time(round.openedAt) });
    const opened = element("span", "muted", ` · ${when}`);
    heading.append(opened);
    section.append(heading);
    if (question.type !== "single" && question.type !== "multiple") {
      // Other types draw their results as the host's screens do (results_view.js).
      const shown = element("div", "summary-results");
      mountResults(shown, { audience: "summary" }).update({ ...question, ...round });
      section.append(shown, roundImages(question, round));
      return section;
    }
    const results = round.results ?? {};
    const texts = new Map((question.choices ?? []).map((c) => [c.choiceId, c.text]));
    const table = element("table", "summary-table");
    const roundName = t("evh_round", { n: round.round });
    const caption = element("caption", "visually-hidden", `${question.prompt} — ${roundName}`);
    const head = element("thead");
    const headRow = element("tr");
    for (const label of [t("evh_choice"), t("evh_votes"), t("evh_percentage")]) {
      const cell = element("th", "", label);
      cell.scope = "col";
      headRow.append(cell);
    }
    head.append(headRow);
    const body = element("tbody");
    for (const choice of results.choices ?? []) {
      const row = element("tr");
      const name = element("th", "", texts.get(choice.choiceId) ?? choice.choiceId);
      name.scope = "row";
      row.append(
        name,
        element("td", "number", number(choice.voteCount)),
        element("td", "number", percent(choice.percentage)),
      );
      body.append(row);
    }
    table.append(caption, head, body);
    const total = element(
      "p",
      "total",
      results.totalVotes ? counted("ballots", results.totalVotes) : t("no_votes_yet"),
    );
    section.append(table, total, roundImages(question, round));
    return section;
  }

  function roundImages(question, round) {
    const images = element("p", "export");
    images.append(element("span", "label", t("evh_round_images")));
    const base = `/api/events/${eventId}/questions/${question.questionId}/export`;
    for (const [format, name] of [
      ["png", "PNG"],
      ["svg", "SVG"],
    ]) {
      const link = element("a", "button", name);
      link.href = `${base}?format=${format}&round=${round.round}&lang=${lang}`;
      link.setAttribute("download", "");
      link.setAttribute(
        "aria-label",
        t("evh_round_image_as", { format: name, n: question.position, round: round.round }),
      );
      images.append(link);
    }
    return images;
  }

  watch(eventId, {
    base: "/api/events",
    shown: newest(JSON.parse(article.dataset.view)),
    onState: later,
    onGone: () => {
      problem.textContent = t("evh_event_gone");
    },
    onConnection: () => {},
  });
  await refresh();
  scriptReady();
}

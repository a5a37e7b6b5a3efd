// The voting page: choose, vote, thanks; "already voted" (with this voter's own choices,
// which the page is given for them alone) and "closed" states, which also arrive live;
// results once this browser may see them. The host's preview (`?preview=1`, preview.js)
// is this page counting for nothing: its vote stays here.
import { ApiError, claimHostLink, postJSON } from "./api.js";
import { mountResults } from "./chart.js";
import { countdown } from "./countdown.js";
import { conjunction, t } from "./i18n.js";
import { newest, watch } from "./live.js";
import { scriptReady } from "./ready.js";

export async function start() {
  const article = document.getElementById("session");
  const sessionId = article.dataset.sessionId;
  if (await claimHostLink(sessionId)) return;

  const form = document.getElementById("vote-form");
  const button = form.querySelector('button[type="submit"]');
  const formError = document.getElementById("form-error");
  const notice = document.getElementById("notice");
  const thanks = document.getElementById("thanks");
  const resultsSection = document.getElementById("results-section");
  const resultsHidden = document.getElementById("results-hidden");
  const connection = document.getElementById("connection");
  const deadline = document.getElementById("deadline");
  const results = mountResults(document.getElementById("results"));
  // The deadline the host set, if any: its time under the question, and the countdown.
  const showCountdown = countdown(document.getElementById("countdown"), { until: deadline });

  let view = JSON.parse(article.dataset.view);
  const preview = article.dataset.preview === "true";
  // Only the host's preview needs preview.js: a voter's page neither fetches nor runs it.
  const { asVoter } = preview ? await import("./preview.js") : {};
  let voted = view.hasVoted;
  let ended = false;
  let latest = view; // the last state heard, as the stream sent it

  // The choices this browser voted for, by their ids.
  const showChoices = (ids) => {
    const texts = new Map(view.choices.map((c) => [c.choiceId, c.text]));
    document.getElementById("your-choices").textContent = conjunction(
      ids.map((id) => texts.get(id)),
    );
  };

  // `announce`: only updates are news for the live region (not the page's first drawing,
  // nor a stream's snapshot after a reconnect).
  function render(heard, announce = false) {
    latest = heard;
    // A preview's stream is the host's: cut to what a participant would see.
    const state = preview ? asVoter(heard, voted) : heard;
    view = { ...view, ...state };
    const canSee = state.totalVotes !== undefined;
    if (canSee) results.update(state, { announce });
    resultsSection.hidden = !canSee;
    const closed = state.status !== "active";
    if (closed || voted) form.hidden = true;
    resultsHidden.hidden = canSee || !form.hidden;
    if (closed) notice.textContent = t("voting_closed");
    showCountdown(ended ? { status: "gone" } : view);
  }

  const syncButton = () => {
    button.disabled = !form.querySelector("input:checked");
  };
  form.addEventListener("change", () => {
    syncButton();
    formError.textContent = "";
  });
  syncButton(); // a choice made while this script was still loading counts too

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const picked = [...form.querySelectorAll("input:checked")];
    if (!picked.length) return;
    if (preview) {
      voted = true; // the form's own check is the only one: nothing is sent
      form.hidden = true;
      showChoices(picked.map((input) => input.value));
      thanks.hidden = false;
      thanks.focus();
      render(latest);
      return;
    }
    const label = button.textContent;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = t("voting");
    try {
      await postJSON(`/api/vote/${sessionId}`, { choiceIds: picked.map((i) => i.value) });
      voted = true;
      form.hidden = true;
      showChoices(picked.map((input) => input.value));
      thanks.hidden = false;
      thanks.focus();
      live.reopen(); // the voter cookie is set now: the new stream may carry the counts
    } catch (error) {
      button.removeAttribute("aria-busy");
      button.textContent = label;
      if (error instanceof ApiError && error.code === "already_voted") {
        voted = true;
        form.hidden = true;
        notice.textContent = t("already_voted");
        live.reopen();
      } else if (error instanceof ApiError && error.code === "closed") {
        render({ status: "closed" });
      } else if (error instanceof ApiError && error.code === "not_found") {
        gone();
      } else {
        formError.textContent = error.message;
        button.disabled = false;
      }
    }
  });

  function gone() {
    ended = true;
    form.hidden = true;
    thanks.hidden = true;
    showCountdown({ status: "gone" });
    notice.textContent = t("session_ended");
  }

  const live = watch(sessionId, {
    shown: newest(view),
    onState: (state, kind) => render(state, kind !== "snapshot"),
    onGone: gone,
    onConnection: (ok) => {
      connection.hidden = ok || ended;
    },
  });
  if (view.myChoiceIds) {
    // Voted before this page was loaded: the server tells this voter what they chose.
    showChoices(view.myChoiceIds);
    thanks.hidden = false;
  }
  render(view);
  scriptReady();
}

// The voting page: choose, vote, thanks; "already voted" and "closed" states, which also
// arrive live; results once this browser may see them.
import { ApiError, claimHostLink, postJSON } from "./api.js";
import { mountResults } from "./chart.js";
import { countdown } from "./countdown.js";
import { conjunction, t, time } from "./i18n.js";
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
  const showCountdown = countdown(document.getElementById("countdown"));

  let view = JSON.parse(article.dataset.view);
  let voted = view.hasVoted;
  let ended = false;

  const showDeadline = () => {
    const open = view.status === "active" && !ended;
    deadline.textContent = open ? t("open_until", { time: time(view.expiresAt) }) : "";
  };

  // `announce`: only updates are news for the live region (not the page's first drawing,
  // nor a stream's snapshot after a reconnect).
  function render(state, announce = false) {
    view = { ...view, ...state };
    const canSee = state.totalVotes !== undefined;
    if (canSee) results.update(state, { announce });
    resultsSection.hidden = !canSee;
    const closed = state.status !== "active";
    if (closed || voted) form.hidden = true;
    resultsHidden.hidden = canSee || !form.hidden;
    if (closed) notice.textContent = t("voting_closed");
    showDeadline();
    showCountdown(view);
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
    const label = button.textContent;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = t("voting");
    try {
      await postJSON(`/api/vote/${sessionId}`, { choiceIds: picked.map((i) => i.value) });
      voted = true;
      form.hidden = true;
      document.getElementById("your-choices").textContent = conjunction(
        picked.map((input) => input.nextElementSibling.textContent),
      );
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
    deadline.textContent = "";
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
  render(view);
  scriptReady();
}

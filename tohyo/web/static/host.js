// The host view: the live chart (bars or pie), the QR code and link, closing with a
// confirmation, exports, and a presenter mode for the projector.
import { ApiError, claimHostLink, postJSON } from "./api.js";
import { mountResults } from "./chart.js";
import { t } from "./i18n.js";
import { watch } from "./live.js";

const KIND_KEY = "tohyo.chart";

export async function start() {
  const article = document.getElementById("session");
  const sessionId = article.dataset.sessionId;
  if (await claimHostLink(sessionId)) return;

  const results = mountResults(document.getElementById("results"));
  const status = document.getElementById("status");
  const closeButton = document.getElementById("close-voting");
  const dialog = document.getElementById("close-dialog");
  const connection = document.getElementById("connection");

  function render(state) {
    results.update(state);
    status.className = `status ${state.status}`;
    status.textContent = t(`status_${state.status}`);
    closeButton.hidden = state.status !== "active";
  }

  // Chart kind: a radio pair, remembered in this browser.
  const saved = localStorage.getItem(KIND_KEY);
  for (const radio of document.querySelectorAll('input[name="chart"]')) {
    if (radio.value === saved) radio.checked = true;
    radio.addEventListener("change", () => {
      results.setKind(radio.value);
      localStorage.setItem(KIND_KEY, radio.value);
    });
  }
  results.setKind(document.querySelector('input[name="chart"]:checked').value);

  // Closing, after a confirmation in a modal dialog (Escape or Cancel keeps voting open).
  closeButton.addEventListener("click", () => {
    document.getElementById("close-error").textContent = "";
    dialog.showModal();
  });
  document.getElementById("confirm-close").addEventListener("click", async (event) => {
    event.preventDefault();
    const confirm = event.currentTarget;
    confirm.disabled = true;
    confirm.textContent = t("closing");
    try {
      await postJSON(`/api/vote/${sessionId}/close`);
      dialog.close();
      render({ ...lastState, status: "closed" });
      document.getElementById("present").focus();
    } catch (error) {
      document.getElementById("close-error").textContent =
        error instanceof ApiError ? error.message : t("error_other");
    } finally {
      confirm.disabled = false;
      confirm.textContent = t("close_voting");
    }
  });

  // Presenter mode: fullscreen where the browser allows it, large type, high contrast.
  const present = document.getElementById("present");
  const setPresenting = (on) => {
    document.body.classList.toggle("presenter", on);
    present.setAttribute("aria-pressed", String(on));
    present.textContent = on ? t("exit_present") : t("present");
  };
  present.addEventListener("click", async () => {
    const on = !document.body.classList.contains("presenter");
    setPresenting(on);
    try {
      if (on && document.documentElement.requestFullscreen) {
        await document.documentElement.requestFullscreen();
      } else if (!on && document.fullscreenElement) {
        await document.exitFullscreen();
      }
    } catch {
      // Fullscreen refused (an iframe, a policy): presenter styling alone still helps.
    }
  });
  document.addEventListener("fullscreenchange", () => {
    if (!document.fullscreenElement) setPresenting(false);
  });

  // Copy the voting link.
  const copy = document.getElementById("copy-link");
  copy.addEventListener("click", async () => {
    const url = document.getElementById("vote-url").href;
    try {
      await navigator.clipboard.writeText(url);
      copy.textContent = t("copied");
      setTimeout(() => (copy.textContent = t("copy_link")), 2000);
    } catch {
      getSelection().selectAllChildren(document.getElementById("vote-url"));
    }
  });

  let lastState = JSON.parse(article.dataset.view);
  results.update(lastState, { quiet: true });
  watch(sessionId, {
    onState: (state) => {
      lastState = state;
      render(state);
    },
    onGone: () => {
      status.textContent = t("session_ended");
      closeButton.hidden = true;
    },
    onConnection: (ok) => {
      connection.hidden = ok;
    },
  });
}

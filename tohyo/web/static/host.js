// The host view: the live chart (bars or pie), the QR code and link, closing with a
// confirmation, exports, and a presenter mode for the projector. In presenter mode the
// key C closes voting (after the same confirmation), as in an event's presenter mode,
// so a host in full screen never has to leave it in front of the room.
import { ApiError, claimHostLink, postJSON } from "./api.js";
import { mountResults } from "./chart.js";
import { countdown } from "./countdown.js";
import { t } from "./i18n.js";
import { newest, watch } from "./live.js";
import { scriptReady } from "./ready.js";

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
  const showCountdown = countdown(document.getElementById("countdown"));
  const timing = document.querySelector(".timing");
  const addMinute = document.getElementById("add-minute");

  function render(state, announce = false) {
    results.update(state, { announce });
    status.className = `status ${state.status}`;
    status.textContent = t(`status_${state.status}`);
    closeButton.hidden = state.status !== "active";
    article.classList.toggle("is-closed", state.status !== "active");
    timing.hidden = state.status !== "active";
    addMinute.hidden = !state.closesAt;
    showCountdown(state);
    visibility.value = state.resultsVisibility;
  }

  // Host settings: who sees the results, and the deadline (viewers follow at once).
  const visibility = document.getElementById("visibility");
  const settings = async (body) => {
    try {
      const state = await postJSON(`/api/vote/${sessionId}/settings`, body);
      if (!shown.take(state)) return; // the stream has brought a newer state already
      lastState = state;
      render(state);
    } catch (error) {
      connection.hidden = false;
      connection.textContent = error instanceof ApiError ? error.message : t("error_other");
    }
  };
  visibility.addEventListener("change", () => settings({ resultsVisibility: visibility.value }));
  document.getElementById("close-in-minute").addEventListener("click", () => {
    settings({ durationSeconds: 60 });
  });
  addMinute.addEventListener("click", () => {
    const base = Math.max(Date.parse(lastState.closesAt), Date.now());
    settings({ closesAt: new Date(base + 60_000).toISOString() });
  });

  // Chart kind: a radio pair, remembered in this browser. The radios work before this
  // script has arrived: a pick made then wins over the remembered one.
  const radios = [...document.querySelectorAll('input[name="chart"]')];
  const early = radios.find((radio) => radio.checked && !radio.defaultChecked);
  if (early) localStorage.setItem(KIND_KEY, early.value);
  const saved = localStorage.getItem(KIND_KEY);
  for (const radio of radios) {
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
    if (on) closeButton.setAttribute("aria-keyshortcuts", "C");
    else closeButton.removeAttribute("aria-keyshortcuts");
    if (on) scrollTo(0, 0);
  };
  document.addEventListener("keydown", (event) => {
    if (!document.body.classList.contains("presenter") || dialog.open) return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
    if (event.target.closest?.("input:not([type=radio]), select, textarea")) return;
    if (event.key.toLowerCase() !== "c" || closeButton.hidden || closeButton.disabled) return;
    event.preventDefault();
    closeButton.click();
  });
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

  // Copy the voting link, and the host link when this browser created the vote (the
  // create page kept it: the server stores only a hash of the token).
  copyButton(document.getElementById("copy-link"), "copy_link", () => {
    return document.getElementById("vote-url").href;
  });
  const hostUrl = localStorage.getItem(`tohyo.hostUrl.${sessionId}`);
  if (hostUrl) {
    document.getElementById("host-link").hidden = false;
    copyButton(document.getElementById("copy-host-link"), "copy_host_link", () => hostUrl);
  }

  let lastState = JSON.parse(article.dataset.view);
  const shown = newest(lastState);
  render(lastState);
  watch(sessionId, {
    shown,
    onState: (state, kind) => {
      lastState = state;
      render(state, kind !== "snapshot");
    },
    onGone: () => {
      status.textContent = t("session_ended");
      closeButton.hidden = true;
    },
    onConnection: (ok) => {
      connection.hidden = ok;
    },
  });
  scriptReady();
}

function copyButton(button, labelKey, value) {
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(value());
      button.textContent = t("copied");
      setTimeout(() => (button.textContent = t(labelKey)), 2000);
    } catch {
      // No clipboard (an insecure context): the link is on the page to copy by hand.
    }
  });
}

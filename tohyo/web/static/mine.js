// "My events" (/mine): the events and polls this browser created (hosted.js), each with
// its host link, how it stands now (asked of the API), and a way to drop it from the list.
import { forget, hosted, keepOlder } from "./hosted.js";
import { t, time } from "./i18n.js";
import { scriptReady } from "./ready.js";

// Polls created before this list kept their host link under a key of their own. They
// are adopted once (then a poll removed from the list stays removed).
const OLDER_POLL = /^tohyo\.hostUrl\.([0-9a-f-]{36})$/;
const ADOPTED = "tohyo.mine.adopted";

export function start() {
  const list = document.getElementById("mine-list");
  const empty = document.getElementById("mine-empty");
  adoptOlderPolls();
  const entries = hosted();
  for (const entry of entries) list.append(item(entry));
  empty.hidden = entries.length > 0;
  scriptReady();

  function item(entry) {
    const row = document.getElementById("mine-item-template").content.firstElementChild.cloneNode(true);
    const part = (selector) => row.querySelector(selector);
    const hostUrl = new URL(entry.hostUrl, location.href).href;
    part(".mine-title").textContent = entry.title || t("ev_untitled");
    part(".mine-kind").textContent = t(entry.kind === "event" ? "ev_kind_event" : "ev_kind_poll");
    part(".mine-created").textContent = entry.createdAt
      ? t("ev_created", { time: time(entry.createdAt) })
      : "";
    part(".mine-link-input").value = hostUrl;
    part(".mine-open").href = hostUrl;
    const forgetButton = part(".mine-forget");
    const confirm = part(".mine-confirm");
    forgetButton.addEventListener("click", () => {
      confirm.hidden = false;
      part(".mine-forget-no").focus();
    });
    part(".mine-forget-no").addEventListener("click", () => {
      confirm.hidden = true;
      forgetButton.focus();
    });
    part(".mine-forget-yes").addEventListener("click", () => {
      forget(entry.kind, entry.id);
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      empty.hidden = list.children.length > 0;
      (next ? next.querySelector(".mine-forget") : document.querySelector("h1")).focus?.();
    });
    standing(entry, part(".mine-state"), part(".mine-title"));
    return row;
  }
}

function adoptOlderPolls() {
  try {
    if (localStorage.getItem(ADOPTED)) return;
    for (let i = 0; i < localStorage.length; i++) {
      const match = OLDER_POLL.exec(localStorage.key(i) || "");
      if (match) {
        const hostUrl = localStorage.getItem(match[0]);
        if (hostUrl) keepOlder({ kind: "poll", id: match[1], title: "", createdAt: null, hostUrl });
      }
    }
    localStorage.setItem(ADOPTED, "1");
  } catch {
    // No storage: nothing to adopt.
  }
}

// How an entry stands: live or ended, open or closed, or gone (expired and deleted).
async function standing(entry, state, title) {
  const path = entry.kind === "event" ? `/api/events/${entry.id}` : `/api/vote/${entry.id}`;
  let response;
  try {
    response = await fetch(path, { credentials: "same-origin" });
  } catch {
    return; // offline: the list is still useful
  }
  if (response.status === 404) {
    state.textContent = t("ev_state_gone");
    return;
  }
  if (!response.ok) return;
  const found = await response.json().catch(() => null);
  if (!found) return;
  if (!entry.title) title.textContent = found.title || found.question || t("ev_untitled");
  const key = {
    live: "ev_state_live",
    ended: "ev_state_ended",
    active: "status_active",
    closed: "status_closed",
  }[found.status];
  if (key) state.textContent = t(key);
}

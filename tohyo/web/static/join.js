// "Join with a code" on `/`: the code as typed ("123 456", "123-456", full-width digits:
// the server normalises it), looked up, then on to the event.
import { ApiError } from "./api.js";
import { t } from "./i18n.js";

export function attachJoin() {
  const form = document.getElementById("join-form");
  if (!form) return;
  const input = document.getElementById("join-code");
  const error = document.getElementById("join-error");
  const button = form.querySelector('button[type="submit"]');

  const show = (message) => {
    error.textContent = message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  };
  input.addEventListener("input", () => show(""));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = input.value.trim();
    // Only an empty field is refused here: which separators and digit forms a code may
    // have is the server's to say (tohyo/storage/events.py normalize_code).
    if (!code) {
      show(t("ev_join_empty"));
      input.focus();
      return;
    }
    const label = button.textContent;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = t("ev_joining");
    try {
      const found = await lookUp(code);
      location.assign(found.joinUrl);
      return; // leaving: the button stays busy
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) show(t("ev_join_unknown"));
      else if (failure instanceof ApiError && failure.status === 429) show(t("ev_error_busy"));
      else show(failure instanceof ApiError ? failure.message : t("error_other"));
      input.focus();
    }
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = label;
  });
}

async function lookUp(code) {
  let response;
  try {
    response = await fetch(`/api/join/${encodeURIComponent(code)}`, { credentials: "same-origin" });
  } catch {
    throw new ApiError(0, { code: "network" });
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

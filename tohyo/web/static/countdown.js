// A countdown to a session's deadline (closesAt), redrawn every second. The server closes
// the session at the deadline and says so over the stream; this only shows the time.
import { t } from "./i18n.js";

export function countdown(element) {
  let timer = null;
  let deadline = null;

  const draw = () => {
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    element.textContent = t("closes_in", { time: `${minutes}:${seconds}` });
    if (left === 0) stop();
  };
  const stop = () => {
    clearInterval(timer);
    timer = null;
  };

  // Show the deadline of `state` (hidden when there is none or voting is closed).
  return function show(state) {
    const next = state.status === "active" && state.closesAt ? Date.parse(state.closesAt) : null;
    element.hidden = next === null;
    if (next === deadline) return;
    deadline = next;
    stop();
    if (next !== null) {
      draw();
      timer = setInterval(draw, 1000);
    }
  };
}

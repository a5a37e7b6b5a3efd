// A countdown to a deadline (closesAt), redrawn every second, and the deadline itself as a
// line of text ("Open until 14:05"). The server closes the question or poll at the
// deadline and says so over the stream; this only shows the time. Both come from the same
// closesAt, so the line and the countdown always agree; without a deadline both are
// empty: a session's expiry (a day away) is no deadline anyone is held to.
import { deadline as deadlineTime, t } from "./i18n.js";

// `element`: the "Closes in 1:58" timer. `until` (optional): the line that names the
// deadline, with `untilKey` its string (a poll's "you can vote until", an event's "answer").
export function countdown(element, { until = null, untilKey = "open_until" } = {}) {
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
    if (until) until.textContent = next === null ? "" : t(untilKey, { time: deadlineTime(next) });
    if (next === deadline) return;
    deadline = next;
    stop();
    if (next !== null) {
      draw();
      timer = setInterval(draw, 1000);
    }
  };
}

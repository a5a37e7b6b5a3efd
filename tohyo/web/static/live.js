// The session's live state over Server-Sent Events, reconnecting by itself.
//
// EventSource retries on its own after a dropped connection, but gives up for good when
// a reconnect is answered with an error status (a restarting server, a 503). Then this
// asks the API whether the session still exists and opens a new stream with back-off.
// Every event is the whole state, so nothing can be missed or applied twice.
export function watch(sessionId, { onState, onGone, onConnection }) {
  let source = null;
  let delay = 1000;
  let timer = null;
  let stopped = false;

  const open = () => {
    source = new EventSource(`/api/vote/${sessionId}/stream`);
    const handle = (event) => {
      delay = 1000;
      onConnection(true);
      onState(JSON.parse(event.data), event.type);
    };
    for (const kind of ["snapshot", "update", "closed"]) source.addEventListener(kind, handle);
    source.addEventListener("expired", () => {
      stop();
      onGone("expired");
    });
    source.onopen = () => onConnection(true);
    source.onerror = () => {
      onConnection(false);
      if (source.readyState === EventSource.CLOSED && !stopped) retryLater();
    };
  };

  const retryLater = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const response = await fetch(`/api/vote/${sessionId}`).catch(() => null);
      if (response && response.status === 404) {
        stop();
        onGone("not_found");
        return;
      }
      delay = Math.min(delay * 2, 15000);
      if (!stopped) open();
    }, delay);
  };

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    if (source) source.close();
  };

  open();
  return {
    // A new stream: after voting, the same browser may see what it could not before.
    reopen() {
      if (source) source.close();
      stopped = false;
      open();
    },
    stop,
  };
}

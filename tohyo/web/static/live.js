// The session's live state over Server-Sent Events, reconnecting by itself.
//
// EventSource retries on its own after a dropped connection, but gives up for good when
// a reconnect is answered with an error status (a restarting server, a 503). Then this
// asks the API whether the session still exists and opens a new stream with back-off.
// Every event is the whole state, so nothing can be missed or applied twice; `shown`
// (newest() below) drops a state older than the one the page shows. `base`: the API
// path of the object watched, "/api/vote" for polls, "/api/events" for events.
// `onPresence({connected})`: how many phones are connected, which an event's stream tells
// its host every few seconds while it changes (never a state: `shown` has no part in it).
// `frames`: {name: handler(data)} for the stream's frames of other kinds (an event's `qa`),
// which carry versions of their own, so `shown` has no part in them either.
export function watch(
  sessionId,
  { shown, onState, onGone, onConnection, onPresence, frames = {}, base = "/api/vote" },
) {
  let source = null;
  let delay = 1000;
  let timer = null;
  let stopped = false;

  const open = () => {
    source = new EventSource(`${base}/${sessionId}/stream`);
    // Whether this connection has had a state shown: from then on its frames come in the
    // server's order. (EventSource reconnects by itself: each open is a new connection.)
    let following = false;
    const handle = (event) => {
      delay = 1000;
      onConnection(true);
      const state = JSON.parse(event.data);
      if (!shown.take(state, following)) return; // older than the page shows
      following = true;
      onState(state, event.type);
    };
    for (const kind of ["snapshot", "update", "closed"]) source.addEventListener(kind, handle);
    if (onPresence) {
      source.addEventListener("presence", (event) => onPresence(JSON.parse(event.data)));
    }
    for (const [kind, handler] of Object.entries(frames)) {
      source.addEventListener(kind, (event) => handler(JSON.parse(event.data)));
    }
    source.addEventListener("expired", () => {
      stop();
      onGone("expired");
    });
    source.onopen = () => {
      following = false;
      onConnection(true);
    };
    source.onerror = () => {
      onConnection(false);
      if (source.readyState === EventSource.CLOSED && !stopped) retryLater();
    };
  };

  const retryLater = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const response = await fetch(`${base}/${sessionId}`).catch(() => null);
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

// The newest state a page has shown, by its version. States reach a page by several paths
// (the page itself, each stream connection, the answers to the page's own requests) and
// one can overtake another: a settings answer drawn after a newer vote had arrived on the
// stream turned the chart back. Hidden audiences get no version (it would count the
// ballots), and an event's participants never do (it counts every round's answers): their
// states have nothing to compare and are shown as they come, and they come only from the
// stream, in order.
export function newest(initial) {
  let version = initial.version;
  return {
    // Whether `state` is to be shown; if so, it is the newest from now on. `inOrder`: it
    // follows a state shown from the same stream connection, whose frames the server
    // sends in order — a lower version there is the server resetting its viewers after
    // storage lost changes (Feed.reset, tohyo/feed/feed.py), and is shown. A new
    // connection's snapshot cannot say that, so it is shown only if not older.
    take(state, inOrder = false) {
      if (state.version === undefined) return true;
      if (!inOrder && version !== undefined && state.version < version) return false;
      version = state.version;
      return true;
    },
  };
}

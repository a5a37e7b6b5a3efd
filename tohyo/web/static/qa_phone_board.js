// Audience Q&A on the phone, its state: the newest board of shown questions, and what only
// this phone knows — its own questions not on that board (waiting for the host's approval,
// or asked a moment ago), which questions are its own, which it upvoted.
//
// Boards come from the stream's `qa` frames and from GET …/qa, each with the Q&A's
// `version`: an older one than the board held is dropped. Frames carry the shown questions
// only, never a phone's own pending ones nor its upvote marks; GET …/qa carries those for
// this phone alone (`mine`, `upvoted`), and the POSTs' replies tell the rest.
//
// An own question leaves `own` once a board shows it (approved), or once a GET made after
// it was asked no longer lists it (the host hid it: hidden questions are never shown to
// their author).
//
// The order of the list: the pinned question first (being answered now), then this
// phone's own questions still off the board (so the one just sent is in view), then those
// still open, then the answered ones; each group by upvotes (most first, then the oldest
// first: "Popular") or by the newest first ("Newest"). Entry ids are "a1", "a2", … in the
// order asked, so their numbers say which is older.
export const SHOWN = new Set(["approved", "answered"]);

const number = (entryId) => Number(entryId.slice(1));
const ORDERS = {
  popular: (a, b) => b.count - a.count || number(a.entry.entryId) - number(b.entry.entryId),
  newest: (a, b) => number(b.entry.entryId) - number(a.entry.entryId),
};

export function makeBoard() {
  let version = -1; // none yet
  let pinned = null;
  let shown = new Map(); // entryId → entry, as the newest board has it
  const own = new Map(); // entryId → {entry, asked: how many GETs had gone out before it came}
  const mine = new Set();
  const upvoted = new Set();
  // This phone's upvotes' effect on a count, until a board newer than their reply comes:
  // entryId → the count to show (optimistic while the request is out, then the reply's).
  const counts = new Map();
  const busy = new Set(); // upvotes being sent
  let gets = 0;

  function take(board) {
    if (board.version < version) return false;
    version = board.version;
    shown = new Map(
      board.entries.filter((e) => SHOWN.has(e.status)).map((entry) => [entry.entryId, entry]),
    );
    pinned = board.pinned && shown.has(board.pinned) ? board.pinned : null;
    for (const id of own.keys()) if (shown.has(id)) own.delete(id);
    for (const id of counts.keys()) if (!busy.has(id)) counts.delete(id);
    return true;
  }

  return {
    take,
    get version() {
      return version;
    },
    // A GET …/qa is going out: its reply is checked against what was asked before it.
    getting() {
      return ++gets;
    },
    // GET …/qa's reply (`sent`: what getting() returned): the board, this phone's own
    // questions and its upvotes as the server has them.
    got(view, sent) {
      take(view);
      const waiting = new Set();
      for (const entry of view.entries) {
        if (entry.mine) mine.add(entry.entryId);
        if (entry.mine && entry.status === "pending") {
          waiting.add(entry.entryId);
          own.set(entry.entryId, { entry, asked: sent });
        }
        if (busy.has(entry.entryId)) continue; // the upvote's reply says
        if (entry.upvoted) upvoted.add(entry.entryId);
        else upvoted.delete(entry.entryId);
      }
      for (const [id, { asked }] of own) {
        // Asked before this GET went out, and neither shown nor waiting: hidden.
        if (asked < sent && !waiting.has(id) && !shown.has(id)) own.delete(id);
      }
    },
    // The POST's reply: this phone's new question, pending or shown at once.
    asked(entry) {
      mine.add(entry.entryId);
      if (!shown.has(entry.entryId)) own.set(entry.entryId, { entry, asked: gets });
    },
    // Own questions no board shows yet (a GET tells which the host hid).
    unseen: () => own.size,
    mine: (id) => mine.has(id),
    upvoted: (id) => upvoted.has(id),
    busy: (id) => busy.has(id),
    count(id) {
      return counts.get(id) ?? shown.get(id)?.upvotes ?? own.get(id)?.entry.upvotes ?? 0;
    },
    // An upvote (or its taking back) going out: shown at once.
    voting(id, up) {
      const before = this.count(id);
      busy.add(id);
      if (up) upvoted.add(id);
      else upvoted.delete(id);
      counts.set(id, Math.max(0, before + (up ? 1 : -1)));
    },
    // Its outcome: the server's count and mark, or (`count` null) the mark alone, or
    // (`up` null) back as it was before.
    voted(id, up, count, before) {
      busy.delete(id);
      if (up === null) {
        if (before) upvoted.add(id);
        else upvoted.delete(id);
        counts.delete(id);
        return;
      }
      if (up) upvoted.add(id);
      else upvoted.delete(id);
      if (count === null) counts.delete(id);
      else counts.set(id, count);
    },
    // The list as shown: [{entry, count, pinned, pending, mine, upvoted}] in order.
    listed(sort) {
      const row = (entry) => ({
        entry,
        count: this.count(entry.entryId),
        pinned: entry.entryId === pinned,
        pending: !shown.has(entry.entryId) && entry.status === "pending",
        mine: mine.has(entry.entryId),
        upvoted: upvoted.has(entry.entryId),
      });
      const order = ORDERS[sort] ?? ORDERS.popular;
      const first = pinned ? [row(shown.get(pinned))] : [];
      const ours = [...own.values()].map(({ entry }) => row(entry)).sort(ORDERS.newest);
      const rest = [...shown.values()].filter((e) => e.entryId !== pinned).map(row);
      const open = rest.filter((r) => r.entry.status !== "answered").sort(order);
      const done = rest.filter((r) => r.entry.status === "answered").sort(order);
      return [...first, ...ours, ...open, ...done];
    },
  };
}

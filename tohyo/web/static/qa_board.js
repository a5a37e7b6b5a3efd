// An event's audience Q&A as the host's pages hold it (the console's panel, qa_console.js;
// presenter mode's wall, qa_wall.js): every entry, pending and hidden too, as the host's
// stream carries them in its `qa` frames. A frame says the whole board, with a `version`
// that moves with every change (a question asked, an upvote, a moderation), so one no newer
// than the board shown is dropped and none can be applied twice.
//
// The stream sends its first frame as it opens while Q&A is on; Q&A turned on later is
// found by the server's next poll. So the board is read once from GET …/qa whenever the
// event's Q&A goes on: the page never waits on that poll to show the questions.
import { getJSON } from "./api.js";

export const SHOWN = new Set(["approved", "answered"]); // what everyone sees

export function followQa(eventId, onChange) {
  let board = null;
  let on = false;
  let asking = 0;

  function take(next) {
    if (!next || !Array.isArray(next.entries)) return;
    // Older than the board shown, or the same (every change moves the version): dropped.
    if (board !== null && next.version <= board.version) return;
    board = next;
    onChange(board);
  }

  async function read() {
    const asked = ++asking;
    try {
      const answer = await getJSON(`/api/events/${eventId}/qa`);
      if (asked === asking) take(answer);
    } catch {
      // The stream's frames bring the board anyway; this read only saves waiting.
    }
  }

  return {
    take,
    // After every state of the event: Q&A going on reads the board.
    sync(state) {
      const now = Boolean(state.qa);
      if (now && !on) read();
      on = now;
    },
    board: () => board,
  };
}

// Entry ids are "a1", "a2", … in the order asked: the tie-break of every order here.
export const entryNumber = (entry) => Number(entry.entryId.slice(1));

// Most upvoted first; equal ones in the order asked (as the server picks its top ones).
export function popular(entries) {
  return [...entries].sort((a, b) => b.upvotes - a.upvotes || entryNumber(a) - entryNumber(b));
}

export function newest(entries) {
  return [...entries].sort((a, b) => entryNumber(b) - entryNumber(a));
}

// A question's opening words, to name it in a button's label or an announcement.
export function excerpt(text) {
  const chars = [...text.replace(/\s+/g, " ")];
  return chars.length > 40 ? `${chars.slice(0, 39).join("")}…` : chars.join("");
}

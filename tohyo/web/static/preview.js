// The host's preview of a participant's page (`?preview=1` on /vote/{id} and /e/{id}):
// what a participant sees, answers and all, counting for nothing. An answer is checked
// here as the page checks any (the control's own rules) and kept in the page: nothing is
// sent, so no tally moves and no ballot is taken. The page's stream is the host's own
// (the host's streams count no participant), so its frames carry what the host sees:
// they are cut here to what a participant would.

// Whether a participant would see results under `visibility` ("always", "after_vote",
// "after_close", "host"): the server's rule (can_see_counts, can_see_results).
function sees(visibility, { answered, closed }) {
  if (visibility === "always") return true;
  if (visibility === "after_vote") return answered;
  if (visibility === "after_close") return closed;
  return false;
}

// A poll's state as a participant sees it: the counts only where they would.
export function asVoter(state, voted) {
  const closed = state.status !== "active";
  if (sees(state.resultsVisibility, { answered: voted, closed })) return state;
  const { totalVotes, version, ...rest } = state;
  return { ...rest, choices: state.choices.map(({ choiceId, text }) => ({ choiceId, text })) };
}

// An event as a participant's phone gets it: no drafts, each question at its place among
// those participants see (a host's frame counts the drafts too).
export function asPhone(event) {
  const questions = event.questions
    .filter((q) => q.status !== "draft")
    .map((q, i) => ({ ...q, position: i + 1 }));
  return { ...event, questions };
}

// One question's results as a participant sees them (`answered`: in this preview), or
// none: without the entries the host hid or has not approved yet.
export function participantResults(question, answered) {
  const closed = question.status === "closed";
  if (!question.results || !sees(question.resultsVisibility, { answered, closed })) return null;
  const shown = {};
  for (const [name, value] of Object.entries(question.results)) {
    if (name === "pending") continue; // the host's count of cards waiting for approval
    shown[name] = Array.isArray(value)
      ? value.filter((entry) => !(entry && (entry.hidden || entry.pending)))
      : value;
  }
  return shown;
}

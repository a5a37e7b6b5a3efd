// Presenter mode's Q&A wall (templates/_qa_host.html qa_wall), shown instead of the stage
// while the presenter asks for it (Q, or the Q&A button: event_present.js): the question
// being answered now, big, with its upvotes and who asked, and the most upvoted of the
// others below it, live from the host's stream (qa_board.js).
//
// That stream carries every entry, pending and hidden too: the wall shows only what the
// room may see (approved; answered ones are done and leave it). Nothing scrolls: the
// pinned question takes the largest type that fits 70% of the wall whole (280 characters
// still do at 1024×768), and the list shows the questions that fit under it, each at most
// two lines. Its text is set as text, never markup.
import { element } from "./event_run.js";
import { counted, t } from "./i18n.js";
import { excerpt, followQa, popular } from "./qa_board.js";
import { setText } from "./results_parts.js";

const TOP = 8; // at most, under the one being answered (fewer when they do not fit)
const SIZES = 5; // the pinned question's type sizes (qa_host.css .qaw-pinned[data-size])
const PINNED_SHARE = 0.7; // of the wall's height, at most

export function mountQaWall(root, { eventId }) {
  const $ = (id) => document.getElementById(id);
  const now = $("qa-wall-now");
  const pinnedText = $("qa-wall-pinned");
  const pinnedMeta = $("qa-wall-pinned-meta");
  const list = $("qa-wall-list");
  const empty = $("qa-wall-empty");
  const announce = $("qa-wall-announce");
  const follower = followQa(eventId, () => draw());
  let shown = false;
  let said = null; // the pinned question last announced
  let fitting = false;
  let drawn = null; // the board's version last drawn: a state of the event redraws nothing

  function draw() {
    const board = follower.board();
    if (!shown || !board || board.version === drawn) return;
    drawn = board.version;
    const entries = board.entries.filter((e) => e.status === "approved");
    const pinned = board.entries.find(
      (e) => e.entryId === board.pinned && (e.status === "approved" || e.status === "answered"),
    );
    now.hidden = !pinned;
    if (pinned) {
      setText(pinnedText, pinned.text);
      setText(pinnedMeta, metaLine(pinned));
    }
    if ((pinned?.entryId ?? null) !== said) {
      said = pinned?.entryId ?? null;
      announce.textContent = pinned ? t("qah_wall_announce", { text: excerpt(pinned.text) }) : "";
    }
    const top = popular(entries.filter((e) => e !== pinned)).slice(0, TOP);
    list.replaceChildren(
      ...top.map((entry) => {
        const li = element("li", "qaw-entry");
        li.dataset.entryId = entry.entryId;
        const votes = element("span", "qaw-votes");
        const arrow = element("span", "qaw-arrow", "▲");
        arrow.setAttribute("aria-hidden", "true");
        const count = counted("qah_upvotes", entry.upvotes);
        votes.append(arrow, element("span", "qaw-votes-n", count));
        const body = element("span", "qaw-body");
        body.append(element("span", "qaw-text", entry.text), element("span", "qaw-who", who(entry)));
        li.append(votes, body);
        return li;
      }),
    );
    empty.hidden = Boolean(pinned) || top.length > 0;
    delete root.dataset.fitted;
    if (!fitting) {
      fitting = true; // once a frame, however many frames came in it
      requestAnimationFrame(() => {
        fitting = false;
        fit();
      });
    }
  }

  // The largest type that shows the pinned question whole, then the list's questions that
  // fit whole under it (the rest wait: the most upvoted come first).
  function fit() {
    if (root.hidden) return;
    if (!now.hidden) {
      const budget = root.clientHeight * PINNED_SHARE;
      for (let size = 1; size <= SIZES; size++) {
        pinnedText.dataset.size = String(size);
        if (now.scrollHeight <= budget) break;
      }
    }
    const items = [...list.children];
    for (const item of items) item.hidden = false;
    const bottom = list.getBoundingClientRect().bottom;
    let full = false;
    for (const item of items) {
      full ||= item.getBoundingClientRect().bottom > bottom + 0.5;
      item.hidden = full;
    }
    root.dataset.fitted = `${innerWidth}x${innerHeight}`; // for tests: laid out for this size
  }
  window.addEventListener("resize", () => fit());

  return {
    take: follower.take,
    // After every state of the event: `wanted`, whether the presenter asks for the wall.
    // Returns whether it shows (only while the event's Q&A is on).
    update(state, wanted) {
      follower.sync(state);
      shown = wanted && Boolean(state.qa);
      root.hidden = !shown;
      if (!shown) {
        said = null; // shown again: the question being answered is said again
        drawn = null;
      }
      draw();
      return shown;
    },
  };
}

const who = (entry) => entry.nickname ?? t("qah_anonymous");

function metaLine(entry) {
  return t("qah_wall_meta", { upvotes: counted("qah_upvotes", entry.upvotes), who: who(entry) });
}

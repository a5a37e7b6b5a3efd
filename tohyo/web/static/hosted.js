// What this browser created, for "My events" (/mine): every event and poll, with its
// host link, newest first. The server keeps only a hash of a host token, so this list is
// the one place a host link survives a closed tab. localStorage may be full or refused
// (private modes): then nothing is kept, and creating still works.
const KEY = "tohyo.mine";
const MOST = 200; // entries kept; the oldest go first

// An entry: {kind: "event" | "poll", id, title, createdAt (ISO), hostUrl, joinUrl}.
export function hosted() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(list) ? list.filter((e) => e && e.id && e.hostUrl) : [];
  } catch {
    return [];
  }
}

export function remember(entry) {
  const others = hosted().filter((e) => !(e.kind === entry.kind && e.id === entry.id));
  save([entry, ...others]);
}

// An entry found from before this list (a poll's host link kept under its own key):
// listed after the rest, as the oldest.
export function keepOlder(entry) {
  const list = hosted();
  if (!list.some((e) => e.kind === entry.kind && e.id === entry.id)) save([...list, entry]);
}

export function forget(kind, id) {
  save(hosted().filter((e) => !(e.kind === kind && e.id === id)));
}

function save(list) {
  try {
    localStorage.setItem(KEY, JSON.stringify(list.slice(0, MOST)));
  } catch {
    // Storage full or refused: the page the host is sent to still shows the host link.
  }
}

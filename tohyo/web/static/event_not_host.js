// A host page opened without the host cookie: a host link (…#host=TOKEN) is traded for
// the cookie here, and the page reloads as the host's; anyone else reads the page.
import { claimEventHost } from "./event_run.js";
import { scriptReady } from "./ready.js";

export async function start() {
  if (await claimEventHost(document.getElementById("not-host").dataset.eventId)) return;
  scriptReady();
}

// JSON requests to the API, with its errors turned into messages in the page's language.
import { t } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, body) {
    const code = body.code || "other";
    const key = `error_${code}`;
    super(t(key) === key ? t("error_other") : t(key));
    this.status = status;
    this.code = code;
    this.details = body.details;
  }
}

export const postJSON = (url, body, headers = {}) => requestJSON("POST", url, body, headers);
export const putJSON = (url, body) => requestJSON("PUT", url, body);
export const getJSON = (url) => requestJSON("GET", url);

async function requestJSON(method, url, body, headers = {}) {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: method === "GET" ? headers : { "Content-Type": "application/json", ...headers },
      body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, { code: "network" });
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// A host link (hostUrl: the token in the fragment, never sent to a server by the browser)
// opened in this browser: trade the token for the host cookie, then show the host view.
export async function claimHostLink(sessionId) {
  const match = location.hash.match(/^#host=([A-Za-z0-9_-]+)$/);
  if (!match) return false;
  history.replaceState(null, "", location.pathname + location.search);
  try {
    await postJSON(`/api/vote/${sessionId}/host`, {}, { Authorization: `Bearer ${match[1]}` });
  } catch {
    return false; // a wrong or stale link: stay a voter
  }
  location.reload();
  return true;
}

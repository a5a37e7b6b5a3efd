// Minimal behaviour for the pages; the full UI is its own piece of work.
const $ = (sel) => document.querySelector(sel);

async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body ?? {}),
    credentials: "same-origin",
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function setupCreate(form) {
  const max = Number(form.dataset.maxChoices);
  $("#add-choice").addEventListener("click", () => {
    const inputs = form.querySelectorAll('input[name="choice"]');
    if (inputs.length >= max) return;
    const input = inputs[0].cloneNode();
    input.value = "";
    input.setAttribute("aria-label", `Choice ${inputs.length + 1}`);
    $("#choices").append(input);
    input.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      const created = await postJSON("/api/vote", {
        question: data.get("question"),
        voteType: data.get("voteType"),
        choices: data.getAll("choice").filter((t) => t.trim()).map((text) => ({ text })),
      });
      location.assign(`/vote/${created.sessionId}`);
    } catch (error) {
      $("#form-error").textContent = error.message;
    }
  });
}

function setupVote(form, sessionId) {
  const button = form.querySelector("button");
  form.addEventListener("change", () => {
    button.disabled = !form.querySelector("input:checked");
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    const choiceIds = [...form.querySelectorAll("input:checked")].map((i) => i.value);
    try {
      await postJSON(`/api/vote/${sessionId}`, { choiceIds });
      location.reload();
    } catch (error) {
      $("#form-error").textContent = error.message;
      button.disabled = false;
    }
  });
}

function render(state) {
  if (state.totalVotes === undefined || !$("#results")) return;
  $("#total").textContent = state.totalVotes;
  for (const choice of state.choices) {
    const row = document.querySelector(`[data-choice-id="${choice.choiceId}"]`);
    if (!row) continue;
    row.querySelector(".count").textContent = choice.voteCount;
    row.querySelector(".pct").textContent = choice.percentage;
  }
}

function watch(article) {
  const sessionId = article.dataset.sessionId;
  const source = new EventSource(`/api/vote/${sessionId}/stream`);
  let version = 0;
  const onState = (event) => {
    const state = JSON.parse(event.data);
    if (state.version < version) return; // absolute states: drop a stale one
    version = state.version;
    render(state);
    if (state.status === "closed" && article.dataset.status !== "closed") location.reload();
  };
  for (const kind of ["snapshot", "update", "closed"]) source.addEventListener(kind, onState);
  source.addEventListener("expired", () => { source.close(); location.reload(); });
}

const createForm = $("#create-form");
if (createForm) setupCreate(createForm);
const article = $("#session");
if (article) {
  const voteForm = $("#vote-form");
  if (voteForm) setupVote(voteForm, article.dataset.sessionId);
  const close = $("#close-voting");
  if (close) {
    close.addEventListener("click", async () => {
      if (!confirm("Close voting? Nobody will be able to vote after this.")) return;
      await postJSON(`/api/vote/${article.dataset.sessionId}/close`);
      location.reload();
    });
  }
  watch(article);
}

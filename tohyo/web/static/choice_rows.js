// Rows of short texts a host adds and removes: a question's choices, a ranking's items, a
// rating scale's statements. Each row is an input, its remove button and its error; the
// rows are numbered (the list's markers, and every row's id and accessible name) and
// renumbered as rows come and go, and the add and remove buttons follow the limits.
//
// `list` is the <ol>, `add` its add button; `id(n)` the nth input's id (its error's is
// `${id(n)}-error`), `label(n)` its accessible name, `placeholder(n)` and `removeLabel(n)`
// what they say; `changed()` runs after every renumbering (a field that depends on the
// count of rows follows it).
export function choiceRows(list, add, { min, max, id, label, placeholder, removeLabel, changed }) {
  const rows = () => [...list.children];
  const inputs = () => rows().map((row) => row.querySelector("input"));

  function newRow(text = "") {
    const row = document.createElement("li");
    row.className = "choice-input";
    const input = document.createElement("input");
    input.type = "text";
    input.autocomplete = "off";
    input.value = text;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = "×";
    const error = document.createElement("p");
    error.className = "field-error";
    row.append(input, remove, error);
    return row;
  }

  function renumber() {
    const all = rows();
    all.forEach((row, i) => {
      const n = i + 1;
      const input = row.querySelector("input");
      input.id = id(n);
      row.querySelector(".field-error").id = `${input.id}-error`;
      input.setAttribute("aria-describedby", `${input.id}-error`);
      input.setAttribute("aria-label", label(n));
      input.placeholder = placeholder(n);
      const remove = row.querySelector(".remove");
      remove.setAttribute("aria-label", removeLabel(n));
      remove.hidden = all.length <= min;
    });
    add.disabled = all.length >= max;
    changed?.();
  }

  // Replaces every row (a form opened afresh, a draft being edited); at least `min`.
  function set(texts) {
    const filled = [...texts];
    while (filled.length < min) filled.push("");
    list.replaceChildren(...filled.slice(0, max).map((text) => newRow(text)));
    renumber();
  }

  add.addEventListener("click", () => {
    if (list.children.length >= max) return;
    const row = newRow();
    list.append(row);
    renumber();
    row.querySelector("input").focus();
  });
  list.addEventListener("click", (event) => {
    const remove = event.target.closest(".remove");
    if (!remove || list.children.length <= min) return;
    const row = remove.closest("li");
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber();
    // Focus stays near: on the row that took its place, or on "Add" once none is left.
    (next ? next.querySelector("input") : add).focus();
  });

  return { inputs, set, renumber };
}

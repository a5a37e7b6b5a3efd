// Pieces the phone's answer controls share: elements from the page's <template>s (user
// text is only ever put in as text), and the chips of a word cloud's entries.
import { t } from "./i18n.js";

export const cloned = (id) => document.getElementById(id).content.firstElementChild.cloneNode(true);

// A list of chips, one per entry; `remove(index)` given, each has a Remove button.
export function chips(entries, remove = null) {
  const list = cloned("ev-chips-template");
  entries.forEach((entry, index) => {
    const chip = cloned("ev-chip-template");
    chip.querySelector(".ev-chip-text").textContent = entry;
    const button = chip.querySelector(".ev-chip-remove");
    if (remove) {
      button.setAttribute("aria-label", t("ans_wc_remove", { text: entry }));
      button.addEventListener("click", () => remove(index));
    } else {
      button.remove();
    }
    list.append(chip);
  });
  return list;
}

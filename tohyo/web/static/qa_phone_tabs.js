// The phone's two tabs while the host has audience Q&A on: Polls (the event's questions,
// #ev-polls) and Q&A (#qap). ARIA's tabs pattern: the selected tab is the one in the tab
// order, the arrow keys, Home and End move between them (and select: there are two).
// Hidden, the tabs take their roles off the panels, and Polls is the page as before.
//
// A question the host presents or opens while Q&A is in front marks Polls "New" (a word,
// not a dot), until Polls is chosen.

// Returns {show(yes), selected(), select(name), news()}.
export function mountTabs() {
  const list = document.getElementById("qap-tabs");
  const tabs = {
    polls: document.getElementById("qap-tab-polls"),
    qa: document.getElementById("qap-tab-qa"),
  };
  const panels = { polls: document.getElementById("ev-polls"), qa: document.getElementById("qap") };
  const fresh = tabs.polls.querySelector(".qap-new");
  let chosen = "polls";
  let shown = false;

  function draw() {
    for (const [name, tab] of Object.entries(tabs)) {
      const on = name === chosen;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      const panel = panels[name];
      panel.hidden = shown ? !on : name !== "polls";
      if (shown) {
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tab.id);
      } else {
        panel.removeAttribute("role");
        if (name === "polls") panel.removeAttribute("aria-labelledby");
      }
    }
    // #qap keeps its heading as its name when it is no tab panel (it is hidden then).
    if (!shown) panels.qa.setAttribute("aria-labelledby", "qap-title");
    if (chosen === "polls") fresh.hidden = true;
    list.hidden = !shown;
  }

  function select(name, focus = false) {
    chosen = name;
    draw();
    if (focus) tabs[name].focus();
  }

  for (const [name, tab] of Object.entries(tabs)) {
    tab.addEventListener("click", () => select(name));
    tab.addEventListener("keydown", (event) => {
      const other = name === "polls" ? "qa" : "polls";
      const to = {
        ArrowLeft: other,
        ArrowRight: other,
        Home: "polls",
        End: "qa",
      }[event.key];
      if (!to) return;
      event.preventDefault();
      select(to, true);
    });
  }
  draw();

  return {
    show(yes) {
      if (yes === shown) return;
      shown = yes;
      if (!yes) chosen = "polls";
      draw();
    },
    selected: () => (shown ? chosen : "polls"),
    select,
    // The polls changed: marked New if they are not in front.
    news() {
      if (shown && chosen !== "polls") fresh.hidden = false;
    },
  };
}

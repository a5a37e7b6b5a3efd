// Entry point of every page: picks the page's module by <body data-page>; the module
// marks the page ready once it is attached (ready.js).
import { scriptReady } from "./ready.js";

const page = document.body.dataset.page;
const modules = {
  create: "./create.js",
  host: "./host.js",
  voter: "./voter.js",
  "event-host": "./event_host.js",
  "event-present": "./event_present.js",
  "event-summary": "./event_summary.js",
  "event-not-host": "./event_not_host.js",
  event: "./phone.js",
  "event-create": "./event_create.js",
  mine: "./mine.js",
};
if (modules[page]) {
  import(modules[page]).then((module) => module.start());
} else {
  scriptReady(); // a page with nothing to attach
}

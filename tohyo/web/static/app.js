// Entry point of every page: imports the page's module, named by <body data-module> (the
// server lists each page's module, and preloads it with everything it imports), and
// starts it; the module marks the page ready once it is attached (ready.js).
import { scriptReady } from "./ready.js";

const module = document.body.dataset.module;
if (module) {
  import(module).then((page) => page.start());
} else {
  scriptReady(); // a page with nothing to attach
}

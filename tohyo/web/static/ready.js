// A page's controls that do nothing without their script are rendered `disabled` with
// `data-needs-script` (the HTML loads before the modules do, and a click on a control
// with no listener yet would be lost). A page's module calls scriptReady() once its
// listeners are attached: those controls come alive, and <html data-ready> tells anyone
// waiting (tests, too) that the page now answers.
export function scriptReady() {
  for (const control of document.querySelectorAll("[data-needs-script]")) {
    control.removeAttribute("data-needs-script");
    control.disabled = false;
  }
  document.documentElement.dataset.ready = "true";
}

// Entry point of every page: picks the page's module by <body data-page>.
const page = document.body.dataset.page;
const modules = { create: "./create.js", host: "./host.js", voter: "./voter.js" };
if (modules[page]) {
  import(modules[page]).then((module) => module.start());
}

// The page's strings (the server's catalog of the page's language: a module under a
// hashed URL, <body data-strings-url>, preloaded with the page and cached for good) and
// number and time formats for the page's language.
const lang = document.body.dataset.lang || "en";
const { stringsUrl } = document.body.dataset;
const strings = stringsUrl ? (await import(stringsUrl)).default : {};
// Each Intl formatter is made when first used: making them all as the module loads cost
// a slowed phone tens of ms before its page could answer.
const once = (make) => {
  let made = null;
  return () => (made ??= make());
};
const numbers = once(() => new Intl.NumberFormat(lang));
const percents = once(() => new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }));
const plurals = once(() => new Intl.PluralRules(lang));
const ordinals = once(() => new Intl.PluralRules(lang, { type: "ordinal" }));

export function t(key, values = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in values ? values[name] : match));
}

export const number = (n) => numbers().format(n);
export const percent = (p) => `${percents().format(p)}%`;

// "{n} ballots" with the plural form the language wants ("1 ballot", "3 ballots", "3票").
export function counted(stem, n) {
  const key = `${stem}_${plurals().select(n) === "one" ? "one" : "other"}`;
  return t(key, { n: number(n) });
}

// "You are {n}th" with the ordinal the language wants ("1st", "22nd", "13th", "7位"): the
// stem's `_one`, `_two`, `_few` or `_other`, whichever the language has ("other" else).
export function ordinal(stem, n) {
  const key = `${stem}_${ordinals().select(n)}`;
  return t(key in strings ? key : `${stem}_other`, { n: number(n) });
}

// Items joined the language's way ("A; B; C" / "A、B、C").
export const list = (items) => items.join(t("list_separator"));

// "Ramen and Sushi" / "ラーメンとスシ".
export const conjunction = (items) =>
  new Intl.ListFormat(lang, { style: "long", type: "conjunction" }).format(items);

const dated = once(
  () => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }),
);
const clock = once(() => new Intl.DateTimeFormat(lang, { timeStyle: "short" }));
// The calendar day of an instant in the viewer's time zone, as "2026-12-02".
const day = once(
  () => new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }),
);

export function time(iso) {
  return dated().format(new Date(iso));
}

// A deadline `ms` in the viewer's time zone: its time, with the date only when it is not
// today there.
export function deadline(ms, now = Date.now()) {
  return (day().format(ms) === day().format(now) ? clock() : dated()).format(ms);
}

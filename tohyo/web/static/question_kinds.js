// What kind of question a question is, in a few words, for the console's list ("Rating
// scale · 1–5 · 3 statements"). The server draws the same words in the list's first
// rendering (templates/_question_fields.html, question_kind).
import { counted, t } from "./i18n.js";

export const typeName = (type) => t(`qf_type_${type}`);

export function describe(q) {
  const parts = [typeName(q.type)];
  if (q.type === "single" || q.type === "multiple") {
    parts.push(t("qf_kind_choices", { n: q.choices.length }));
  } else if (q.type === "wordcloud") {
    parts.push(counted("qf_kind_entries", q.maxEntries));
  } else if (q.type === "text") {
    if (q.moderation === "approve") parts.push(t("qf_kind_approve"));
  } else if (q.type === "scale") {
    parts.push(t("qf_kind_points", { n: q.points }));
    if (q.statements?.length) parts.push(counted("qf_kind_statements", q.statements.length));
  } else if (q.type === "ranking") {
    parts.push(t("qf_kind_items", { n: q.choices.length }));
    if (q.rankTop < q.choices.length) parts.push(t("qf_kind_top", { n: q.rankTop }));
  } else if (q.type === "quiz") {
    parts.push(t("qf_kind_choices", { n: q.choices.length }));
    parts.push(t("qf_kind_seconds", { n: q.timeLimit }));
  }
  if (q.allowChange) parts.push(t("qf_kind_changeable"));
  return parts.join(" · ");
}

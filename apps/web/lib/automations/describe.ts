import type { Dictionary } from "@/lib/i18n/dictionaries";
import { interpolate } from "@/lib/i18n/format";
import type { Json } from "@/lib/supabase/database.types";

function text(value: Json | undefined): string | undefined {
  return typeof value === "string" && value.trim() ? value : undefined;
}

function field(object: Json, key: string): Json | undefined {
  return object && typeof object === "object" && !Array.isArray(object) ? object[key] : undefined;
}

/**
 * “Add tag ‘reviewed’ to records tagged ‘draft’ and whose title contains ‘Q3’”, in the words of the
 * page's locale. Each action has its own sentence, since languages inflect “records” by its role.
 */
export function describeAutomation(
  automation: { action: string; filter: Json; params: Json },
  words: Dictionary["automations"]["describe"],
): string {
  const tag = text(field(automation.filter, "tag"));
  const contains = text(field(automation.filter, "title_contains"));
  const conditions = [
    tag ? interpolate(words.tagged, { tag }) : null,
    contains ? interpolate(words.titleContains, { text: contains }) : null,
  ]
    .filter(Boolean)
    .join(words.and);
  if (automation.action === "tag") {
    const newTag = text(field(automation.params, "tag")) ?? "?";
    return conditions
      ? interpolate(words.tagMatching, { tag: newTag, conditions })
      : interpolate(words.tagAll, { tag: newTag });
  }
  return conditions ? interpolate(words.archiveMatching, { conditions }) : words.archiveAll;
}

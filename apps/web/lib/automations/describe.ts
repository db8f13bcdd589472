import type { Json } from "@/lib/supabase/database.types";

function text(value: Json | undefined): string | undefined {
  return typeof value === "string" && value.trim() ? value : undefined;
}

function field(object: Json, key: string): Json | undefined {
  return object && typeof object === "object" && !Array.isArray(object) ? object[key] : undefined;
}

/** “Add tag ‘reviewed’ to records tagged ‘draft’ whose title contains ‘Q3’”. */
export function describeAutomation(automation: { action: string; filter: Json; params: Json }): string {
  const tag = text(field(automation.filter, "tag"));
  const contains = text(field(automation.filter, "title_contains"));
  const conditions = [
    tag ? `tagged “${tag}”` : null,
    contains ? `whose title contains “${contains}”` : null,
  ].filter(Boolean);
  const target = `${conditions.length ? `records ${conditions.join(" and ")}` : "all records"}`;
  return automation.action === "tag"
    ? `Add tag “${text(field(automation.params, "tag")) ?? "?"}” to ${target}`
    : `Archive ${target}`;
}

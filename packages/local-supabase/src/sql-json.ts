import type { ISql, JSONValue, Parameter } from "postgres";

/**
 * A jsonb query parameter. postgres.js serialises whatever the server types as json itself, so a
 * pre-stringified value would be stored as a JSON string instead of an object.
 */
export function jsonb(db: ISql, value: Record<string, unknown>): Parameter {
  return db.json(value as JSONValue);
}

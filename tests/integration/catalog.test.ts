// packages/usage/src/catalog.ts is the one source of truth for metrics. The database repeats
// what it must enforce (the event types usage_events accepts, the catalog table its functions read,
// the limit keys of every plan); this test fails on any drift between the two.
import { EVENT_TYPES, METRICS } from "../../packages/usage/src/index";
import { afterAll, describe, expect, it } from "vitest";

import { sql } from "../support/supabase";

const db = sql();
afterAll(() => db.end());

describe("the metric catalog, in TypeScript and in the database", () => {
  it("lets usage_events accept exactly the catalog's event types", async () => {
    const [row] = await db<{ def: string }[]>`
      select pg_get_constraintdef(oid) as def from pg_constraint
      where conrelid = 'public.usage_events'::regclass and conname = 'usage_events_event_type_check'`;
    const types = [...(row?.def ?? "").matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]);
    expect(types.sort()).toEqual([...EVENT_TYPES].sort());
  });

  it("has one usage_metrics row per metric, with the same label, unit, kind, limit key, external flag and dimensions", async () => {
    const rows =
      await db`select metric, label, unit, kind, limit_key, external, dimension_fields from public.usage_metrics order by sort_order`;
    expect(rows).toEqual(
      EVENT_TYPES.map((type) => ({
        metric: type,
        label: METRICS[type].label,
        unit: METRICS[type].unit,
        kind: METRICS[type].kind,
        limit_key: METRICS[type].limitKey,
        external: METRICS[type].external,
        dimension_fields: [...METRICS[type].dimensions],
      })),
    );
  });

  it("gives every plan exactly the catalog's limit keys", async () => {
    const plans = await db<
      { id: string; limits: Record<string, unknown> }[]
    >`select id, limits from public.plans`;
    const keys = EVENT_TYPES.map((type) => METRICS[type].limitKey).sort();
    for (const plan of plans) expect(Object.keys(plan.limits).sort(), plan.id).toEqual(keys);
  });

  it("names per-billing-period limits so, and only them", () => {
    for (const type of EVENT_TYPES) {
      const { kind, limitKey } = METRICS[type];
      expect(limitKey.endsWith("_per_month"), type).toBe(kind === "counter");
    }
  });

  it("refuses a plan whose limits drift from the catalog", async () => {
    const error = await db`
      insert into public.plans (id, name, price_cents, sort_order, limits)
      values ('drift', 'Drift', 0, 99, '{"max_records": 1}')`.catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "23514",
      message: expect.stringMatching(/do not match the metric catalog/),
    });
  });
});

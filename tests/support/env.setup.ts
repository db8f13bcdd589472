// Points the app's server modules (lib/supabase/admin.ts, lib/env.ts) at the test stack, as
// `pnpm dev` does for the real app.
import { inject } from "vitest";

const stack = inject("supabase");
process.env.NEXT_PUBLIC_SUPABASE_URL = stack.url;
process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY = stack.anonKey;
process.env.SUPABASE_SERVICE_ROLE_KEY = stack.serviceRoleKey;
// Raw CSV exports stream with COPY over a direct connection, as `pnpm dev` sets it up.
process.env.SUPABASE_DB_URL = stack.dbUrl;
process.env.CRON_SECRET = "test-cron-secret";
// Low enough that the rate-limit test needs few requests: 20 per key per 10 s window.
process.env.USAGE_INGEST_RATE_LIMIT = "20";
// Tests write events on days years back (days no other test uses): keep every raw event, so the
// cron's retention never drops a month another test is still writing to. Retention has its own
// stack (supabase/tests/scale.test.ts).
process.env.USAGE_RETENTION_MONTHS = "0";

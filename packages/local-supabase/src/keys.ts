import { signJwt } from "./jwt.ts";

/** The Supabase CLI's well-known local secret, so `.env` files work against `supabase start` too. */
export const LOCAL_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

// Same payload and key order as the CLI, which makes the tokens byte-identical to what it prints.
const DEMO_EXPIRY = 1983812996;

export const LOCAL_ANON_KEY: string = signJwt(
  { iss: "supabase-demo", role: "anon", exp: DEMO_EXPIRY },
  LOCAL_JWT_SECRET,
);

export const LOCAL_SERVICE_ROLE_KEY: string = signJwt(
  { iss: "supabase-demo", role: "service_role", exp: DEMO_EXPIRY },
  LOCAL_JWT_SECRET,
);

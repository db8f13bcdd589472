import { createHmac, timingSafeEqual } from "node:crypto";

/** Decoded JWT payload. Values stay `unknown` until a caller checks them. */
export type JwtClaims = Record<string, unknown>;

export class JwtError extends Error {}

const HEADER = encodeSegment({ alg: "HS256", typ: "JWT" });

function encodeSegment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function signature(input: string, secret: string): string {
  return createHmac("sha256", secret).update(input).digest("base64url");
}

/**
 * HS256 signing exactly as the Supabase CLI does it: header `{"alg":"HS256","typ":"JWT"}` and the
 * payload's own key order, so the well-known local keys come out byte-identical.
 */
export function signJwt(claims: object, secret: string): string {
  const unsigned = `${HEADER}.${encodeSegment(claims)}`;
  return `${unsigned}.${signature(unsigned, secret)}`;
}

/** Verifies signature, `exp` and `nbf`; throws JwtError with a GoTrue-like message otherwise. */
export function verifyJwt(token: string, secret: string, nowSeconds = Date.now() / 1000): JwtClaims {
  const parts = token.split(".");
  const [headerPart, payloadPart, signaturePart] = parts;
  if (parts.length !== 3 || !headerPart || !payloadPart || signaturePart === undefined) {
    throw new JwtError("token is malformed");
  }
  const header = parseSegment(headerPart);
  if (header.alg !== "HS256") throw new JwtError("signing method is not HS256");

  const expected = Buffer.from(signature(`${headerPart}.${payloadPart}`, secret));
  const actual = Buffer.from(signaturePart);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new JwtError("signature is invalid");
  }

  const claims = parseSegment(payloadPart);
  if (typeof claims.exp === "number" && claims.exp <= nowSeconds) throw new JwtError("token is expired");
  if (typeof claims.nbf === "number" && claims.nbf > nowSeconds) throw new JwtError("token is not valid yet");
  return claims;
}

function parseSegment(segment: string): JwtClaims {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as JwtClaims;
  } catch {
    // fall through to the error below
  }
  throw new JwtError("token is malformed");
}

export function stringClaim(claims: JwtClaims, name: string): string | undefined {
  const value = claims[name];
  return typeof value === "string" ? value : undefined;
}

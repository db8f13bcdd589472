import { createHmac } from "node:crypto";
import { base64url, errors, jwtVerify, SignJWT, type JWTPayload } from "jose";

/** Decoded JWT payload. Values stay `unknown` until a caller checks them. */
export type JwtClaims = Record<string, unknown>;

/**
 * A token that failed verification. `message` says it as GoTrue does ("token is expired"),
 * `joseMessage` as jose, and so storage-api, does ('"exp" claim timestamp check failed').
 */
export class JwtError extends Error {
  constructor(
    message: string,
    readonly joseMessage: string,
  ) {
    super(message);
    this.name = "JwtError";
  }
}

// As the Supabase CLI signs: this header, and the payload in its own key order, so the well-known
// local keys come out byte-identical (jwt.test.ts checks it).
const HEADER = { alg: "HS256", typ: "JWT" } as const;

const encoder = new TextEncoder();

/** HS256 through jose. */
export function issueJwt(claims: JwtClaims, secret: string): Promise<string> {
  return new SignJWT(claims as JWTPayload).setProtectedHeader(HEADER).sign(encoder.encode(secret));
}

/**
 * The token `issueJwt` makes, synchronously: jose signs only asynchronously (Web Crypto), and tests
 * build tokens inline with this. jwt.test.ts pins it to jose's output; the servers use `issueJwt`.
 */
export function signJwt(claims: object, secret: string): string {
  const unsigned = `${base64url.encode(JSON.stringify(HEADER))}.${base64url.encode(JSON.stringify(claims))}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}

function gotrueMessage(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return "token is expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === "nbf" ? "token is not valid yet" : `token has invalid claims: ${error.message}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "signing method is not HS256";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature is invalid";
  return "token is malformed";
}

/**
 * Verifies an HS256 token with jose: signature, then `exp` and `nbf`. Throws JwtError otherwise.
 * `now` moves the clock (jose's `currentDate`).
 */
export async function verifyJwt(token: string, secret: string, now?: Date): Promise<JwtClaims> {
  try {
    const { payload } = await jwtVerify(token, encoder.encode(secret), {
      algorithms: ["HS256"],
      ...(now ? { currentDate: now } : {}),
    });
    return payload;
  } catch (error) {
    if (error instanceof errors.JOSEError) throw new JwtError(gotrueMessage(error), error.message);
    throw error;
  }
}

export function stringClaim(claims: JwtClaims, name: string): string | undefined {
  const value = claims[name];
  return typeof value === "string" ? value : undefined;
}

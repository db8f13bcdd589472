import { describe, expect, it } from "vitest";
import { issueJwt, JwtError, signJwt, verifyJwt } from "./jwt.ts";
import { LOCAL_ANON_KEY, LOCAL_JWT_SECRET, LOCAL_SERVICE_ROLE_KEY } from "./keys.ts";

const SECRET = "a-test-secret-that-is-at-least-32-characters";
const now = Math.floor(Date.now() / 1000);

async function failure(token: string, secret = SECRET): Promise<JwtError> {
  const error = await verifyJwt(token, secret).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof JwtError)) throw new Error(`expected a JwtError, got ${String(error)}`);
  return error;
}

describe("jwt through jose", () => {
  it("signs the CLI's well-known keys byte for byte", async () => {
    const claims = (role: string) => ({ iss: "supabase-demo", role, exp: 1983812996 });
    expect(await issueJwt(claims("anon"), LOCAL_JWT_SECRET)).toBe(LOCAL_ANON_KEY);
    expect(await issueJwt(claims("service_role"), LOCAL_JWT_SECRET)).toBe(LOCAL_SERVICE_ROLE_KEY);
  });

  it("keeps the synchronous signJwt identical to jose's token, undefined claims left out", async () => {
    const claims = { owner: undefined, url: "files/a/b.txt", upsert: false, iat: now, exp: now + 60 };
    expect(signJwt(claims, SECRET)).toBe(await issueJwt(claims, SECRET));
  });

  it("verifies and returns the claims", async () => {
    const token = await issueJwt({ sub: "u1", role: "authenticated", exp: now + 60 }, SECRET);
    expect(await verifyJwt(token, SECRET)).toEqual({ sub: "u1", role: "authenticated", exp: now + 60 });
  });

  it.each([
    ["a token that is not three segments", () => "not-a-jwt", "token is malformed", "Invalid Compact JWS"],
    [
      "another secret",
      () => signJwt({ role: "anon" }, "another-secret-at-least-32-characters-long"),
      "signature is invalid",
      "signature verification failed",
    ],
    [
      "an expired token",
      () => signJwt({ role: "anon", exp: now - 10 }, SECRET),
      "token is expired",
      '"exp" claim timestamp check failed',
    ],
    [
      "a token not valid yet",
      () => signJwt({ role: "anon", nbf: now + 600 }, SECRET),
      "token is not valid yet",
      '"nbf" claim timestamp check failed',
    ],
    [
      "alg none",
      () =>
        `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"role":"service_role"}').toString("base64url")}.`,
      "signing method is not HS256",
      '"alg" (Algorithm) Header Parameter value not allowed',
    ],
  ])("refuses %s with GoTrue's and jose's words", async (_, token, message, joseMessage) => {
    const error = await failure(token());
    expect(error.message).toBe(message);
    expect(error.joseMessage).toBe(joseMessage);
  });

  it("refuses a tampered payload", async () => {
    const [header, , signature] = (await issueJwt({ role: "anon" }, SECRET)).split(".");
    const payload = Buffer.from('{"role":"service_role"}').toString("base64url");
    expect((await failure(`${header}.${payload}.${signature}`)).message).toBe("signature is invalid");
  });

  it("checks expiry against the given clock", async () => {
    const token = await issueJwt({ exp: now + 60 }, SECRET);
    await expect(verifyJwt(token, SECRET, new Date((now + 120) * 1000))).rejects.toThrow("token is expired");
  });
});

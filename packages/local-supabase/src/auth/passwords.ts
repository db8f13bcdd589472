import bcrypt from "bcryptjs";
import { failures } from "./errors.ts";

const BCRYPT_COST = 10;
export const MIN_PASSWORD_LENGTH = 6;

/** `minimum_password_length` of config.toml (GoTrue counts characters, not bytes). */
export function assertStrongEnough(password: string, minimum = MIN_PASSWORD_LENGTH): void {
  if ([...password].length < minimum) throw failures.weakPassword(minimum);
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

/** Accepts GoTrue's `$2a$10$` hashes and the `$2a$06$` ones pgcrypto's `crypt(pw, gen_salt('bf'))` writes in seeds. */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (!hash?.startsWith("$2")) return false;
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}

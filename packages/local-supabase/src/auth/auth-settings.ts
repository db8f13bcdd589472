import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse } from "smol-toml";

/** The emails the auth server sends, by the `type` their links verify. */
export const EMAIL_ACTIONS = [
  "invite",
  "confirmation",
  "recovery",
  "magic_link",
  "email_change",
  "reauthentication",
] as const;
export type EmailAction = (typeof EMAIL_ACTIONS)[number];

export interface EmailTemplate {
  subject: string;
  /** HTML with GoTrue's template variables (`{{ .ConfirmationURL }}`, `{{ .TokenHash }}`, ...). */
  body: string;
}

/**
 * What GoTrue reads from its environment and the Supabase CLI from `[auth]` in supabase/config.toml.
 * Durations are in seconds.
 */
export interface AuthSettings {
  siteUrl: string;
  additionalRedirectUrls: string[];
  /** `enable_confirmations = false` in config.toml: sign-ups and email changes need no link. */
  mailerAutoconfirm: boolean;
  /** `double_confirm_changes`: an email change is confirmed from the old address and the new one. */
  secureEmailChange: boolean;
  otpLength: number;
  otpExpiry: number;
  /** `max_frequency`: the least time between two emails of one kind to one user. */
  maxFrequency: number;
  /** `[auth.rate_limit] email_sent`: emails per hour, for the whole server. */
  emailsPerHour: number;
  minimumPasswordLength: number;
  disableSignup: boolean;
  templates: Record<EmailAction, EmailTemplate>;
}

// GoTrue's built-in templates (internal/mailer/templatemailer), used when config.toml names none.
export const DEFAULT_TEMPLATES: Record<EmailAction, EmailTemplate> = {
  invite: {
    subject: "You've been invited",
    body: `<h2>You've been invited</h2>

<p>You've been invited to create an account. Follow the link below to accept.</p>
<p><a href="{{ .ConfirmationURL }}">Accept invitation</a></p>`,
  },
  confirmation: {
    subject: "Confirm your email address",
    body: `<h2>Confirm your email address</h2>

<p>Follow the link below to confirm this email address and finish signing up.</p>
<p><a href="{{ .ConfirmationURL }}">Confirm email address</a></p>`,
  },
  recovery: {
    subject: "Reset your password",
    body: `<h2>Reset your password</h2>

<p>We received a request to reset your password. Follow the link below to choose a new one.</p>
<p><a href="{{ .ConfirmationURL }}">Reset password</a></p>
<p>If you didn't request this, you can safely ignore this email.</p>`,
  },
  magic_link: {
    subject: "Your sign-in link",
    body: `<h2>Your sign-in link</h2>

<p>Follow the link below to sign in. This link expires shortly and can only be used once.</p>
<p><a href="{{ .ConfirmationURL }}">Sign in</a></p>`,
  },
  email_change: {
    subject: "Confirm your new email address",
    body: `<h2>Confirm your new email address</h2>

<p>Follow the link below to confirm {{ .NewEmail }} as your new email address.</p>
<p><a href="{{ .ConfirmationURL }}">Confirm new email address</a></p>
<p>If you didn't request this change, you can safely ignore this email.</p>`,
  },
  reauthentication: {
    subject: "{{ .Token }} is your verification code",
    body: `<h2>Your verification code</h2>

<p>Use the code below to verify your identity. It expires shortly.</p>
<p>{{ .Token }}</p>`,
  },
};

/** The Supabase CLI's defaults for a project whose config.toml says nothing. */
export function defaultAuthSettings(): AuthSettings {
  return {
    siteUrl: "http://127.0.0.1:3000",
    additionalRedirectUrls: ["https://127.0.0.1:3000"],
    mailerAutoconfirm: true,
    secureEmailChange: true,
    otpLength: 6,
    otpExpiry: 3600,
    maxFrequency: 1,
    emailsPerHour: 2,
    minimumPasswordLength: 6,
    disableSignup: false,
    templates: { ...DEFAULT_TEMPLATES },
  };
}

type Table = Record<string, unknown>;

function table(value: unknown): Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Table) : {};
}

function read<T>(
  source: Table,
  key: string,
  check: (value: unknown) => value is T,
  where: string,
): T | undefined {
  const value = source[key];
  if (value === undefined) return undefined;
  if (!check(value)) throw new Error(`${where}.${key} in config.toml has the wrong type`);
  return value;
}

const isBoolean = (value: unknown): value is boolean => typeof value === "boolean";
const isString = (value: unknown): value is string => typeof value === "string";
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** A Go duration as config.toml writes them ("1s", "1m0s", "60s") in seconds. */
export function parseDuration(raw: string): number {
  const parts = [...raw.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== raw) {
    throw new Error(`"${raw}" is not a duration like "60s" or "1m0s"`);
  }
  return parts.reduce(
    (sum, [, amount, unit]) => sum + Number(amount) * (DURATION_UNITS[unit ?? "s"] ?? 1),
    0,
  );
}

/**
 * Reads `[auth]`, `[auth.email]`, `[auth.rate_limit]` and `[auth.email.template.*]` of a Supabase CLI
 * config.toml, as `supabase start` does. Template paths are relative to the project folder (the one
 * holding `supabase/`).
 */
export function loadAuthSettings(configFile: string | null): AuthSettings {
  const settings = defaultAuthSettings();
  if (!configFile || !existsSync(configFile)) return settings;
  const config = parse(readFileSync(configFile, "utf8")) as Table;
  const auth = table(config.auth);
  const email = table(auth.email);
  const rateLimit = table(auth.rate_limit);

  settings.siteUrl = read(auth, "site_url", isString, "auth") ?? settings.siteUrl;
  settings.additionalRedirectUrls =
    read(auth, "additional_redirect_urls", isStrings, "auth") ?? settings.additionalRedirectUrls;
  settings.minimumPasswordLength =
    read(auth, "minimum_password_length", isNumber, "auth") ?? settings.minimumPasswordLength;
  settings.disableSignup = !(read(auth, "enable_signup", isBoolean, "auth") ?? true);
  const confirmations = read(email, "enable_confirmations", isBoolean, "auth.email");
  if (confirmations !== undefined) settings.mailerAutoconfirm = !confirmations;
  settings.secureEmailChange =
    read(email, "double_confirm_changes", isBoolean, "auth.email") ?? settings.secureEmailChange;
  settings.otpLength = read(email, "otp_length", isNumber, "auth.email") ?? settings.otpLength;
  settings.otpExpiry = read(email, "otp_expiry", isNumber, "auth.email") ?? settings.otpExpiry;
  const frequency = read(email, "max_frequency", isString, "auth.email");
  if (frequency !== undefined) settings.maxFrequency = parseDuration(frequency);
  settings.emailsPerHour =
    read(rateLimit, "email_sent", isNumber, "auth.rate_limit") ?? settings.emailsPerHour;

  const projectDir = dirname(dirname(resolve(configFile)));
  const templates = table(email.template);
  for (const action of EMAIL_ACTIONS) {
    const entry = table(templates[action]);
    const subject = read(entry, "subject", isString, `auth.email.template.${action}`);
    const contentPath = read(entry, "content_path", isString, `auth.email.template.${action}`);
    settings.templates[action] = {
      subject: subject ?? DEFAULT_TEMPLATES[action].subject,
      body: contentPath
        ? readFileSync(resolve(projectDir, contentPath), "utf8")
        : DEFAULT_TEMPLATES[action].body,
    };
  }
  return settings;
}

import type { Mailbox } from "../inbox/mailbox.ts";
import type { AuthSettings, EmailAction } from "./auth-settings.ts";
import { failures } from "./errors.ts";

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

function lookup(data: Record<string, unknown>, path: string[]): string {
  let value: unknown = data;
  for (const key of path) {
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value as string | number | boolean);
}

/**
 * Fills GoTrue's template variables (`{{ .ConfirmationURL }}`, `{{ .Data.name }}`) the way Go's
 * html/template escapes them: inside an attribute after a `?` (a query string) a value is
 * percent-encoded, everywhere else HTML-escaped. Subjects are plain text (`html: false`), as Go's
 * text/template renders them. Other template syntax is left as it is.
 */
export function renderTemplate(
  template: string,
  data: Record<string, unknown>,
  options: { html: boolean } = { html: true },
): string {
  let out = "";
  let last = 0;
  for (const match of template.matchAll(/\{\{\s*\.([A-Za-z_][\w.]*)\s*\}\}/g)) {
    const index = match.index;
    out += template.slice(last, index);
    last = index + match[0].length;
    const value = lookup(data, (match[1] ?? "").split("."));
    if (!options.html) {
      out += value;
      continue;
    }
    const attribute = /=\s*"([^"]*)$/.exec(out) ?? /=\s*'([^']*)$/.exec(out);
    out += attribute?.[1]?.includes("?") ? encodeURIComponent(value) : escapeHtml(value);
  }
  return out + template.slice(last);
}

/** `[auth.rate_limit] email_sent`: emails per rolling hour for the whole server. */
export class EmailRateLimiter {
  private sent: number[] = [];

  constructor(private readonly perHour: number) {}

  allow(now = Date.now()): boolean {
    if (this.perHour <= 0) return false;
    this.sent = this.sent.filter((at) => now - at < 3_600_000);
    if (this.sent.length >= this.perHour) return false;
    this.sent.push(now);
    return true;
  }
}

export interface Mailer {
  settings: AuthSettings;
  mailbox: Mailbox;
  /** The auth API's public URL (`http://127.0.0.1:54321/auth/v1`): links point at its /verify. */
  apiUrl: string;
  limiter: EmailRateLimiter;
}

export function createMailer(settings: AuthSettings, mailbox: Mailbox, apiUrl: string): Mailer {
  return { settings, mailbox, apiUrl, limiter: new EmailRateLimiter(settings.emailsPerHour) };
}

/** GoTrue's validateSentWithinFrequencyLimit: one email of a kind per `max_frequency`. */
export function assertSendFrequency(mailer: Mailer, sentAt: Date | null): void {
  if (!sentAt) return;
  const waitMs = sentAt.getTime() + mailer.settings.maxFrequency * 1000 - Date.now();
  if (waitMs > 0) throw failures.sendFrequency(Math.floor(waitMs / 1000));
}

// GoTrue's encodeRedirectURL: a redirect that is not encoded yet is.
function encodeRedirect(url: string): string {
  return /[&=#]/.test(url) ? encodeURIComponent(url) : url;
}

export interface AuthEmail {
  action: EmailAction;
  to: string;
  /** The `type` its link verifies: signup, invite, recovery, magiclink, email_change. */
  verifyType: string;
  otp: string;
  /** The stored token (with `pkce_` for PKCE flows), which links carry. */
  tokenHash: string;
  redirectTo: string;
  email: string;
  newEmail?: string;
  userMetadata: Record<string, unknown>;
}

/** The link GoTrue's default templates use: the auth server's /verify, then the redirect. */
export function confirmationUrl(mailer: Mailer, tokenHash: string, type: string, redirectTo: string): string {
  return `${mailer.apiUrl}/verify?token=${encodeURIComponent(tokenHash)}&type=${encodeURIComponent(type)}&redirect_to=${encodeRedirect(redirectTo)}`;
}

/**
 * Renders the configured template and puts the message in the local inbox. The hourly limit applies
 * only when confirmations are on, as in GoTrue (autoconfirm skips it).
 */
export function sendAuthEmail(mailer: Mailer, ...emails: AuthEmail[]): void {
  const { settings } = mailer;
  // One request, one count: an email change's two messages are one send, as in GoTrue.
  if (settings.emailsPerHour <= 0 || (!settings.mailerAutoconfirm && !mailer.limiter.allow())) {
    throw failures.emailRateLimit();
  }
  for (const email of emails) deliver(mailer, email);
}

function deliver(mailer: Mailer, email: AuthEmail): void {
  const { settings } = mailer;
  const template = settings.templates[email.action];
  const data = {
    SiteURL: settings.siteUrl,
    ConfirmationURL: confirmationUrl(mailer, email.tokenHash, email.verifyType, email.redirectTo),
    Email: email.email,
    NewEmail: email.newEmail ?? "",
    Token: email.otp,
    TokenHash: email.tokenHash,
    Data: email.userMetadata,
    RedirectTo: email.redirectTo,
    SendingTo: email.to,
  };
  mailer.mailbox.deliver({
    to: email.to.toLowerCase(),
    subject: renderTemplate(template.subject, data, { html: false }),
    html: renderTemplate(template.body, data),
  });
}

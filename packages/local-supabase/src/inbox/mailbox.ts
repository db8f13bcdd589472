import { randomUUID } from "node:crypto";

export interface MailMessage {
  id: string;
  from: string;
  to: string;
  subject: string;
  /** The rendered template, as the recipient's mail client would show it. */
  html: string;
  createdAt: Date;
}

// Enough for a long working day; the oldest go first, as Inbucket's per-mailbox cap does.
const DEFAULT_CAPACITY = 1000;

/**
 * Every email the local auth server sends, kept in memory instead of going out, like the Supabase
 * CLI's Inbucket/Mailpit. Newest first.
 */
export class Mailbox {
  private readonly messages: MailMessage[] = [];

  constructor(
    readonly sender = "Meterline <noreply@meterline.local>",
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  deliver(message: Omit<MailMessage, "id" | "createdAt" | "from">): MailMessage {
    const stored: MailMessage = { ...message, id: randomUUID(), from: this.sender, createdAt: new Date() };
    this.messages.unshift(stored);
    if (this.messages.length > this.capacity) this.messages.length = this.capacity;
    return stored;
  }

  /** Newest first; `to` filters by recipient (case-insensitive). */
  list(to?: string): MailMessage[] {
    const address = to?.trim().toLowerCase();
    return address ? this.messages.filter((message) => message.to === address) : [...this.messages];
  }

  get(id: string): MailMessage | undefined {
    return this.messages.find((message) => message.id === id);
  }

  clear(): void {
    this.messages.length = 0;
  }
}

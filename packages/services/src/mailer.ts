import nodemailer from 'nodemailer';

/** The product's name, as every message shows it. */
export const PRODUCT_NAME = 'Bucketgrid';

/** One message: plain text for every client, HTML for those that show it. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * What became of a message: sent; not sent because email is off (no SMTP_URL); or not sent
 * because the mail server failed (the caller shows the link to copy and offers to resend).
 */
export type MailOutcome = 'sent' | 'off' | 'failed';

export interface Mailer {
  /** Whether SMTP_URL turned email on. */
  readonly enabled: boolean;
  /** Never throws: a failing mail server must not fail the action that sent the message. */
  send(message: MailMessage): Promise<MailOutcome>;
  close(): void;
}

export interface MailerOptions {
  /** `smtp://user:pass@host:port` or `smtps://…`; undefined turns email off. */
  smtpUrl?: string;
  /** The From address (MAIL_FROM). */
  from?: string;
  /** Told why a message failed; messages hold tokens, so it never sees a message's content. */
  logger?: (level: 'warn', message: string, fields: Record<string, unknown>) => void;
}

/** A mail server that does not answer within these holds the action up no longer. */
const CONNECTION_TIMEOUT_MS = 5_000;
const SOCKET_TIMEOUT_MS = 10_000;

/** Checks SMTP_URL at start-up, so a typo is a refusal to start, not a silent loss of mail. */
export function checkSmtpUrl(smtpUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    return 'SMTP_URL is not a URL: use smtp://user:password@host:port or smtps://…';
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    return `SMTP_URL must start with smtp:// or smtps:// (not ${url.protocol}//).`;
  }
  return null;
}

/** The one way Bucketgrid sends email: invitations, password resets, and later alerts. */
export function createMailer(options: MailerOptions): Mailer {
  const { smtpUrl, logger } = options;
  if (!smtpUrl) {
    return { enabled: false, send: async () => 'off', close() {} };
  }
  const problem = checkSmtpUrl(smtpUrl);
  if (problem) throw new Error(problem);
  const url = new URL(smtpUrl);
  const from = options.from || `${PRODUCT_NAME} <no-reply@${url.hostname}>`;
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: CONNECTION_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  });
  return {
    enabled: true,
    async send(message) {
      try {
        await transport.sendMail({ from, ...message });
        return 'sent';
      } catch (error) {
        logger?.('warn', 'email not sent', {
          subject: message.subject,
          error: (error as { code?: string }).code ?? 'failed',
        });
        return 'failed';
      }
    },
    close() {
      transport.close();
    },
  };
}

/** Text for the HTML part of a message. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import type { AlertNotification, ContactPoint } from '@bucketgrid/store';
import { escapeHtml, type Mailer, PRODUCT_NAME } from '../mailer.ts';
import type { AlertPayload } from './payload.ts';
import { signWebhook } from './signature.ts';
import { checkLiteralHost, guardedLookup, RefusedTarget } from './target-guard.ts';

/** A webhook that has not answered within this is a failed attempt (retried). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface SendOptions {
  mailer: Mailer;
  /** ALERT_WEBHOOK_ALLOW_PRIVATE: let webhooks reach loopback and private addresses. */
  allowPrivate: boolean;
  /** The clock the timestamp header is read from. */
  now: () => number;
}

/** What one attempt came to: `retry` for errors that may pass (network, 5xx, 429). */
export interface SendResult {
  outcome: 'delivered' | 'retry' | 'failed';
  httpStatus: number | null;
  error: string | null;
  latencyMs: number;
}

/** The exact body a webhook or Slack contact point receives. */
export function bodyFor(point: ContactPoint, notification: AlertNotification): string {
  const payload = notification.payload as unknown as AlertPayload;
  if (point.kind === 'slack') return JSON.stringify({ text: payload.text });
  return JSON.stringify({ id: notification.id, ...payload });
}

/** One attempt to deliver one notification to its contact point. Never throws. */
export async function sendNotification(
  options: SendOptions,
  point: ContactPoint,
  notification: AlertNotification,
): Promise<SendResult> {
  const began = performance.now();
  const done = (result: Omit<SendResult, 'latencyMs'>): SendResult => ({
    ...result,
    latencyMs: Math.round((performance.now() - began) * 10) / 10,
  });
  if (point.kind === 'email') {
    const outcome = await options.mailer.send(emailFor(point.target, notification));
    if (outcome === 'sent') return done({ outcome: 'delivered', httpStatus: null, error: null });
    if (outcome === 'off') {
      return done({ outcome: 'failed', httpStatus: null, error: 'email is off: set SMTP_URL' });
    }
    return done({ outcome: 'retry', httpStatus: null, error: 'the mail server refused or failed' });
  }
  try {
    const status = await post(options, point, notification);
    if (status >= 200 && status < 300)
      return done({ outcome: 'delivered', httpStatus: status, error: null });
    const retry = status >= 500 || status === 429 || status === 408;
    return done({
      outcome: retry ? 'retry' : 'failed',
      httpStatus: status,
      error: `HTTP ${status}`,
    });
  } catch (error) {
    const refused = error instanceof RefusedTarget;
    return done({
      outcome: refused ? 'failed' : 'retry',
      httpStatus: null,
      error: (error as Error).message,
    });
  }
}

function post(
  options: SendOptions,
  point: ContactPoint,
  notification: AlertNotification,
): Promise<number> {
  const url = new URL(point.target);
  checkLiteralHost(url, options.allowPrivate);
  const body = bodyFor(point, notification);
  const timestamp = Math.floor(options.now() / 1000);
  const payload = notification.payload as unknown as AlertPayload;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        lookup: guardedLookup(options.allowPrivate) as never,
        timeout: WEBHOOK_TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'user-agent': `${PRODUCT_NAME}-Alerts/1`,
          'x-bucketgrid-notification-id': notification.id,
          'x-bucketgrid-event': payload.type,
          'x-bucketgrid-timestamp': String(timestamp),
          'x-bucketgrid-signature': `sha256=${signWebhook(point.secret, timestamp, body)}`,
        },
      },
      (res) => {
        // The answer's body is not read: only its status counts.
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${WEBHOOK_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function emailFor(to: string, notification: AlertNotification) {
  const payload = notification.payload as unknown as AlertPayload;
  const subject = `[${PRODUCT_NAME}] ${payload.text}`.slice(0, 200);
  const text = `${payload.text}\n\nAt ${payload.at}. Notification ${notification.id}.\n`;
  const html = `<p>${escapeHtml(payload.text)}</p><p>At ${escapeHtml(payload.at)}. Notification ${escapeHtml(notification.id)}.</p>`;
  return { to, subject, text, html };
}

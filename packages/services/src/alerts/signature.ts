import { createHmac, randomBytes } from 'node:crypto';

/** A contact point's signing secret: 32 random bytes as hex, shown once to its creator. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

/**
 * The signature of a webhook: HMAC-SHA256 with the contact point's secret over
 * `${timestamp}.${body}` (the timestamp in unix seconds, the body as sent), hex. Sent as
 * `X-Bucketgrid-Signature: sha256=<hex>` with `X-Bucketgrid-Timestamp: <timestamp>`.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

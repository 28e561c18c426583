import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Gauntlet-Signature';
export const EVENT_HEADER = 'X-Gauntlet-Event';
export const DELIVERY_HEADER = 'X-Gauntlet-Delivery';

/** Hex HMAC-SHA256 of `t + "." + body` under the webhook's secret. */
export function webhookSignature(secret: string, timestamp: number, body: string | Buffer): string {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.`, 'utf8');
  return (typeof body === 'string' ? hmac.update(body, 'utf8') : hmac.update(body)).digest('hex');
}

/** The `X-Gauntlet-Signature` value: `t=<unix seconds>,v1=<hex HMAC>`. */
export function signatureHeader(secret: string, body: string, nowSeconds: number): string {
  return `t=${nowSeconds},v1=${webhookSignature(secret, nowSeconds, body)}`;
}

export type SignatureCheck =
  { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * For receivers: checks an `X-Gauntlet-Signature` header against the raw request body (the bytes
 * as received, before any JSON parsing) and refuses a timestamp more than `toleranceSeconds` away
 * from `nowSeconds`, so a captured request cannot be replayed later. Several `v1=` entries are
 * accepted (any one matching is enough), which leaves room for sending under two secrets while
 * one is being replaced. The comparison takes constant time.
 *
 * ```ts
 * const check = verifyWebhookSignature(secret, req.headers['x-gauntlet-signature'], rawBody, 300);
 * if (!check.ok) return res.status(400).end();
 * ```
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string | Buffer,
  toleranceSeconds = 300,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): SignatureCheck {
  if (!header) return { ok: false, reason: 'malformed' };
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return { ok: false, reason: 'malformed' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value)) return { ok: false, reason: 'malformed' };
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (/^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
    }
  }
  if (timestamp === undefined || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(webhookSignature(secret, timestamp, body), 'hex');
  const matches = candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
  return matches ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}

import { createHash } from 'node:crypto';

/** Bybit's limit for `orderLinkId`; Binance's `newClientOrderId` allows the same. */
export const CLIENT_ORDER_ID_MAX_LENGTH = 36;
/** 22 base64url characters carry 132 bits of the hash: collisions between bots are not a practical concern. */
const HASH_CHARS = 22;

/**
 * The client order id of a bot's `seq`-th order. It depends only on its inputs, so a retried
 * activity or a bot that restarts from its history sends the very id it sent before, and the
 * venue answers with the existing order instead of opening a second one. The workflow id is
 * hashed because it may be longer than the venue allows and contain characters it refuses.
 */
export function clientOrderId(botWorkflowId: string, seq: number): string {
  if (botWorkflowId.length === 0) throw new RangeError('botWorkflowId must not be empty');
  if (!Number.isSafeInteger(seq) || seq < 0)
    throw new RangeError(`seq must be a non-negative safe integer, got ${seq}`);
  const hash = createHash('sha256').update(botWorkflowId, 'utf8').digest('base64url').slice(0, HASH_CHARS);
  // At most 22 + 1 + 11 (MAX_SAFE_INTEGER in base 36) = 34 characters.
  return `${hash}-${seq.toString(36)}`;
}

const VALID = /^[A-Za-z0-9_-]{1,36}$/;

/** Whether a venue accepts `id` as a client order id. */
export function isValidClientOrderId(id: string): boolean {
  return VALID.test(id);
}

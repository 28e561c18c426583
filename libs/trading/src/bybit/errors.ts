import { BrokerError, type BrokerErrorCode } from '../broker';

/** The retCode Bybit answers when an `orderLinkId` is already taken. */
export const RET_DUPLICATE_ORDER_LINK_ID = 110072;
/** "Order does not exist" (or is too late to cancel / amend). */
export const RET_ORDER_NOT_EXISTS = 110001;

const CODES: ReadonlyMap<number, BrokerErrorCode> = new Map<number, BrokerErrorCode>([
  // Rate limits: the API's own (10006) and the IP's (10018).
  [10006, 'rate_limited'],
  [10018, 'rate_limited'],
  // Key, signature, permission, key bound to other IPs, banned, expired.
  [10003, 'auth'],
  [10004, 'auth'],
  [10005, 'auth'],
  [10007, 'auth'],
  [10009, 'auth'],
  [10010, 'auth'],
  [33004, 'auth'],
  [RET_ORDER_NOT_EXISTS, 'not_found'],
  // Server-side trouble the venue asks to retry: timeout, internal error, restarting,
  // backend timeout, and a request outside recvWindow (a clock hiccup, fine on a fresh timestamp).
  [10000, 'unavailable'],
  [10002, 'unavailable'],
  [10016, 'unavailable'],
  [10019, 'unavailable'],
  [170007, 'unavailable'],
  [170146, 'unavailable'],
]);

/**
 * A Bybit refusal as a BrokerError. Codes not listed — bad parameters (10001), insufficient
 * balance (110007, 170131), reduce-only violations and the rest of Bybit's order checks — are
 * `rejected`: the same request will be refused again.
 */
export function errorFromRetCode(retCode: number, retMsg: string, what = 'request'): BrokerError {
  const code = CODES.get(retCode) ?? 'rejected';
  return new BrokerError(code, `bybit ${what}: ${retMsg || 'error'} (retCode ${retCode})`, retCode);
}

/**
 * A response without a usable Bybit envelope, by its HTTP status. Bybit answers 403 when the IP
 * breaks its request budget, so 403 means "slow down" here, not "forbidden".
 */
export function errorFromHttpStatus(status: number, what = 'request'): BrokerError {
  const code: BrokerErrorCode =
    status === 429 || status === 418 || status === 403
      ? 'rate_limited'
      : status === 401
        ? 'auth'
        : status >= 500 || status === 408
          ? 'unavailable'
          : 'rejected';
  return new BrokerError(code, `bybit ${what}: HTTP ${status}`, status);
}

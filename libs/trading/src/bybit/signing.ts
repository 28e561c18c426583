import { createHmac } from 'node:crypto';

/**
 * Bybit v5 REST signature: hex HMAC-SHA256 with the API secret over
 * `timestamp + apiKey + recvWindow + payload`, where the payload is the query string exactly as
 * sent (GET) or the JSON body exactly as sent (POST).
 */
export function signRest(
  secret: string,
  timestamp: number,
  apiKey: string,
  recvWindow: number,
  payload: string,
): string {
  return createHmac('sha256', secret).update(`${timestamp}${apiKey}${recvWindow}${payload}`).digest('hex');
}

/** Bybit v5 private-stream `auth` signature: hex HMAC-SHA256 over `GET/realtime` + expiry (epoch ms). */
export function signStreamAuth(secret: string, expires: number): string {
  return createHmac('sha256', secret).update(`GET/realtime${expires}`).digest('hex');
}

/** The headers of one signed request. */
export function signedHeaders(
  apiKey: string,
  secret: string,
  timestamp: number,
  recvWindow: number,
  payload: string,
): Record<string, string> {
  return {
    'X-BAPI-API-KEY': apiKey,
    'X-BAPI-TIMESTAMP': String(timestamp),
    'X-BAPI-RECV-WINDOW': String(recvWindow),
    'X-BAPI-SIGN': signRest(secret, timestamp, apiKey, recvWindow, payload),
  };
}

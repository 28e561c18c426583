import { BrokerError } from '../broker';
import { errorFromHttpStatus, errorFromRetCode } from './errors';

describe('Bybit error mapping', () => {
  it.each([
    [10006, 'rate_limited', true],
    [10018, 'rate_limited', true],
    [10003, 'auth', false],
    [10004, 'auth', false],
    [10005, 'auth', false],
    [110001, 'not_found', false],
    [110007, 'rejected', false],
    [10001, 'rejected', false],
    [170131, 'rejected', false],
    [110017, 'rejected', false],
    [10016, 'unavailable', true],
    [10002, 'unavailable', true],
  ] as const)('retCode %i → %s', (retCode, code, retryable) => {
    const e = errorFromRetCode(retCode, 'message from venue', 'order create');
    expect(e).toBeInstanceOf(BrokerError);
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(retryable);
    expect(e.venueCode).toBe(retCode);
    expect(e.message).toContain('message from venue');
    expect(e.message).toContain(String(retCode));
  });

  it.each([
    [429, 'rate_limited'],
    [403, 'rate_limited'],
    [401, 'auth'],
    [500, 'unavailable'],
    [502, 'unavailable'],
    [503, 'unavailable'],
    [400, 'rejected'],
    [404, 'rejected'],
  ] as const)('HTTP %i → %s', (status, code) => {
    const e = errorFromHttpStatus(status);
    expect(e.code).toBe(code);
    expect(e.venueCode).toBe(status);
  });
});

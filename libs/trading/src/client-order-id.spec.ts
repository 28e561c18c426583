import { createHash } from 'node:crypto';
import { clientOrderId, isValidClientOrderId } from './client-order-id';

describe('clientOrderId', () => {
  it('is the first 22 base64url characters of the SHA-256 of the workflow id, a dash and seq in base 36', () => {
    // SHA-256("bot-1") computed independently: `printf bot-1 | openssl dgst -sha256 -binary | base64`
    // = "1sAR6GsUi73RfmmtWCvLE+xz55s5rEBFHeJuToxtgtw=" → base64url ("+" becomes "-"), first 22 characters.
    expect(createHash('sha256').update('bot-1').digest('base64')).toBe(
      '1sAR6GsUi73RfmmtWCvLE+xz55s5rEBFHeJuToxtgtw=',
    );
    expect(clientOrderId('bot-1', 0)).toBe('1sAR6GsUi73RfmmtWCvLE--0');
    expect(clientOrderId('bot-1', 35)).toBe('1sAR6GsUi73RfmmtWCvLE--z');
    expect(clientOrderId('bot-1', 36)).toBe('1sAR6GsUi73RfmmtWCvLE--10');
  });

  it('is deterministic', () => {
    expect(clientOrderId('bot:user-7:strategy', 12)).toBe(clientOrderId('bot:user-7:strategy', 12));
  });

  it('stays within 36 venue-safe characters for long and odd workflow ids and the largest seq', () => {
    const ids = [
      clientOrderId('x'.repeat(500), Number.MAX_SAFE_INTEGER),
      clientOrderId('bot/ünïcødé 🚀 with spaces & symbols', 1),
      clientOrderId('a', 0),
    ];
    for (const id of ids) {
      expect(id.length).toBeLessThanOrEqual(36);
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(isValidClientOrderId(id)).toBe(true);
    }
  });

  it('gives distinct ids for distinct workflow ids and sequence numbers', () => {
    const seen = new Set<string>();
    for (let bot = 0; bot < 200; bot++)
      for (let seq = 0; seq < 50; seq++) seen.add(clientOrderId(`bot-${bot}`, seq));
    expect(seen.size).toBe(200 * 50);
  });

  it('refuses an empty workflow id and a negative, fractional or unsafe seq', () => {
    expect(() => clientOrderId('', 1)).toThrow(RangeError);
    expect(() => clientOrderId('bot', -1)).toThrow(/seq/);
    expect(() => clientOrderId('bot', 1.5)).toThrow(/seq/);
    expect(() => clientOrderId('bot', Number.MAX_SAFE_INTEGER + 1)).toThrow(/seq/);
  });

  it('isValidClientOrderId refuses what a venue would refuse', () => {
    expect(isValidClientOrderId('abc_DEF-123')).toBe(true);
    expect(isValidClientOrderId('')).toBe(false);
    expect(isValidClientOrderId('a'.repeat(37))).toBe(false);
    expect(isValidClientOrderId('has space')).toBe(false);
    expect(isValidClientOrderId('slash/')).toBe(false);
  });
});

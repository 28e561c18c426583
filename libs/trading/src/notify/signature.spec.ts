import { signatureHeader, verifyWebhookSignature, webhookSignature } from './signature';

const SECRET = 'whsec_test';
const BODY = '{"id":"fill:bot-1:f-1","kind":"fill"}';
// Computed outside the code under test:
//   printf '%s' '1700000000.{"id":"fill:bot-1:f-1","kind":"fill"}' | openssl dgst -sha256 -hmac 'whsec_test'
const V1_AT_1700000000 = 'beb2db67a3c6e70d0a1c42fdb2631434d7ba6fe2d987ceaa7b963f4650ebf1d7';
//   printf '%s' '1700000300.{"id":"fill:bot-1:f-1","kind":"fill"}' | openssl dgst -sha256 -hmac 'whsec_test'
const V1_AT_1700000300 = '857af2fe59b693511683a420792327e1efe342e7cf862ea20451cd5510d23b44';

describe('webhook signatures', () => {
  it('signs t + "." + body with HMAC-SHA256, as openssl computes it', () => {
    expect(webhookSignature(SECRET, 1_700_000_000, BODY)).toBe(V1_AT_1700000000);
    expect(webhookSignature(SECRET, 1_700_000_300, Buffer.from(BODY))).toBe(V1_AT_1700000300);
    expect(signatureHeader(SECRET, BODY, 1_700_000_000)).toBe(`t=1700000000,v1=${V1_AT_1700000000}`);
  });

  it('accepts a header made independently of the signer, within the tolerance', () => {
    const header = `t=1700000000,v1=${V1_AT_1700000000}`;
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, 1_700_000_000)).toEqual({
      ok: true,
      timestamp: 1_700_000_000,
    });
    expect(verifyWebhookSignature(SECRET, header, Buffer.from(BODY), 300, 1_700_000_300).ok).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, 1_699_999_700).ok).toBe(true);
  });

  it('accepts any one of several v1 entries', () => {
    const header = `t=1700000000,v1=${'0'.repeat(64)},v1=${V1_AT_1700000000}`;
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, 1_700_000_000).ok).toBe(true);
  });

  it('refuses an old or future timestamp', () => {
    const header = `t=1700000000,v1=${V1_AT_1700000000}`;
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, 1_700_000_301)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, 1_699_999_699)).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('refuses another body, another secret, or a signature moved to another timestamp', () => {
    const header = `t=1700000000,v1=${V1_AT_1700000000}`;
    const now = 1_700_000_000;
    expect(verifyWebhookSignature(SECRET, header, `${BODY} `, 300, now)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature('whsec_other', header, BODY, 300, now).ok).toBe(false);
    const moved = `t=1700000300,v1=${V1_AT_1700000000}`;
    expect(verifyWebhookSignature(SECRET, moved, BODY, 300, 1_700_000_300)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it.each([
    [undefined],
    [''],
    [`v1=${V1_AT_1700000000}`],
    ['t=1700000000'],
    [`t=soon,v1=${V1_AT_1700000000}`],
    ['t=1700000000,v1=zz'],
    [`t=1700000000;v1=${V1_AT_1700000000}`],
  ])('calls %p malformed', (header) => {
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, 1_700_000_000)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});

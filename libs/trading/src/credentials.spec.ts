import { createDecipheriv } from 'node:crypto';
import { format, inspect } from 'node:util';
import {
  CredentialCipher,
  CredentialsDecryptError,
  CredentialsKeyError,
  keyId,
  parseEncryptionKey,
  redact,
} from './credentials';

const KEY_A = Buffer.alloc(32, 0xa1);
const KEY_B = Buffer.alloc(32, 0xb2);
const creds = { apiKey: 'key-123', apiSecret: 'secret-456' };

/** Flips one bit of the sealed value's binary part at `index` (0 = first IV byte). */
function flip(sealed: string, index: number): string {
  const [v, id, data] = sealed.split(':') as [string, string, string];
  const raw = Buffer.from(data, 'base64url');
  raw[index] = raw[index]! ^ 0x01;
  return `${v}:${id}:${raw.toString('base64url')}`;
}

describe('parseEncryptionKey', () => {
  it('accepts 64 hex characters and base64 of 32 bytes', () => {
    expect(parseEncryptionKey('a1'.repeat(32))).toEqual(KEY_A);
    expect(parseEncryptionKey(KEY_A.toString('base64'))).toEqual(KEY_A);
  });

  it('fails clearly, naming the variable, when the key is missing or the wrong length', () => {
    expect(() => parseEncryptionKey(undefined)).toThrow(CredentialsKeyError);
    expect(() => parseEncryptionKey('')).toThrow(/GAUNTLET_ENCRYPTION_KEY is not set/);
    expect(() => parseEncryptionKey(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes.*got 16 bytes/);
    expect(() => parseEncryptionKey('not a key!')).toThrow(/GAUNTLET_ENCRYPTION_KEY must be 32 bytes/);
  });

  it('CredentialCipher.fromEnv reads the current and the retired keys', () => {
    expect(() => CredentialCipher.fromEnv({})).toThrow(/GAUNTLET_ENCRYPTION_KEY is not set/);
    expect(() =>
      CredentialCipher.fromEnv({
        GAUNTLET_ENCRYPTION_KEY: 'a1'.repeat(32),
        GAUNTLET_ENCRYPTION_KEYS_PREVIOUS: 'abc',
      }),
    ).toThrow(/GAUNTLET_ENCRYPTION_KEYS_PREVIOUS/);
    const old = new CredentialCipher(KEY_B).encryptCredentials(creds);
    const cipher = CredentialCipher.fromEnv({
      GAUNTLET_ENCRYPTION_KEY: 'a1'.repeat(32),
      GAUNTLET_ENCRYPTION_KEYS_PREVIOUS: ` ${'b2'.repeat(32)} `,
    });
    expect(cipher.decryptCredentials(old)).toEqual(creds);
  });
});

describe('CredentialCipher', () => {
  it('round-trips, with a fresh IV each time and the key id in the prefix', () => {
    const cipher = new CredentialCipher(KEY_A);
    const one = cipher.encryptCredentials(creds);
    const two = cipher.encryptCredentials(creds);
    expect(one).not.toBe(two);
    expect(one.startsWith(`v1:${keyId(KEY_A)}:`)).toBe(true);
    expect(one).not.toContain('secret-456');
    expect(cipher.decryptCredentials(one)).toEqual(creds);
    expect(cipher.decryptCredentials(two)).toEqual(creds);
  });

  it('is standard AES-256-GCM over iv | tag | ciphertext with the prefix as associated data', () => {
    const sealed = new CredentialCipher(KEY_A).encrypt('hello');
    const [v, id, data] = sealed.split(':') as [string, string, string];
    const raw = Buffer.from(data, 'base64url');
    expect(raw.length).toBe(12 + 16 + 5);
    const d = createDecipheriv('aes-256-gcm', KEY_A, raw.subarray(0, 12));
    d.setAAD(Buffer.from(`${v}:${id}`));
    d.setAuthTag(raw.subarray(12, 28));
    expect(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString()).toBe('hello');
  });

  it('rejects any altered byte of IV, tag or ciphertext', () => {
    const cipher = new CredentialCipher(KEY_A);
    const sealed = cipher.encryptCredentials(creds);
    for (const index of [0, 11, 12, 27, 28, 40]) {
      expect(() => cipher.decrypt(flip(sealed, index))).toThrow(CredentialsDecryptError);
    }
  });

  it('rejects a swapped key id, a truncated value and garbage', () => {
    const cipher = new CredentialCipher(KEY_A, [KEY_B]);
    const sealed = cipher.encrypt('x');
    // Claiming the other known key makes the associated data and the key wrong: authentication fails.
    expect(() => cipher.decrypt(sealed.replace(keyId(KEY_A), keyId(KEY_B)))).toThrow(/failed authentication/);
    expect(() => cipher.decrypt(sealed.slice(0, 20))).toThrow(CredentialsDecryptError);
    expect(() => cipher.decrypt('plain text')).toThrow(/not a sealed credential/);
  });

  it('refuses a value sealed with a key it does not hold (wrong key)', () => {
    const sealed = new CredentialCipher(KEY_B).encryptCredentials(creds);
    expect(() => new CredentialCipher(KEY_A).decryptCredentials(sealed)).toThrow(/unknown key/);
  });

  it('opens values sealed with a retired key, flags them for rotation, seals anew with the current key', () => {
    const oldSealed = new CredentialCipher(KEY_B).encryptCredentials(creds);
    const rotated = new CredentialCipher(KEY_A, [KEY_B]);
    expect(rotated.needsRotation(oldSealed)).toBe(true);
    const resealed = rotated.encryptCredentials(rotated.decryptCredentials(oldSealed));
    expect(rotated.needsRotation(resealed)).toBe(false);
    expect(new CredentialCipher(KEY_A).decryptCredentials(resealed)).toEqual(creds);
  });

  it('does not show its keys when printed', () => {
    const cipher = new CredentialCipher(KEY_A);
    const printed = inspect(cipher, { showHidden: true, depth: 5 }) + JSON.stringify(cipher);
    expect(printed).not.toContain('a1a1');
    expect(printed).not.toMatch(/161, 161/);
  });
});

describe('redact', () => {
  it('prints credentials as [redacted] in JSON, util.inspect, console formatting and strings', () => {
    const c = redact({ ...creds });
    expect(JSON.stringify(c)).toBe('"[redacted]"');
    expect(JSON.stringify({ bot: 'b1', credentials: c })).toBe('{"bot":"b1","credentials":"[redacted]"}');
    expect(inspect(c)).toBe('[redacted]');
    expect(inspect({ nested: { c } })).toBe('{ nested: { c: [redacted] } }');
    expect(format('%o %O %s', c, c, c)).not.toContain('secret-456');
    expect(`${String(c)}`).toBe('[redacted]');
    // Code still reads the fields.
    expect(c.apiSecret).toBe('secret-456');
    expect(Object.keys(c)).toEqual(['apiKey', 'apiSecret']);
  });

  it('is what decryptCredentials returns', () => {
    const cipher = new CredentialCipher(KEY_A);
    const c = cipher.decryptCredentials(cipher.encryptCredentials(creds));
    expect(inspect(c)).toBe('[redacted]');
    expect(JSON.stringify(c)).toBe('"[redacted]"');
  });
});

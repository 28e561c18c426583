import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

/** An exchange API key pair as a bot uses it. Make it with `redact` so it never prints. */
export interface ExchangeCredentials {
  apiKey: string;
  apiSecret: string;
}

/** The variable holding the current key, and the one holding retired keys still able to decrypt. */
export const ENCRYPTION_KEY_VAR = 'GAUNTLET_ENCRYPTION_KEY';
export const PREVIOUS_KEYS_VAR = 'GAUNTLET_ENCRYPTION_KEYS_PREVIOUS';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const REDACTED = '[redacted]';

export class CredentialsKeyError extends Error {
  override readonly name = 'CredentialsKeyError';
}

/** Raised for anything that cannot be decrypted: malformed, unknown key, or altered. */
export class CredentialsDecryptError extends Error {
  override readonly name = 'CredentialsDecryptError';
}

/**
 * A 32-byte key written as 64 hex characters (what `GAUNTLET_ENCRYPTION_KEY` holds, and what
 * `openssl rand -hex 32` prints) or as base64 (`openssl rand -base64 32`).
 */
export function parseEncryptionKey(value: string | undefined, variable = ENCRYPTION_KEY_VAR): Buffer {
  const text = value?.trim() ?? '';
  if (text === '') throw new CredentialsKeyError(`${variable} is not set: it must hold a 32-byte key`);
  const key = /^[0-9a-f]{64}$/i.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)
      ? Buffer.from(text, 'base64')
      : undefined;
  if (!key || key.length !== KEY_BYTES)
    throw new CredentialsKeyError(
      `${variable} must be 32 bytes as 64 hex characters or base64, got ${key ? `${key.length} bytes` : 'neither'}`,
    );
  return key;
}

/**
 * A short public name for a key, stored with each ciphertext so that after a rotation the right
 * key is picked without trying them all. It is a hash of the key, so it reveals nothing usable
 * and needs no version number kept in step by hand.
 */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('gauntlet-credentials-key-id\0').update(key).digest('hex').slice(0, 8);
}

/**
 * AES-256-GCM for exchange credentials at rest. A sealed value reads
 * `v1:<key id>:<base64url(iv | tag | ciphertext)>`, with a fresh random 12-byte IV each time;
 * the `v1:<key id>` prefix is authenticated too, so no part can be altered unnoticed. New values
 * are sealed with the current key; retired keys only open old ones (`needsRotation` finds them).
 */
export class CredentialCipher {
  private readonly currentId: string;
  readonly #keys = new Map<string, Buffer>();

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== KEY_BYTES)
        throw new CredentialsKeyError(`an encryption key must be 32 bytes, got ${key.length}`);
    }
    this.currentId = keyId(current);
    this.#keys.set(this.currentId, Buffer.from(current));
    for (const key of previous) if (!this.#keys.has(keyId(key))) this.#keys.set(keyId(key), Buffer.from(key));
  }

  /** Keys from `GAUNTLET_ENCRYPTION_KEY` and the comma-separated `GAUNTLET_ENCRYPTION_KEYS_PREVIOUS`. */
  static fromEnv(env: Record<string, string | undefined> = process.env): CredentialCipher {
    const previous = (env[PREVIOUS_KEYS_VAR] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => parseEncryptionKey(s, PREVIOUS_KEYS_VAR));
    return new CredentialCipher(parseEncryptionKey(env[ENCRYPTION_KEY_VAR]), previous);
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const header = `${FORMAT}:${this.currentId}`;
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(this.currentId)!, iv);
    cipher.setAAD(Buffer.from(header, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${header}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  decrypt(sealed: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 3 || parts[0] !== FORMAT)
      throw new CredentialsDecryptError('not a sealed credential (expected v1:<key id>:<data>)');
    const [, id, data] = parts as [string, string, string];
    const key = this.#keys.get(id);
    if (!key) throw new CredentialsDecryptError(`sealed with unknown key ${id}`);
    const raw = Buffer.from(data, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES)
      throw new CredentialsDecryptError('sealed credential is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`${FORMAT}:${id}`, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new CredentialsDecryptError('sealed credential failed authentication: altered or wrong key');
    }
  }

  encryptCredentials(credentials: ExchangeCredentials): string {
    return this.encrypt(JSON.stringify({ apiKey: credentials.apiKey, apiSecret: credentials.apiSecret }));
  }

  decryptCredentials(sealed: string): ExchangeCredentials {
    const value = JSON.parse(this.decrypt(sealed)) as Partial<ExchangeCredentials>;
    if (typeof value.apiKey !== 'string' || typeof value.apiSecret !== 'string')
      throw new CredentialsDecryptError('sealed value is not an exchange credential');
    return redact({ apiKey: value.apiKey, apiSecret: value.apiSecret });
  }

  /** Whether `sealed` was made with a retired key and should be sealed again with the current one. */
  needsRotation(sealed: string): boolean {
    return sealed.split(':')[1] !== this.currentId;
  }

  /** The current key's id, for logs and tests; the key itself never leaves this object. */
  get currentKeyId(): string {
    return this.currentId;
  }
}

/**
 * Makes `value` print as `[redacted]` through `JSON.stringify`, `util.inspect` / `console.log`
 * and string conversion, while its fields stay readable to code. A copy made by spreading it is
 * an ordinary object again.
 */
export function redact<T extends object>(value: T): T {
  const hidden = { enumerable: false, configurable: true, writable: false };
  Object.defineProperty(value, 'toJSON', { ...hidden, value: () => REDACTED });
  Object.defineProperty(value, 'toString', { ...hidden, value: () => REDACTED });
  Object.defineProperty(value, inspect.custom, { ...hidden, value: () => REDACTED });
  return value;
}

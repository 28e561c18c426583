import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'gk_';

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = PREFIX + randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, PREFIX.length + 6), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(PREFIX) && value.length > PREFIX.length + 20;
}

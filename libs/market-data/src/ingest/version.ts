import { createHash } from 'node:crypto';

/** The data version after importing `contentHash` on top of `previous`: a chain over content hashes. */
export function nextDataVersion(previous: string | null, contentHash: string): string {
  return createHash('sha256')
    .update(previous ?? '')
    .update('\n')
    .update(contentHash)
    .digest('hex')
    .slice(0, 32);
}

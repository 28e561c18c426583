import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** `../shared/data` beside the repository root; tests that need it skip when it is absent. */
export const SHARED_DATA = resolve(__dirname, '..', '..', '..', '..', '..', '..', 'shared', 'data');

export const hasSharedData = existsSync(SHARED_DATA);

export function sharedFile(relative: string): string {
  return resolve(SHARED_DATA, relative);
}

/** `describe` when the shared data is present; otherwise a skipped block that says why. */
export function describeWithSharedData(name: string, body: () => void): void {
  if (hasSharedData) {
    describe(name, body);
  } else {
    describe.skip(`${name} (skipped: ${SHARED_DATA} is absent)`, body);
  }
}

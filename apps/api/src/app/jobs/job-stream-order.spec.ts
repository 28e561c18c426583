import { type JobProgressEvent } from '@gauntlet/contracts';
import { isLater } from './jobs.service';

const ev = (status: JobProgressEvent['status'], progress: number): JobProgressEvent => ({
  jobId: 'sw_1',
  status,
  progress,
  at: '2026-01-01T00:00:00.000Z',
});

describe('isLater (the order of a job event stream)', () => {
  it('moves forward on more progress or a later status', () => {
    expect(isLater(ev('running', 0.5), ev('running', 0.4))).toBe(true);
    expect(isLater(ev('running', 0), ev('queued', 0))).toBe(true);
    expect(isLater(ev('completed', 1), ev('running', 0.995))).toBe(true);
    expect(isLater(ev('cancelled', 0.3), ev('running', 0.4))).toBe(true);
  });

  it('drops a stored row that lags the last live event, a repeat, and an earlier status', () => {
    // The worker published 0.995 ('summarised'); the periodic read still saw 0.99.
    expect(isLater(ev('running', 0.99), ev('running', 0.995))).toBe(false);
    expect(isLater(ev('running', 0.5), ev('running', 0.5))).toBe(false);
    expect(isLater(ev('queued', 0), ev('running', 0.1))).toBe(false);
  });
});

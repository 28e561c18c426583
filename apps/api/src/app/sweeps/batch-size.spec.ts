import { BATCH_TARGET_BAR_EVALS, defaultBatchSize } from './sweeps.service';

describe('defaultBatchSize', () => {
  it('sizes batches by engine work: 10,000 cells over 100,000 bars make eight batches of 1,250', () => {
    // By work alone a batch could take 2e8 / 1e5 = 2,000 cells, but eight batches need 1,250.
    expect(defaultBatchSize(10_000, 100_000)).toBe(1_250);
  });

  it('keeps a batch near the work target on long series', () => {
    // 1,000,000 bars: 200 cells is 2e8 bar-evaluations.
    expect(defaultBatchSize(100_000, 1_000_000)).toBe(200);
    expect(200 * 1_000_000).toBe(BATCH_TARGET_BAR_EVALS);
  });

  it('never goes below 20 cells, above 5,000 or above the space', () => {
    expect(defaultBatchSize(100_000, 50_000_000)).toBe(20);
    expect(defaultBatchSize(1_000_000, 1_000)).toBe(5_000);
    expect(defaultBatchSize(12, 1_000)).toBe(12);
    expect(defaultBatchSize(1, 0)).toBe(1);
  });
});

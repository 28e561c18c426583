export {
  type BarChunk,
  type SyntheticBarsOptions,
  SYNTHETIC_BAR_MS,
  generateSyntheticBars,
  generateSyntheticSeries,
  syntheticBarCount,
} from './generator';
export { DEMO_DATA_VERSION, DEMO_INSTRUMENT_ID, DEMO_SYNTHETIC_OPTIONS } from './demo';
export { type Seed, Xoshiro128 } from './prng';

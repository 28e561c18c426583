import { type SyntheticBarsOptions } from './generator';

/** The demo data set `npm start` seeds: a year of synthetic 1-minute BTC/USDT-like bars. */
export const DEMO_INSTRUMENT_ID = 'demo:BTCUSDT';

export const DEMO_SYNTHETIC_OPTIONS: Readonly<SyntheticBarsOptions> = Object.freeze({
  seed: 20240101,
  start: Date.UTC(2024, 0, 1),
  end: Date.UTC(2025, 0, 1),
  startPrice: 42_000,
  annualVol: 0.55,
  annualDrift: 0.3,
  jumpsPerDay: 4,
  jumpScale: 0.003,
  meanVolume: 25,
  priceDecimals: 2,
  volumeDecimals: 5,
});

/**
 * Identifies the demo data set's content. Seeders store it as the instrument's data version, so a
 * change to the generator or its options shows up as new data rather than silently different bars.
 */
export const DEMO_DATA_VERSION = 'synthetic-v1';

/** A point to mark on the candles, e.g. a fill: buys point up, sells down. */
export interface PriceMarker {
  /** Epoch ms. */
  time: number;
  price: number;
  side: 'buy' | 'sell';
}

type MarkerPoint = [number, number];

/** Buys and sells as the two scatter series' points. */
export function markerPoints(markers: readonly PriceMarker[]): { buys: MarkerPoint[]; sells: MarkerPoint[] } {
  const buys: MarkerPoint[] = [];
  const sells: MarkerPoint[] = [];
  for (const m of markers) (m.side === 'buy' ? buys : sells).push([m.time, m.price]);
  return { buys, sells };
}

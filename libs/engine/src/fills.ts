import { type OrderSide, type SizeSpec } from '@gauntlet/strategies';
import { type LegBook, type Ledger, participationCap, takerPrice } from './ledger';
import { type FillReason } from './types';

/** Where and when a fill happens: the bar's range and volume bound the price and the size. */
export interface FillSite {
  bar: number;
  time: number;
  low: number;
  high: number;
  volume: number;
}

/**
 * Fills an order that closes the whole position (`closePosition`, the first half of a reversal,
 * a liquidation) at `raw` before costs. Returns the units filled (the volume-participation cap
 * can leave part of a voluntary close unfilled).
 */
export function fillClose(
  ledger: Ledger,
  leg: LegBook,
  raw: number,
  site: FillSite,
  orderId: number,
  reason: FillReason,
): number {
  const pos = leg.pos;
  if (pos === 0) return 0;
  const side: OrderSide = pos > 0 ? 'sell' : 'buy';
  const held = pos > 0 ? pos : -pos;
  // A liquidation or the end-of-data close takes the whole position whatever the volume.
  const units =
    reason === 'liquidation' || reason === 'end' ? held : participationCap(ledger.cfg, held, site.volume);
  if (!(units > 0)) return 0;
  const price = takerPrice(ledger.cfg, side, raw, units, site.volume, site.low, site.high);
  ledger.fill(
    leg,
    side,
    units,
    price,
    ledger.fee(units, price, false),
    site.bar,
    site.time,
    orderId,
    reason,
    undefined,
  );
  return units;
}

/**
 * Fills an order that may open or add to a position. `fixedUnits` (already rounded) skips the
 * sizing; otherwise `spec` (or the configured policy) is resolved at the fill price. A passive
 * fill (a resting limit) pays the maker rate and no slippage; `priceCap` bounds a stop-limit's
 * aggressive fill by its limit. Returns the units filled, 0 when the order was refused; the
 * fill price goes to `out.price` when `out` is given (no object is allocated per fill).
 */
export function fillEntry(
  ledger: Ledger,
  leg: LegBook,
  side: OrderSide,
  spec: SizeSpec | undefined,
  fixedUnits: number,
  raw: number,
  passive: boolean,
  priceCap: number,
  site: FillSite,
  orderId: number,
  reason: FillReason,
  tag: string | undefined,
  stopLoss: number,
  out?: { price: number },
): number {
  const cfg = ledger.cfg;
  let price = passive
    ? raw
    : capped(side, takerPrice(cfg, side, raw, 0, site.volume, site.low, site.high), priceCap);
  let units = fixedUnits > 0 ? fixedUnits : ledger.entryUnits(leg, spec, raw, price, stopLoss, passive);
  units = participationCap(cfg, units, site.volume);
  if (!(units > 0)) {
    ledger.rejected++;
    if (out) out.price = price;
    return 0;
  }
  if (!passive && cfg.impactBps > 0) {
    const impacted = capped(
      side,
      takerPrice(cfg, side, raw, units, site.volume, site.low, site.high),
      priceCap,
    );
    if (impacted !== price) {
      price = impacted;
      if (!(fixedUnits > 0)) {
        // Impact made the fill dearer; size again so margin still covers it.
        const again = ledger.entryUnits(leg, spec, raw, price, stopLoss, passive);
        units = again < units ? again : units;
        if (!(units > 0)) {
          ledger.rejected++;
          if (out) out.price = price;
          return 0;
        }
      }
    }
  }
  ledger.fill(
    leg,
    side,
    units,
    price,
    ledger.fee(units, price, passive),
    site.bar,
    site.time,
    orderId,
    reason,
    tag,
  );
  if (out) out.price = price;
  return units;
}

/** A buy's price no higher than `cap`, a sell's no lower. */
function capped(side: OrderSide, p: number, cap: number): number {
  return side === 'buy' ? (p > cap ? cap : p) : p < cap ? cap : p;
}

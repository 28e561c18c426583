import {
  type Broker,
  BrokerError,
  type OrderAmendment,
  type OrderRequest,
  type VenueBalance,
  type VenueFill,
  type VenueOrder,
  type VenuePosition,
} from '../broker';
import { type PaperBar, PaperVenue, type PaperVenueState } from './paper-venue';

/** Where the paper account lives between calls; `save` gets the whole state after every change. */
export interface PaperStateStore {
  save(state: PaperVenueState): void | Promise<void>;
}

/**
 * The `Broker` interface over a `PaperVenue`. Every call that changes the account saves its state
 * before answering, so a caller that saw an answer can rely on it surviving a restart. Order
 * times come from `clock` when given, else from the feed (the last bar or tick seen): the
 * library itself never reads a clock.
 */
export class PaperBroker implements Broker {
  readonly mode = 'paper' as const;

  constructor(
    readonly venue: PaperVenue,
    private readonly store: PaperStateStore,
    private readonly clock?: () => number,
  ) {}

  static restore(state: PaperVenueState, store: PaperStateStore, clock?: () => number): PaperBroker {
    return new PaperBroker(PaperVenue.fromJSON(state), store, clock);
  }

  private now(): number {
    if (this.clock) return this.clock();
    const t = this.venue.now;
    return Number.isNaN(t) ? 0 : t;
  }

  private async save(): Promise<void> {
    await this.store.save(this.venue.toJSON());
  }

  private ours(symbol: string): boolean {
    return symbol === this.venue.symbol;
  }

  async placeOrder(request: OrderRequest): Promise<VenueOrder> {
    const known = this.venue.getOrder(request.clientOrderId);
    if (known) return known;
    const order = this.venue.placeOrder(request, this.now());
    await this.save();
    return order;
  }

  async amendOrder(symbol: string, clientOrderId: string, amendment: OrderAmendment): Promise<VenueOrder> {
    const order = this.venue.amendOrder(this.idFor(symbol, clientOrderId), amendment, this.now());
    await this.save();
    return order;
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<VenueOrder> {
    const order = this.venue.cancelOrder(this.idFor(symbol, clientOrderId), this.now());
    await this.save();
    return order;
  }

  async cancelAll(symbol: string): Promise<VenueOrder[]> {
    if (!this.ours(symbol)) return [];
    const cancelled = this.venue.cancelAll(this.now());
    if (cancelled.length > 0) await this.save();
    return cancelled;
  }

  async getOrder(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    return this.ours(symbol) ? this.venue.getOrder(clientOrderId) : undefined;
  }

  async openOrders(symbol: string): Promise<VenueOrder[]> {
    return this.ours(symbol) ? this.venue.openOrders() : [];
  }

  async fills(symbol: string, since: number): Promise<VenueFill[]> {
    return this.ours(symbol) ? this.venue.fills(since) : [];
  }

  async position(symbol: string): Promise<VenuePosition> {
    return this.ours(symbol) ? this.venue.position() : { symbol, qty: 0, avgEntryPrice: null };
  }

  async balance(): Promise<VenueBalance> {
    return this.venue.balance();
  }

  /** Feeds one closed bar to the venue and saves; returns the fills it produced. */
  async onBar(bar: PaperBar): Promise<VenueFill[]> {
    const fills = this.venue.onBar(bar);
    await this.save();
    return fills;
  }

  /** Feeds one live trade price to the venue and saves; returns the fills it produced. */
  async onTick(price: number, time: number): Promise<VenueFill[]> {
    const fills = this.venue.onTick(price, time);
    await this.save();
    return fills;
  }

  /** An order on another symbol is unknown here, like any order the venue never saw. */
  private idFor(symbol: string, clientOrderId: string): string {
    if (!this.ours(symbol)) throw new BrokerError('not_found', `no order ${clientOrderId} on ${symbol}`);
    return clientOrderId;
  }
}

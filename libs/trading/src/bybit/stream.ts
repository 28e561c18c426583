import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import {
  BrokerError,
  type VenueBalance,
  type VenueFill,
  type VenueOrder,
  type VenuePosition,
} from '../broker';
import { type ExchangeCredentials } from '../credentials';
import { signStreamAuth } from './signing';
import {
  type BybitCategory,
  type BybitExecution,
  type BybitOrder,
  type BybitPosition,
  type BybitWallet,
  toVenueBalance,
  toVenueFill,
  toVenueOrder,
  toVenuePosition,
} from './wire';

export const BYBIT_MAINNET_STREAM_URL = 'wss://stream.bybit.com/v5/private';
export const BYBIT_TESTNET_STREAM_URL = 'wss://stream-testnet.bybit.com/v5/private';

/** The stream was down from `disconnectedAt` to `reconnectedAt`: what happened then must be read over REST. */
export interface StreamGap {
  disconnectedAt: number;
  reconnectedAt: number;
}

export interface BybitStreamEvents {
  fill: [VenueFill];
  order: [VenueOrder];
  position: [VenuePosition];
  balance: [VenueBalance];
  gap: [StreamGap];
  /** Authenticated and subscribed (first connection and every reconnection). */
  ready: [];
  disconnected: [{ at: number; reason: string }];
  error: [Error];
}

export interface BybitPrivateStreamOptions {
  credentials: ExchangeCredentials;
  testnet?: boolean;
  /** Overrides the stream's address (tests point it at a local fake). */
  url?: string;
  /** Only events of this category (executions, orders and positions carry one). Default: all. */
  category?: BybitCategory;
  /** Bybit drops a private connection that is silent for 10 minutes and asks for a ping every 20 s. */
  pingIntervalMs?: number;
  /** A connection that has not answered anything for this long after a ping is presumed dead. */
  pongTimeoutMs?: number;
  /** How long the signed `auth` request stays valid, ms. */
  authExpiryMs?: number;
  reconnect?: { initialDelayMs: number; maxDelayMs: number };
  now?: () => number;
}

type State = 'idle' | 'connecting' | 'ready' | 'waiting' | 'closed' | 'failed';

/**
 * Bybit v5's private WebSocket: fills, orders, positions and wallet changes as they happen. After
 * any disconnect it reconnects with exponential back-off and, once authenticated again, emits
 * `gap` — events in between are lost, so the listener reconciles over REST (`Broker.fills`,
 * `getOrder`, `position`). A refused authentication is final (`error` with a BrokerError `auth`).
 */
export class BybitPrivateStream extends EventEmitter<BybitStreamEvents> {
  readonly url: string;
  private state: State = 'idle';
  private socket: WebSocket | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private disconnectedAt: number | undefined;
  private lastHeard = 0;
  private reqSeq = 0;
  private firstReady: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private readonly opts: Required<
    Omit<BybitPrivateStreamOptions, 'category' | 'url' | 'testnet' | 'credentials'>
  >;
  readonly #credentials: ExchangeCredentials;

  constructor(private readonly options: BybitPrivateStreamOptions) {
    super();
    this.#credentials = options.credentials;
    this.url = options.url ?? (options.testnet ? BYBIT_TESTNET_STREAM_URL : BYBIT_MAINNET_STREAM_URL);
    this.opts = {
      pingIntervalMs: options.pingIntervalMs ?? 20_000,
      pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
      authExpiryMs: options.authExpiryMs ?? 10_000,
      reconnect: options.reconnect ?? { initialDelayMs: 500, maxDelayMs: 30_000 },
      now: options.now ?? Date.now,
    };
    // An `error` event with no listener would throw; callers that only want fills need not listen.
    this.on('error', () => undefined);
  }

  /** Connects; resolves once authenticated and subscribed, rejects if authentication is refused. */
  start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`stream already ${this.state}`);
    return new Promise<void>((resolve, reject) => {
      this.firstReady = { resolve, reject };
      this.connect();
    });
  }

  /** Closes for good; no reconnection follows. */
  async close(): Promise<void> {
    this.state = 'closed';
    this.clearTimers();
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
      // A peer that never answers the close handshake is cut off.
      setTimeout(() => socket.terminate(), 1_000).unref();
    });
  }

  get connected(): boolean {
    return this.state === 'ready';
  }

  private connect(): void {
    this.state = 'connecting';
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.on('open', () => {
      this.lastHeard = this.opts.now();
      const expires = this.opts.now() + this.opts.authExpiryMs;
      const { apiKey, apiSecret } = this.#credentials;
      this.sendJson(socket, { op: 'auth', args: [apiKey, expires, signStreamAuth(apiSecret, expires)] });
    });
    socket.on('message', (data) => this.onMessage(socket, data.toString()));
    socket.on('error', (e) => this.emit('error', e));
    socket.on('close', (code, reason) => this.onClose(socket, `${code} ${reason.toString()}`.trim()));
  }

  private onMessage(socket: WebSocket, text: string): void {
    if (socket !== this.socket) return;
    this.lastHeard = this.opts.now();
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.emit('error', new Error(`bybit stream: unparsable message ${text.slice(0, 200)}`));
      return;
    }
    if (msg['op'] === 'auth') {
      if (msg['success'] === true) {
        this.sendJson(socket, {
          op: 'subscribe',
          req_id: this.nextReqId(),
          args: ['execution', 'order', 'position', 'wallet'],
        });
        return;
      }
      this.fail(
        new BrokerError('auth', `bybit stream: authentication refused: ${String(msg['ret_msg'] ?? '')}`),
      );
      return;
    }
    if (msg['op'] === 'subscribe') {
      if (msg['success'] === true) this.onReady();
      else
        this.emit('error', new Error(`bybit stream: subscription refused: ${String(msg['ret_msg'] ?? '')}`));
      return;
    }
    if (msg['op'] === 'pong' || msg['op'] === 'ping') return;
    const data = msg['data'];
    if (!Array.isArray(data)) return;
    const wanted = (row: { category?: string }): boolean =>
      this.options.category === undefined ||
      row.category === undefined ||
      row.category === this.options.category;
    switch (msg['topic']) {
      case 'execution':
        for (const e of data as BybitExecution[])
          if (wanted(e) && (e.execType === undefined || e.execType === 'Trade'))
            this.emit('fill', toVenueFill(e));
        break;
      case 'order':
        for (const o of data as BybitOrder[]) if (wanted(o)) this.emit('order', toVenueOrder(o));
        break;
      case 'position':
        for (const p of data as BybitPosition[]) if (wanted(p)) this.emit('position', toVenuePosition(p));
        break;
      case 'wallet':
        for (const w of data as BybitWallet[])
          for (const c of w.coin ?? []) this.emit('balance', toVenueBalance(c));
        break;
    }
  }

  private onReady(): void {
    this.state = 'ready';
    this.attempt = 0;
    this.startPinging();
    if (this.firstReady) {
      this.firstReady.resolve();
      this.firstReady = undefined;
    }
    this.emit('ready');
    if (this.disconnectedAt !== undefined) {
      const gap = { disconnectedAt: this.disconnectedAt, reconnectedAt: this.opts.now() };
      this.disconnectedAt = undefined;
      this.emit('gap', gap);
    }
  }

  private onClose(socket: WebSocket, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.clearTimers();
    if (this.state === 'closed' || this.state === 'failed') return;
    // Only a connection that was up opens a gap; failed reconnection attempts extend it.
    if (this.disconnectedAt === undefined && (this.state === 'ready' || !this.firstReady))
      this.disconnectedAt = this.opts.now();
    this.emit('disconnected', { at: this.opts.now(), reason: reason || 'connection lost' });
    const { initialDelayMs, maxDelayMs } = this.opts.reconnect;
    const wait = Math.min(maxDelayMs, initialDelayMs * 2 ** this.attempt);
    this.attempt++;
    this.state = 'waiting';
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.state === 'waiting') this.connect();
    }, wait);
  }

  private fail(error: BrokerError): void {
    this.state = 'failed';
    this.clearTimers();
    this.socket?.terminate();
    this.socket = undefined;
    this.emit('error', error);
    if (this.firstReady) {
      this.firstReady.reject(error);
      this.firstReady = undefined;
    }
  }

  private startPinging(): void {
    this.pingTimer = setInterval(() => {
      const socket = this.socket;
      if (!socket) return;
      if (this.opts.now() - this.lastHeard > this.opts.pingIntervalMs + this.opts.pongTimeoutMs) {
        socket.terminate();
        return;
      }
      this.sendJson(socket, { op: 'ping', req_id: this.nextReqId() });
    }, this.opts.pingIntervalMs);
  }

  private clearTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.pingTimer = undefined;
    this.reconnectTimer = undefined;
  }

  private sendJson(socket: WebSocket, value: unknown): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(value));
  }

  private nextReqId(): string {
    return `g${++this.reqSeq}`;
  }
}

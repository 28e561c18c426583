import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  BAR_ARROW_COLUMNS,
  type BotDto,
  type BotEventDto,
  type BotFillDto,
  type BotOrderDto,
  TIMEFRAME_MS,
  type Timeframe,
  TIMEFRAMES,
} from '@gauntlet/contracts';
import { chooseTimeframe, OhlcvChartComponent, type OhlcvSeries, type TimeWindow } from '@gauntlet/ui';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { toErrorResponse } from '../../core/errors';
import { formatNumber, formatTime } from '../../core/format';
import { arrowColumns } from '../arrow';
import { BotControlsComponent } from './bot-controls.component';
import { watchBotEvents } from './bot-events';
import { BotStatusComponent } from './bot-status.component';
import { fillLedger, fillMarkers, lastDecisionEvent, mergeEvents } from './bot-view';
import { BotsApiService } from './bots-api.service';

const POLL_MS = 2000;
/** The chart's bars are read again at most this often while the replay advances. */
const CHART_REFRESH_MS = 4000;

interface Chart {
  bars: OhlcvSeries;
  range: TimeWindow;
  tf: Timeframe;
}

/**
 * One bot: its status and commands, live state, the replayed prices with its fills marked, its
 * orders and fills (polled), and its event log (server-sent, live).
 */
@Component({
  selector: 'g-bot-detail-page',
  imports: [RouterLink, BotControlsComponent, BotStatusComponent, OhlcvChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="crumbs"><a routerLink="/bots">← Bots</a></p>
    @if (error(); as e) {
      <div class="error-panel" role="alert" data-testid="bot-error">{{ e }}</div>
    }
    @if (bot(); as b) {
      <div class="head panel">
        <div class="title">
          <h1 data-testid="bot-title">{{ b.name }}</h1>
          <g-bot-status [bot]="b" />
        </div>
        <g-bot-controls [bot]="b" (sent)="refresh()" />
        <p class="muted meta">
          {{ b.strategy }} {{ paramsText() }} · {{ b.instrument }} · capital {{ num(b.capital) }} ·
          @if (b.config.feed.kind === 'live') {
            live at {{ b.config.feed.timeframe }} from the exchange, history from
            {{ time(b.config.feed.from) }}, checked every {{ b.config.feed.stepMs }} ms
          } @else {
            replay from {{ time(b.config.feed.from) }} at {{ b.config.feed.timeframe }}, one bar every
            {{ b.config.feed.stepMs }} ms
          }
        </p>
      </div>

      <div class="panel state" data-testid="bot-state">
        @if (b.state; as s) {
          <dl>
            <div>
              <dt>Position</dt>
              <dd data-testid="state-position">{{ num(s.position.qty, 5) }}</dd>
            </div>
            <div>
              <dt>Avg entry</dt>
              <dd>{{ num(s.position.avgEntryPrice) }}</dd>
            </div>
            <div>
              <dt>Equity</dt>
              <dd data-testid="state-equity">{{ num(s.equity) }}</dd>
            </div>
            <div>
              <dt>Realised P&amp;L</dt>
              <dd [class.pos]="s.realisedPnl > 0" [class.neg]="s.realisedPnl < 0">
                {{ num(s.realisedPnl) }}
              </dd>
            </div>
            <div>
              <dt>Unrealised P&amp;L</dt>
              <dd [class.pos]="s.unrealisedPnl > 0" [class.neg]="s.unrealisedPnl < 0">
                {{ num(s.unrealisedPnl) }}
              </dd>
            </div>
            <div>
              <dt>Last bar</dt>
              <dd>{{ time(s.lastBarTime) }}</dd>
            </div>
            <div>
              <dt>Steps</dt>
              <dd data-testid="state-steps">{{ s.steps }}</dd>
            </div>
          </dl>
          <p class="decision" data-testid="state-decision">
            <span class="muted">Last decision:</span> {{ s.lastDecision ?? '—' }}
            @if (s.lastWhy) {
              <span class="muted">— why:</span> {{ s.lastWhy }}
            }
          </p>
          <h2>Open orders</h2>
          @if (s.openOrders.length === 0) {
            <p class="muted" data-testid="open-orders-empty">None.</p>
          } @else {
            <table class="grid" data-testid="open-orders">
              <thead>
                <tr>
                  <th>Client order id</th>
                  <th>Side</th>
                  <th>Type</th>
                  <th class="num">Qty</th>
                  <th class="num">Price</th>
                  <th class="num">Filled</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                @for (o of s.openOrders; track o.clientOrderId) {
                  <tr>
                    <td>{{ o.clientOrderId }}</td>
                    <td>{{ o.side }}</td>
                    <td>{{ o.type }}</td>
                    <td class="num">{{ num(o.qty, 5) }}</td>
                    <td class="num">{{ num(o.price) }}</td>
                    <td class="num">{{ num(o.filledQty, 5) }}</td>
                    <td>{{ o.status }}</td>
                  </tr>
                }
              </tbody>
            </table>
          }
        } @else {
          <p class="muted" data-testid="state-from-fills">
            {{
              b.status === 'killed'
                ? 'The bot is killed and its workflow has ended; these figures are added up from its fills.'
                : 'The bot did not answer just now; these figures are added up from its stored fills.'
            }}
          </p>
          <dl>
            <div>
              <dt>Position</dt>
              <dd data-testid="state-position">{{ num(ledger().qty, 5) }}</dd>
            </div>
            <div>
              <dt>Cash</dt>
              <dd data-testid="state-equity">{{ num(ledger().cash) }}</dd>
            </div>
            <div>
              <dt>Realised P&amp;L</dt>
              <dd [class.pos]="ledger().realisedPnl > 0" [class.neg]="ledger().realisedPnl < 0">
                {{ num(ledger().realisedPnl) }}
              </dd>
            </div>
          </dl>
          @if (decisionEvent(); as d) {
            <p class="decision" data-testid="state-decision">
              <span class="muted">Last decision ({{ time(d.time) }}):</span> {{ d.message }}
            </p>
          }
        }
      </div>

      <div class="panel">
        <h2>
          Price and fills <span class="muted">({{ chart()?.tf ?? b.config.feed.timeframe }} candles)</span>
        </h2>
        @if (chartError(); as e) {
          <div class="error-panel" role="alert">Could not load bars: {{ e }}</div>
        }
        @if (chart(); as c) {
          <g-ohlcv-chart
            data-testid="bot-chart"
            [bars]="c.bars"
            [range]="c.range"
            [view]="c.range"
            [markers]="markers()"
            [height]="360"
          />
        } @else {
          <p class="muted">No bars replayed yet.</p>
        }
      </div>

      <div class="columns">
        <div class="panel">
          <h2>Orders ({{ orders().length }})</h2>
          <div class="scroll">
            <table class="grid" data-testid="orders-table">
              <thead>
                <tr>
                  <th class="num">#</th>
                  <th>Side</th>
                  <th>Type</th>
                  <th class="num">Qty</th>
                  <th class="num">Avg fill</th>
                  <th>Status</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                @for (o of orders(); track o.clientOrderId) {
                  <tr data-testid="order-row">
                    <td class="num">{{ o.seq }}</td>
                    <td [class.pos]="o.side === 'buy'" [class.neg]="o.side === 'sell'">{{ o.side }}</td>
                    <td>{{ o.type }}</td>
                    <td class="num">{{ num(o.qty, 5) }}</td>
                    <td class="num">{{ num(o.avgFillPrice) }}</td>
                    <td>{{ o.status }}</td>
                    <td class="why">{{ o.reason ?? '' }}</td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        </div>
        <div class="panel">
          <h2>Fills ({{ fills().length }})</h2>
          <div class="scroll">
            <table class="grid" data-testid="fills-table">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Side</th>
                  <th class="num">Qty</th>
                  <th class="num">Price</th>
                  <th class="num">Fee</th>
                </tr>
              </thead>
              <tbody>
                @for (f of fills(); track f.fillId) {
                  <tr data-testid="fill-row" [attr.data-side]="f.side">
                    <td>{{ time(f.time) }}</td>
                    <td [class.pos]="f.side === 'buy'" [class.neg]="f.side === 'sell'">{{ f.side }}</td>
                    <td class="num">{{ num(f.qty, 5) }}</td>
                    <td class="num">{{ num(f.price) }}</td>
                    <td class="num">{{ num(f.fee, 4) }}</td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        </div>
      </div>

      <div class="panel">
        <h2>
          Events
          <span class="muted live" data-testid="events-connection">{{
            connected() ? '● live' : '○ reconnecting'
          }}</span>
        </h2>
        <ol class="events scroll" data-testid="events-list">
          @for (e of eventsNewestFirst(); track e.seq) {
            <li data-testid="event-row" [attr.data-kind]="e.kind">
              <span class="muted">{{ time(e.time) }}</span> <span class="badge">{{ e.kind }}</span>
              {{ e.message }}
            </li>
          } @empty {
            <li class="muted">No events yet.</li>
          }
        </ol>
      </div>
    } @else if (!error()) {
      <p class="muted">Loading bot…</p>
    }
  `,
  styles: [
    `
      .crumbs {
        margin: 0 0 8px;
        font-size: 12px;
      }
      .head,
      .state,
      .panel {
        margin-bottom: 12px;
      }
      .title {
        display: flex;
        align-items: center;
        gap: 12px;
        margin-bottom: 8px;
      }
      h1 {
        font-size: 18px;
        margin: 0;
      }
      h2 {
        font-size: 13px;
        margin: 0 0 8px;
      }
      .meta {
        font-size: 12px;
        margin: 8px 0 0;
      }
      dl {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 28px;
        margin: 0 0 8px;
      }
      dt {
        color: var(--muted);
        font-size: 11px;
      }
      dd {
        margin: 0;
        font-size: 15px;
        font-variant-numeric: tabular-nums;
      }
      .decision {
        font-size: 12px;
      }
      .columns {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 12px;
      }
      .scroll {
        max-height: 320px;
        overflow: auto;
      }
      .why {
        font-size: 11px;
        color: var(--muted);
        max-width: 280px;
      }
      .events {
        list-style: none;
        margin: 0;
        padding: 0;
        font-size: 12px;
      }
      .events li {
        padding: 3px 0;
        border-bottom: 1px solid var(--border);
      }
      .live {
        font-weight: normal;
        font-size: 11px;
        margin-left: 8px;
      }
    `,
  ],
})
export class BotDetailPage {
  private readonly bots = inject(BotsApiService);
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);

  /** The route's `:id` (component input binding). */
  readonly id = input.required<string>();

  protected readonly bot = signal<BotDto | null>(null);
  protected readonly orders = signal<BotOrderDto[]>([]);
  protected readonly fills = signal<BotFillDto[]>([]);
  protected readonly events = signal<BotEventDto[]>([]);
  protected readonly connected = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly chart = signal<Chart | null>(null);
  protected readonly chartError = signal<string | null>(null);

  protected readonly markers = computed(() => fillMarkers(this.fills()));
  protected readonly ledger = computed(() => fillLedger(this.bot()?.capital ?? 0, this.fills()));
  protected readonly decisionEvent = computed(() => lastDecisionEvent(this.events()));
  protected readonly eventsNewestFirst = computed(() => [...this.events()].reverse());
  protected readonly paramsText = computed(() => {
    const p = this.bot()?.params ?? {};
    return `(${Object.entries(p)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ')})`;
  });
  protected readonly num = formatNumber;
  protected readonly time = formatTime;

  private reading = false;
  private chartLoadedAt = 0;
  private chartKey = '';
  private chartSeq = 0;

  constructor() {
    let watch: { close(): void } | undefined;
    // The route's id arrives as an input after construction; a new id starts a new stream.
    effect(() => {
      const id = this.id();
      untracked(() => {
        watch?.close();
        this.events.set([]);
        void this.refresh();
        watch = watchBotEvents(
          id,
          () => this.auth.token(),
          (e) => {
            this.events.update((known) => mergeEvents(known, [e]));
            // Fills and status changes show in the state and tables at once, not at the next poll.
            if (e.kind === 'fill' || e.kind === 'status' || e.kind === 'risk') void this.refresh();
          },
          (up) => this.connected.set(up),
        );
      });
    });
    const timer = setInterval(() => void this.refresh(), POLL_MS);
    inject(DestroyRef).onDestroy(() => {
      clearInterval(timer);
      watch?.close();
    });
  }

  async refresh(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const id = this.id();
      const [bot, orders, fills] = await Promise.all([
        this.bots.get(id),
        this.bots.orders(id),
        this.bots.fills(id),
      ]);
      this.bot.set(bot);
      this.orders.set(orders);
      this.fills.set(fills);
      this.error.set(null);
      void this.loadChart(bot, fills);
    } catch (err) {
      const e = toErrorResponse(err);
      this.error.set(e.statusCode === 404 ? 'No such bot (or it is not yours).' : e.message);
    } finally {
      this.reading = false;
    }
  }

  /**
   * The replayed period's bars, through the last bar the bot saw or its last fill, whichever is
   * later. A new fill redraws at once (its marker must land on the axis); the replay's advance
   * alone redraws at most every CHART_REFRESH_MS.
   */
  private async loadChart(bot: BotDto, fills: readonly BotFillDto[]): Promise<void> {
    const feed = bot.config.feed;
    const stepMs = TIMEFRAME_MS[feed.timeframe];
    const from = Date.parse(feed.from);
    const lastBar = bot.state?.lastBarTime ? Date.parse(bot.state.lastBarTime) : from;
    const lastFill = fills.length > 0 ? Date.parse(fills[fills.length - 1]?.time ?? '') : from;
    const range: TimeWindow = { from, to: Math.max(lastBar, lastFill || from, from) + stepMs };
    const key = `${range.to}:${fills.length}`;
    if (key === this.chartKey) return;
    const newFill = !this.chartKey.endsWith(`:${fills.length}`);
    if (!newFill && Date.now() - this.chartLoadedAt < CHART_REFRESH_MS && this.chart() !== null) return;
    this.chartKey = key;
    this.chartLoadedAt = Date.now();
    const seq = ++this.chartSeq;
    // Never finer than the bot's own timeframe; coarser when the replay has grown long.
    const finest = TIMEFRAMES.indexOf(feed.timeframe);
    const chosen = chooseTimeframe(range.to - range.from);
    const tf = TIMEFRAMES.indexOf(chosen) > finest ? chosen : feed.timeframe;
    try {
      const bytes = await this.api.barsArrow(
        bot.instrument,
        tf,
        new Date(range.from).toISOString(),
        new Date(range.to).toISOString(),
      );
      const bars = arrowColumns(bytes, BAR_ARROW_COLUMNS);
      // A slower, older answer must not replace a newer one.
      if (seq !== this.chartSeq) return;
      this.chart.set(bars.time.length > 0 ? { bars, range, tf } : null);
      this.chartError.set(null);
    } catch (err) {
      this.chartKey = '';
      this.chartError.set(toErrorResponse(err).message);
    }
  }
}

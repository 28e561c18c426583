import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  BAR_ARROW_COLUMNS,
  type BacktestReportDto,
  EQUITY_ARROW_COLUMNS,
  type MetricsReport,
  type Timeframe,
  TIMEFRAME_MS,
  TIMEFRAMES,
} from '@gauntlet/contracts';
import {
  type CandleSeries,
  CandlestickChartComponent,
  EquityChartComponent,
  type EquitySeries,
  MonthlyReturnsComponent,
} from '@gauntlet/ui';
import { ApiService } from '../core/api.service';
import { ApiStatusService } from '../core/api-status.service';
import { toErrorResponse } from '../core/errors';
import { formatDuration, formatNumber } from '../core/format';
import { arrowColumns } from './arrow';
import { TradeTableComponent } from './trade-table.component';

/** More candles than this and the chart starts at a coarser timeframe; the selector goes finer. */
const MAX_AUTO_CANDLES = 20_000;

/** The finest timeframe, no finer than the run's own, that keeps the candle count manageable. */
export function candleTimeframe(run: Timeframe, spanMs: number): Timeframe {
  const start = TIMEFRAMES.indexOf(run);
  for (let i = start; i < TIMEFRAMES.length; i++) {
    const tf = TIMEFRAMES[i] as Timeframe;
    if (spanMs / TIMEFRAME_MS[tf] <= MAX_AUTO_CANDLES) return tf;
  }
  return '1d';
}

interface Headline {
  label: string;
  value: string;
  tone?: 'pos' | 'neg';
}

const pct = (v: number | null): string => (v === null ? '—' : `${formatNumber(v)}%`);
const tone = (v: number | null): 'pos' | 'neg' | undefined =>
  v === null || v === 0 ? undefined : v > 0 ? 'pos' : 'neg';

function headline(m: MetricsReport): Headline[] {
  return [
    { label: 'Return', value: pct(m.returnPct), tone: tone(m.returnPct) },
    { label: 'CAGR', value: pct(m.cagrPct), tone: tone(m.cagrPct) },
    { label: 'Buy & hold', value: pct(m.buyAndHoldReturnPct), tone: tone(m.buyAndHoldReturnPct) },
    { label: 'Max drawdown', value: pct(m.maxDrawdownPct), tone: m.maxDrawdownPct ? 'neg' : undefined },
    { label: 'Sharpe', value: formatNumber(m.sharpe) },
    { label: 'Sortino', value: formatNumber(m.sortino) },
    { label: 'Calmar', value: formatNumber(m.calmar) },
    { label: 'Trades', value: String(m.tradeCount) },
    { label: 'Win rate', value: pct(m.winRatePct) },
    { label: 'Profit factor', value: formatNumber(m.profitFactor) },
    { label: 'Exposure', value: pct(m.exposurePct) },
    { label: 'Final equity', value: formatNumber(m.equityFinal) },
    { label: 'Fees paid', value: formatNumber(m.feesPaid) },
    { label: 'Max DD duration', value: formatDuration(m.maxDrawdownDurationMs) },
  ];
}

@Component({
  selector: 'g-backtest-report-page',
  imports: [
    RouterLink,
    EquityChartComponent,
    CandlestickChartComponent,
    MonthlyReturnsComponent,
    TradeTableComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (notFound()) {
      <div class="panel empty" data-testid="report-not-found">
        <h1>Report not found</h1>
        <p>
          There is no backtest <code>{{ id() }}</code> that you can see. It may belong to someone else, or it
          has not finished yet.
        </p>
        <a routerLink="/jobs">Back to your jobs</a>
      </div>
    } @else if (error(); as e) {
      <div class="panel error-panel" role="alert">
        Could not load the report: {{ e }} <button type="button" (click)="load()">Retry</button>
      </div>
    } @else if (report(); as r) {
      <div class="title">
        <h1>{{ r.request.strategy }} · {{ r.request.instrument }} · {{ r.request.timeframe }}</h1>
        <span class="muted"
          >{{ r.request.from.slice(0, 10) }} → {{ r.request.to.slice(0, 10) }} · params {{ paramText() }} ·
          engine {{ r.engineVersion }}</span
        >
        <span class="spacer"></span>
        <a
          routerLink="/graduations"
          [queryParams]="{ backtest: r.jobId }"
          class="button"
          data-testid="graduate-link"
          title="Paper-trade this backtest's strategy, then take it live"
          >Graduate</a
        >
        <a routerLink="/jobs" class="muted">All jobs</a>
      </div>
      <section class="metrics" data-testid="metrics">
        @for (m of metrics(); track m.label) {
          <div class="metric">
            <span class="label">{{ m.label }}</span>
            <span class="value" [class]="m.tone ?? ''">{{ m.value }}</span>
          </div>
        }
      </section>
      <section class="panel">
        <h2>Equity and drawdown</h2>
        @if (equity(); as eq) {
          <g-equity-chart
            data-testid="equity-chart"
            [series]="eq"
            [height]="380"
            (finished)="markInteractive()"
          />
        } @else if (equityError(); as e) {
          <p class="error">Equity curve unavailable: {{ e }}</p>
        } @else {
          <div class="placeholder">Loading equity…</div>
        }
      </section>
      <section class="panel">
        <div class="section-head">
          <h2>Price and trades</h2>
          <label class="muted">
            Candles
            <select (change)="setCandleTf($any($event.target).value)" data-testid="candle-tf">
              @for (t of timeframes; track t) {
                <option [value]="t" [selected]="t === candleTf()">{{ t }}</option>
              }
            </select>
          </label>
        </div>
        @if (candles(); as c) {
          <g-candlestick-chart data-testid="candle-chart" [candles]="c" [trades]="r.trades" [height]="380" />
        } @else if (candleError(); as e) {
          <p class="error">Candles unavailable: {{ e }}</p>
        } @else {
          <div class="placeholder">Loading candles…</div>
        }
      </section>
      <section class="panel">
        <h2>Monthly returns (%)</h2>
        <g-monthly-returns [monthly]="r.metrics.monthlyReturns" [yearly]="r.metrics.yearlyReturns" />
      </section>
      <section class="panel">
        <h2>Trades</h2>
        <g-trade-table [trades]="r.trades" />
      </section>
    } @else {
      <p class="muted">Loading report…</p>
    }
  `,
  styles: [
    `
      .title {
        display: flex;
        align-items: baseline;
        gap: 12px;
        margin-bottom: 10px;
        flex-wrap: wrap;
      }
      .title h1 {
        margin: 0;
        font-size: 18px;
      }
      .spacer {
        flex: 1;
      }
      .metrics {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(120px, 1fr));
        gap: 1px;
        background: var(--border);
        border: 1px solid var(--border);
        border-radius: 6px;
        overflow: hidden;
        margin-bottom: 12px;
      }
      .metric {
        background: var(--panel);
        padding: 8px 10px;
        display: flex;
        flex-direction: column;
        gap: 2px;
      }
      .metric .label {
        font-size: 10px;
        text-transform: uppercase;
        letter-spacing: 0.05em;
        color: var(--muted);
      }
      .metric .value {
        font-size: 16px;
        font-variant-numeric: tabular-nums;
      }
      section.panel {
        margin-bottom: 12px;
      }
      h2 {
        font-size: 13px;
        margin: 0 0 8px;
        color: var(--muted);
        font-weight: 600;
      }
      .section-head {
        display: flex;
        justify-content: space-between;
        align-items: center;
      }
      .section-head label {
        font-size: 11px;
        display: flex;
        gap: 6px;
        align-items: center;
      }
      .placeholder {
        height: 380px;
        display: grid;
        place-items: center;
        color: var(--muted);
      }
      .two-col {
        display: grid;
        grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
        gap: 12px;
        align-items: start;
      }
      @media (max-width: 1100px) {
        .two-col {
          grid-template-columns: 1fr;
        }
      }
    `,
  ],
})
export class BacktestReportPage {
  private readonly api = inject(ApiService);
  private readonly apiStatus = inject(ApiStatusService);

  readonly id = input.required<string>();
  protected readonly timeframes = TIMEFRAMES;
  protected readonly report = signal<BacktestReportDto | null>(null);
  protected readonly notFound = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly equity = signal<EquitySeries | null>(null);
  protected readonly equityError = signal<string | null>(null);
  protected readonly candles = signal<CandleSeries | null>(null);
  protected readonly candleError = signal<string | null>(null);
  protected readonly candleTf = signal<Timeframe>('1h');
  private marked = false;

  protected readonly metrics = computed(() => {
    const r = this.report();
    return r ? headline(r.metrics) : [];
  });
  protected readonly paramText = computed(() =>
    Object.entries(this.report()?.request.params ?? {})
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', '),
  );

  constructor() {
    effect(() => {
      this.id();
      this.apiStatus.recovered();
      untracked(() => void this.load());
    });
  }

  async load(): Promise<void> {
    const id = this.id();
    this.error.set(null);
    this.notFound.set(false);
    try {
      const [report, equityBytes] = await Promise.all([
        this.api.backtest(id),
        this.api.equityArrow(id).catch((err: unknown) => {
          this.equityError.set(toErrorResponse(err).message);
          return null;
        }),
      ]);
      this.report.set(report);
      if (equityBytes) this.equity.set(arrowColumns(equityBytes, EQUITY_ARROW_COLUMNS));
      const span = Date.parse(report.request.to) - Date.parse(report.request.from);
      this.candleTf.set(candleTimeframe(report.request.timeframe, span));
      void this.loadCandles();
    } catch (err) {
      const e = toErrorResponse(err);
      if (e.statusCode === 404) this.notFound.set(true);
      else if (e.statusCode !== 401) this.error.set(e.message);
    }
  }

  protected setCandleTf(tf: Timeframe): void {
    this.candleTf.set(tf);
    void this.loadCandles();
  }

  private async loadCandles(): Promise<void> {
    const r = this.report();
    if (!r) return;
    this.candles.set(null);
    this.candleError.set(null);
    try {
      const bytes = await this.api.barsArrow(
        r.request.instrument,
        this.candleTf(),
        r.request.from,
        r.request.to,
      );
      this.candles.set(arrowColumns(bytes, BAR_ARROW_COLUMNS));
    } catch (err) {
      this.candleError.set(toErrorResponse(err).message);
    }
  }

  /** The report is usable once the equity chart has drawn: marked for the performance test. */
  protected markInteractive(): void {
    if (this.marked) return;
    this.marked = true;
    performance.mark('gauntlet:report-interactive');
  }
}

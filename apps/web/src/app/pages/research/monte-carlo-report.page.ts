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
import { type JobDto, type MonteCarloReportDto, type PercentileSummary } from '@gauntlet/contracts';
import {
  BarChartComponent,
  type BarSeries,
  CHART_COLORS,
  FanChartComponent,
  histogramBars,
} from '@gauntlet/ui';
import { ApiService } from '../../core/api.service';
import { toErrorResponse } from '../../core/errors';
import { formatNumber } from '../../core/format';
import { JobProgressComponent } from './job-progress.component';
import { REPORT_STYLES } from './research-styles';

const PERCENTILES: (keyof PercentileSummary)[] = ['p5', 'p25', 'p50', 'p75', 'p95'];

@Component({
  selector: 'g-monte-carlo-report-page',
  imports: [RouterLink, JobProgressComponent, FanChartComponent, BarChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (notFound()) {
      <div class="panel empty" data-testid="report-not-found">
        <h1>Monte Carlo run not found</h1>
        <p>
          There is no Monte Carlo run <code>{{ id() }}</code> that you can see.
        </p>
        <a routerLink="/jobs">Back to your jobs</a>
      </div>
    } @else {
      <div class="title">
        <h1>Monte Carlo</h1>
        @if (report(); as r) {
          <span class="muted"
            >{{ r.input.method }} · {{ r.runs }} runs of {{ r.trades }} trades · seed {{ r.input.seed }} ·
            ruin at −{{ num(r.input.ruinLoss * 100, 0) }}%</span
          >
          <a [routerLink]="['/backtests', r.input.backtestId]" data-testid="mc-backtest">the backtest</a>
        }
        <span class="spacer"></span>
        <a routerLink="/jobs" class="muted">All jobs</a>
      </div>
      <g-job-progress [jobId]="id()" (changed)="onJob($event)" />

      @if (error(); as e) {
        <div class="panel error-panel" role="alert">
          Could not load the Monte Carlo run: {{ e }} <button type="button" (click)="load()">Retry</button>
        </div>
      }

      @if (report(); as r) {
        <section class="metrics" data-testid="mc-metrics">
          <div class="metric">
            <span class="label">Probability of ruin</span>
            <span class="value" data-testid="ruin" [class.neg]="r.probabilityOfRuin > 0"
              >{{ num(r.probabilityOfRuin * 100, 1) }}%</span
            >
          </div>
          @for (p of percentiles; track p) {
            <div class="metric">
              <span class="label">Final return {{ p.slice(1) }}th pct</span>
              <span class="value">{{ num(r.finalReturn[p] * 100) }}%</span>
            </div>
          }
          @for (p of percentiles; track p) {
            <div class="metric">
              <span class="label">Max drawdown {{ p.slice(1) }}th pct</span>
              <span class="value">{{ num(r.maxDrawdown[p] * 100) }}%</span>
            </div>
          }
        </section>

        <div class="two-col">
          <section class="panel">
            <h2>Equity, change from start (%) — 5/25/50/75/95th percentiles per trade</h2>
            <g-fan-chart
              data-testid="mc-fan"
              [bands]="r.equity"
              [scale]="100"
              [offset]="-100"
              xName="trade"
            />
          </section>
          <section class="panel">
            <h2>Drawdown below the running peak (%) — percentiles per trade</h2>
            <g-fan-chart
              data-testid="mc-drawdown-fan"
              [bands]="r.drawdown"
              [scale]="100"
              xName="trade"
              [color]="drawdownColor"
            />
          </section>
          <section class="panel">
            <h2>Final return (%)</h2>
            <g-bar-chart
              data-testid="mc-return-histogram"
              [categories]="returnBins().labels"
              [series]="returnBins().series"
              [histogram]="true"
              xName="final return %"
              yName="runs"
            />
            @if (sameEnd()) {
              <p class="note" data-testid="same-end">
                Every run ends at the same return: {{ r.input.method }} only reorders the trades.
              </p>
            }
          </section>
          <section class="panel">
            <h2>Maximum drawdown (%)</h2>
            <g-bar-chart
              data-testid="mc-drawdown-histogram"
              [categories]="drawdownBins().labels"
              [series]="drawdownBins().series"
              [histogram]="true"
              xName="max drawdown %"
              yName="runs"
            />
          </section>
        </div>
      } @else if (!error()) {
        <p class="muted">The report appears when the run finishes.</p>
      }
    }
  `,
  styles: [
    REPORT_STYLES,
    `
      g-job-progress {
        display: block;
        margin-bottom: 12px;
      }
    `,
  ],
})
export class MonteCarloReportPage {
  private readonly api = inject(ApiService);

  readonly id = input.required<string>();
  protected readonly percentiles = PERCENTILES;
  protected readonly drawdownColor = CHART_COLORS.drawdown;
  protected readonly report = signal<MonteCarloReportDto | null>(null);
  protected readonly notFound = signal(false);
  protected readonly error = signal<string | null>(null);
  private status: JobDto['status'] | null = null;

  protected readonly returnBins = computed(() => this.bins(this.report()?.finalReturnHistogram, 100, 'runs'));
  protected readonly drawdownBins = computed(() =>
    this.bins(this.report()?.maxDrawdownHistogram, 100, 'runs', CHART_COLORS.drawdown),
  );

  /** Final returns that differ only by rounding: the histogram's bins are then meaningless. */
  protected readonly sameEnd = computed(() => {
    const f = this.report()?.finalReturn;
    return !!f && Math.abs(f.p95 - f.p5) < 1e-9;
  });

  constructor() {
    effect(() => {
      this.id();
      untracked(() => {
        this.report.set(null);
        this.status = null;
        void this.load();
      });
    });
  }

  private bins(
    h: { edges: number[]; counts: number[] } | undefined,
    scale: number,
    name: string,
    color?: string,
  ): { labels: string[]; series: BarSeries[] } {
    const bars = h ? histogramBars(h.edges, h.counts, scale) : [];
    return {
      labels: bars.map((b) => b.label),
      series: [{ name, values: bars.map((b) => b.count), ...(color ? { color } : {}) }],
    };
  }

  protected onJob(job: JobDto): void {
    const was = this.status;
    this.status = job.status;
    if (job.status !== was) void this.load();
  }

  async load(): Promise<void> {
    const id = this.id();
    this.error.set(null);
    try {
      const job = await this.api.job(id);
      if (job.kind !== 'monte-carlo') {
        this.notFound.set(true);
        return;
      }
      if (job.status !== 'completed' || this.report()) return;
      this.report.set(await this.api.monteCarlo(id));
    } catch (err) {
      const e = toErrorResponse(err);
      if (e.statusCode === 404) this.notFound.set(true);
      else if (e.statusCode !== 401) this.error.set(e.message);
    }
  }

  protected num(v: number | null, digits = 2): string {
    return formatNumber(v, digits);
  }
}

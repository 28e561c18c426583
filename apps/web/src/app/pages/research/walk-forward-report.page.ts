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
  EQUITY_ARROW_COLUMNS,
  type JobDto,
  type ParamValues,
  type WalkForwardReportDto,
} from '@gauntlet/contracts';
import {
  BarChartComponent,
  type BarSeries,
  CHART_COLORS,
  EquityChartComponent,
  type EquitySeries,
  FoldTimelineComponent,
} from '@gauntlet/ui';
import { ApiService } from '../../core/api.service';
import { toErrorResponse } from '../../core/errors';
import { formatNumber } from '../../core/format';
import { arrowColumns } from '../arrow';
import { JobProgressComponent } from './job-progress.component';
import { REPORT_STYLES } from './research-styles';

const DAY = 86_400_000;

@Component({
  selector: 'g-walk-forward-report-page',
  imports: [RouterLink, JobProgressComponent, FoldTimelineComponent, EquityChartComponent, BarChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (notFound()) {
      <div class="panel empty" data-testid="report-not-found">
        <h1>Walk-forward not found</h1>
        <p>
          There is no walk-forward <code>{{ id() }}</code> that you can see.
        </p>
        <a routerLink="/jobs">Back to your jobs</a>
      </div>
    } @else {
      <div class="title">
        <h1>Walk-forward{{ heading() }}</h1>
        @if (report(); as r) {
          <span class="muted"
            >{{ r.input.mode }} · in-sample {{ days(r.input.inSampleMs) }} d · out-of-sample
            {{ days(r.input.outOfSampleMs) }} d · step {{ days(r.input.stepMs) }} d · objective
            {{ r.input.sweep.objective }}</span
          >
        }
        <span class="spacer"></span>
        <a routerLink="/jobs" class="muted">All jobs</a>
      </div>
      <g-job-progress [jobId]="id()" (changed)="onJob($event)" />

      @if (error(); as e) {
        <div class="panel error-panel" role="alert">
          Could not load the walk-forward: {{ e }} <button type="button" (click)="load()">Retry</button>
        </div>
      }

      @if (report(); as r) {
        <section class="metrics" data-testid="wf-metrics">
          <div class="metric">
            <span class="label">Folds</span><span class="value">{{ r.folds.length }}</span>
          </div>
          <div class="metric">
            <span class="label">Out-of-sample return</span>
            <span
              class="value"
              [class.pos]="r.outOfSampleReturnPct > 0"
              [class.neg]="r.outOfSampleReturnPct < 0"
              >{{ num(r.outOfSampleReturnPct) }}%</span
            >
          </div>
          <div class="metric">
            <span class="label">Efficiency</span>
            <span class="value" data-testid="wf-efficiency">{{ num(r.efficiency) }}</span>
          </div>
          <div class="metric">
            <span class="label">Trials</span><span class="value">{{ r.trials }}</span>
          </div>
        </section>

        <section class="panel" data-testid="wf-overfitting">
          <h2>Overfitting</h2>
          @if (r.overfitting; as o) {
            <div class="metrics">
              <div class="metric">
                <span class="label">Trials (all folds)</span
                ><span class="value" data-testid="wf-trials">{{ o.trials }}</span>
              </div>
              <div class="metric">
                <span class="label">Deflated Sharpe (mean)</span>
                <span class="value" data-testid="wf-deflated-sharpe">{{ prob(o.deflatedSharpe) }}</span>
              </div>
              <div class="metric">
                <span class="label">Prob. of overfitting (mean)</span>
                <span class="value" data-testid="wf-pbo">{{ prob(o.pbo) }}</span>
              </div>
            </div>
            <p data-testid="wf-overfitting-reading">{{ o.reading }}</p>
            <table class="grid">
              <thead>
                <tr>
                  <th>Fold</th>
                  <th class="num">Trials</th>
                  <th class="num">Deflated Sharpe</th>
                  <th class="num">Prob. of overfitting</th>
                  <th>Reading</th>
                </tr>
              </thead>
              <tbody>
                @for (f of o.folds; track f.fold) {
                  <tr data-testid="wf-overfitting-fold">
                    <td>{{ f.fold + 1 }}</td>
                    <td class="num">{{ f.trials }}</td>
                    <td class="num">{{ prob(f.deflatedSharpe) }}</td>
                    <td class="num">{{ prob(f.pbo) }}</td>
                    <td>{{ f.reading }}</td>
                  </tr>
                }
              </tbody>
            </table>
          } @else {
            <p class="muted">No overfitting statistics on this report.</p>
          }
        </section>

        <section class="panel">
          <h2>Folds</h2>
          <g-fold-timeline data-testid="fold-timeline" [folds]="r.folds" />
        </section>

        <div class="two-col">
          <section class="panel">
            <h2>Stitched out-of-sample equity</h2>
            @if (equity(); as eq) {
              <g-equity-chart data-testid="wf-equity" [series]="eq" [height]="300" />
            } @else if (equityError(); as e) {
              <p class="neg">Equity unavailable: {{ e }}</p>
            } @else {
              <div class="placeholder">Loading equity…</div>
            }
          </section>
          <section class="panel">
            <h2>Return per fold: in-sample vs out-of-sample (%)</h2>
            <g-bar-chart
              data-testid="wf-returns"
              [categories]="foldLabels()"
              [series]="returnSeries()"
              [height]="300"
            />
            <p class="note">
              In-sample is the chosen cell's return over the in-sample window; windows differ in length, so
              the efficiency column compares annualised rates.
            </p>
          </section>
        </div>

        <section class="panel">
          <h2>Per fold</h2>
          <table class="grid" data-testid="fold-table">
            <thead>
              <tr>
                <th>Fold</th>
                <th>In-sample</th>
                <th>Out-of-sample</th>
                <th>Chosen parameters</th>
                <th class="num">In-sample %</th>
                <th class="num">Out-of-sample %</th>
                <th class="num">OOS max DD %</th>
                <th class="num">OOS trades</th>
                <th class="num">Efficiency</th>
                <th>Sweep</th>
              </tr>
            </thead>
            <tbody>
              @for (f of r.folds; track f.index) {
                <tr data-testid="fold-row" [attr.data-fold]="f.index">
                  <td>{{ f.index + 1 }}</td>
                  <td>{{ f.inSample.from.slice(0, 10) }} → {{ f.inSample.to.slice(0, 10) }}</td>
                  <td>{{ f.outOfSample.from.slice(0, 10) }} → {{ f.outOfSample.to.slice(0, 10) }}</td>
                  <td data-testid="fold-params">{{ paramText(f.params) }}</td>
                  <td class="num">{{ num(f.inSampleReturnPct) }}</td>
                  <td
                    class="num"
                    [class.pos]="f.outOfSampleReturnPct > 0"
                    [class.neg]="f.outOfSampleReturnPct < 0"
                  >
                    {{ num(f.outOfSampleReturnPct) }}
                  </td>
                  <td class="num">{{ num(f.outOfSampleMaxDrawdownPct) }}</td>
                  <td class="num">{{ f.outOfSampleTrades }}</td>
                  <td class="num" data-testid="fold-efficiency">{{ num(f.efficiency) }}</td>
                  <td>
                    <a [routerLink]="['/sweeps', f.sweepJobId]" data-testid="fold-sweep-link">sweep ↗</a>
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </section>

        <section class="panel">
          <h2>Parameter stability</h2>
          <table class="grid" data-testid="stability">
            <thead>
              <tr>
                <th>Parameter</th>
                <th class="num">Most common value's share</th>
                <th class="num">Coefficient of variation</th>
                <th>Folds per value</th>
              </tr>
            </thead>
            <tbody>
              @for (s of r.stability; track s.name) {
                <tr>
                  <td>{{ s.name }}</td>
                  <td class="num">{{ num(s.modalShare * 100, 0) }}%</td>
                  <td class="num">{{ num(s.coefficientOfVariation) }}</td>
                  <td>
                    @for (c of s.counts; track $index) {
                      <span class="chip">{{ c.value }} × {{ c.folds }}</span>
                    }
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </section>
      } @else if (!error()) {
        <section class="panel" data-testid="wf-running">
          <h2>Fold sweeps</h2>
          @if (children().length === 0) {
            <p class="muted">The report appears when every fold has run.</p>
          } @else {
            <ul class="children">
              @for (c of children(); track c.id) {
                <li>
                  <a [routerLink]="['/sweeps', c.id]" data-testid="fold-sweep-link">{{ c.title }}</a>
                  <span class="badge" [class]="c.status">{{ c.status }}</span>
                  <span class="muted">{{ pct(c) }}%</span>
                </li>
              }
            </ul>
          }
        </section>
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
      .chip {
        display: inline-block;
        margin-right: 8px;
        font-variant-numeric: tabular-nums;
      }
      .children {
        margin: 0;
        padding-left: 18px;
      }
      .children li {
        display: flex;
        gap: 8px;
        align-items: center;
        margin: 2px 0;
      }
    `,
  ],
})
export class WalkForwardReportPage {
  private readonly api = inject(ApiService);

  readonly id = input.required<string>();
  protected readonly report = signal<WalkForwardReportDto | null>(null);
  protected readonly equity = signal<EquitySeries | null>(null);
  protected readonly equityError = signal<string | null>(null);
  protected readonly children = signal<JobDto[]>([]);
  protected readonly notFound = signal(false);
  protected readonly error = signal<string | null>(null);
  private status: JobDto['status'] | null = null;
  private childrenAt = 0;

  protected readonly heading = computed(() => {
    const s = this.report()?.input.sweep;
    return s ? ` · ${s.strategy} · ${s.instrument} · ${s.timeframe}` : '';
  });
  protected readonly foldLabels = computed(() =>
    (this.report()?.folds ?? []).map((f) => `fold ${f.index + 1}`),
  );
  protected readonly returnSeries = computed<BarSeries[]>(() => {
    const folds = this.report()?.folds ?? [];
    return [
      { name: 'in-sample', values: folds.map((f) => f.inSampleReturnPct), color: CHART_COLORS.accent },
      { name: 'out-of-sample', values: folds.map((f) => f.outOfSampleReturnPct), color: CHART_COLORS.up },
    ];
  });

  constructor() {
    effect(() => {
      this.id();
      untracked(() => {
        this.report.set(null);
        this.equity.set(null);
        this.status = null;
        void this.load();
      });
    });
  }

  protected onJob(job: JobDto): void {
    const was = this.status;
    this.status = job.status;
    if (job.status !== was) void this.load();
    else if (job.status === 'running' && Date.now() - this.childrenAt > 3_000)
      void this.loadChildren().catch(() => undefined);
  }

  async load(): Promise<void> {
    const id = this.id();
    this.error.set(null);
    try {
      const job = await this.api.job(id);
      if (job.kind !== 'walk-forward') {
        this.notFound.set(true);
        return;
      }
      if (job.status !== 'completed') {
        await this.loadChildren();
        return;
      }
      if (this.report()) return;
      this.report.set(await this.api.walkForward(id));
      try {
        this.equity.set(arrowColumns(await this.api.walkForwardEquityArrow(id), EQUITY_ARROW_COLUMNS));
      } catch (err) {
        this.equityError.set(toErrorResponse(err).message);
      }
    } catch (err) {
      const e = toErrorResponse(err);
      if (e.statusCode === 404) this.notFound.set(true);
      else if (e.statusCode !== 401) this.error.set(e.message);
    }
  }

  /** The fold sweeps started so far, while the walk-forward runs. */
  private async loadChildren(): Promise<void> {
    this.childrenAt = Date.now();
    const page = await this.api.jobs({ kind: 'sweep', limit: 200 });
    this.children.set(page.items.filter((j) => j.parentJobId === this.id()).reverse());
  }

  protected num(v: number | null, digits = 2): string {
    return formatNumber(v, digits);
  }

  protected prob(v: number | null): string {
    return v === null ? '—' : `${formatNumber(v * 100, 1)}%`;
  }

  protected days(ms: number): string {
    return formatNumber(ms / DAY, ms % DAY === 0 ? 0 : 2);
  }

  protected pct(job: JobDto): number {
    return Math.round(job.progress * 100);
  }

  protected paramText(p: ParamValues | null): string {
    if (!p) return 'none passed';
    return Object.entries(p)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
  }
}

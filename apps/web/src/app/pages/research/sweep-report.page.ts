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
import { Router, RouterLink } from '@angular/router';
import {
  type BacktestRequest,
  type CanonicalSweepInput,
  type JobDto,
  type ParamValue,
  type SweepReportDto,
  type SweepResultRow,
  type SweepSortKey,
  TERMINAL_JOB_STATUSES,
} from '@gauntlet/contracts';
import {
  HeatmapChartComponent,
  heatMatrix,
  type ParallelAxis,
  ParallelChartComponent,
  varyingParams,
} from '@gauntlet/ui';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { toErrorResponse } from '../../core/errors';
import { formatNumber } from '../../core/format';
import { type JobWatch, watchJob } from '../../core/job-events';
import { JobProgressComponent } from './job-progress.component';
import { REPORT_STYLES } from './research-styles';

const PAGE_SIZE = 20;
/** The heat map reads every cell; beyond this many it shows the first ones only. */
const MAX_CELLS = 20_000;
const FETCH_PAGE = 1000;
/** While the sweep runs, partial results are re-read at most this often. */
const REFRESH_MS = 2_000;

interface Column {
  key: SweepSortKey;
  label: string;
}

const COLUMNS: Column[] = [
  { key: 'objective', label: 'Objective' },
  { key: 'returnPct', label: 'Return %' },
  { key: 'maxDrawdownPct', label: 'Max DD %' },
  { key: 'tradeCount', label: 'Trades' },
  { key: 'winRatePct', label: 'Win %' },
  { key: 'profitFactor', label: 'Profit factor' },
];

const text = (v: ParamValue | undefined): string => (v === undefined ? '' : String(v));

@Component({
  selector: 'g-sweep-report-page',
  imports: [RouterLink, HeatmapChartComponent, ParallelChartComponent, JobProgressComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (notFound()) {
      <div class="panel empty" data-testid="report-not-found">
        <h1>Sweep not found</h1>
        <p>
          There is no sweep <code>{{ id() }}</code> that you can see.
        </p>
        <a routerLink="/jobs">Back to your jobs</a>
      </div>
    } @else {
      <div class="title">
        <h1>
          Sweep{{
            input()
              ? ' · ' + input()!.strategy + ' · ' + input()!.instrument + ' · ' + input()!.timeframe
              : ''
          }}
        </h1>
        @if (input(); as i) {
          <span class="muted"
            >{{ i.from.slice(0, 10) }} → {{ i.to.slice(0, 10) }} · {{ i.cells }} cells · objective
            {{ i.objective }} ({{ i.direction }}){{ fixedText() ? ' · fixed ' + fixedText() : '' }}</span
          >
          @if (i.parentJobId; as p) {
            <a [routerLink]="['/walk-forwards', p]" data-testid="parent-link">fold of walk-forward</a>
          }
        }
        <span class="spacer"></span>
        <a routerLink="/jobs" class="muted">All jobs</a>
      </div>
      <g-job-progress [jobId]="id()" (changed)="onJob($event)" />

      @if (error(); as e) {
        <div class="panel error-panel" role="alert">
          Could not load the sweep: {{ e }} <button type="button" (click)="reload()">Retry</button>
        </div>
      }

      <section class="panel" data-testid="overfitting">
        <h2>Overfitting</h2>
        @if (report()?.overfitting; as o) {
          <div class="metrics">
            <div class="metric">
              <span class="label">Trials</span><span class="value" data-testid="trials">{{ o.trials }}</span>
            </div>
            <div class="metric">
              <span class="label">Deflated Sharpe</span>
              <span class="value" data-testid="deflated-sharpe">{{ prob(o.deflatedSharpe) }}</span>
            </div>
            <div class="metric">
              <span class="label">Prob. of overfitting</span>
              <span class="value" data-testid="pbo">{{ prob(o.pbo) }}</span>
            </div>
            <div class="metric">
              <span class="label">Passed / failed</span>
              <span class="value">{{ report()!.passed }} / {{ report()!.failed }}</span>
            </div>
          </div>
          <p data-testid="overfitting-reading">{{ o.reading }}</p>
        } @else if (report()) {
          <p class="muted">No overfitting statistics: too few passed cells or too short a range.</p>
        } @else {
          <p class="muted">The overfitting statistics appear when the sweep finishes.</p>
        }
      </section>

      <div class="two-col">
        <section class="panel">
          <div class="section-head">
            <h2>{{ input()?.objective ?? 'Objective' }} by parameter</h2>
            @if (params().length > 2) {
              <span>
                <label
                  >x
                  <select data-testid="heat-x" (change)="setAxis('x', $any($event.target).value)">
                    @for (p of params(); track p) {
                      <option [value]="p" [selected]="p === xParam()">{{ p }}</option>
                    }
                  </select>
                </label>
                <label
                  >y
                  <select data-testid="heat-y" (change)="setAxis('y', $any($event.target).value)">
                    @for (p of params(); track p) {
                      <option [value]="p" [selected]="p === yParam()">{{ p }}</option>
                    }
                  </select>
                </label>
              </span>
            }
          </div>
          @if (matrix(); as m) {
            <g-heatmap-chart
              data-testid="sweep-heatmap"
              [matrix]="m"
              [xName]="xParam() ?? ''"
              [yName]="yParam() ?? ''"
              [valueName]="input()?.objective ?? 'objective'"
              (cellClick)="selectIndex($event)"
            />
            <p class="note">
              @if (params().length > 2) {
                Each cell shows the {{ input()?.direction === 'min' ? 'lowest' : 'highest' }} objective over
                the other parameters ({{ otherParams() }}); clicking it opens that run.
              } @else {
                One cell per run; click a cell for its details.
              }
              Blank cells have no objective (no trades or a failed run).
              @if (cellTotal() > rows().length) {
                Only the first {{ maxCells }} of {{ cellTotal() }} cells are drawn; the table has all of them.
              }
            </p>
          } @else if (rows().length > 0 && params().length < 2) {
            <p class="muted">
              The heat map needs two swept parameters; this sweep varies {{ params().length }}.
            </p>
          } @else {
            <div class="placeholder">Waiting for results…</div>
          }
        </section>

        <section class="panel" data-testid="cell-detail">
          <h2>Run</h2>
          @if (selected(); as s) {
            <dl class="params" data-testid="cell-params" [attr.data-index]="s.index">
              <div>
                <dt>cell</dt>
                <dd>#{{ s.index }}</dd>
              </div>
              @for (p of paramEntries(s); track p[0]) {
                <div [attr.data-param]="p[0]">
                  <dt>{{ p[0] }}</dt>
                  <dd>{{ p[1] }}</dd>
                </div>
              }
            </dl>
            <dl class="params" data-testid="cell-metrics">
              <div>
                <dt>objective</dt>
                <dd>{{ num(s.objective) }}</dd>
              </div>
              <div>
                <dt>return %</dt>
                <dd>{{ num(s.metrics.returnPct) }}</dd>
              </div>
              <div>
                <dt>max drawdown %</dt>
                <dd>{{ num(s.metrics.maxDrawdownPct) }}</dd>
              </div>
              <div>
                <dt>trades</dt>
                <dd>{{ s.metrics.tradeCount }}</dd>
              </div>
              <div>
                <dt>win rate %</dt>
                <dd>{{ num(s.metrics.winRatePct) }}</dd>
              </div>
              <div>
                <dt>profit factor</dt>
                <dd>{{ num(s.metrics.profitFactor) }}</dd>
              </div>
              <div>
                <dt>final equity</dt>
                <dd>{{ num(s.metrics.equityFinal) }}</dd>
              </div>
              <div>
                <dt>fees</dt>
                <dd>{{ num(s.metrics.feesPaid) }}</dd>
              </div>
              <div>
                <dt>ranked</dt>
                <dd>{{ s.passed ? 'yes' : 'no (constraints)' }}</dd>
              </div>
            </dl>
            @if (s.error) {
              <p class="neg">{{ s.error }}</p>
            }
            <button
              type="button"
              class="primary"
              data-testid="run-backtest"
              [disabled]="!input() || launching()"
              (click)="runBacktest(s)"
            >
              {{ launching() ? 'Running backtest…' : 'Run as backtest' }}
            </button>
            @if (launchError(); as e) {
              <p class="neg" role="alert">{{ e }}</p>
            }
          } @else {
            <p class="muted">Click a heat-map cell or a table row to see that run.</p>
          }
        </section>
      </div>

      @if (parallel(); as pc) {
        <section class="panel">
          <h2>All parameters</h2>
          <g-parallel-chart
            data-testid="sweep-parallel"
            [axes]="pc.axes"
            [lines]="pc.lines"
            (lineClick)="selectRow(rows()[$event])"
          />
        </section>
      }

      <section class="panel">
        <div class="section-head">
          <h2>Results</h2>
          <span class="muted" data-testid="results-total">{{ total() }} cells</span>
        </div>
        <table class="grid" data-testid="sweep-table">
          <thead>
            <tr>
              <th class="num sortable" (click)="sortBy('index')" [attr.aria-sort]="ariaSort('index')">
                # {{ arrow('index') }}
              </th>
              @for (p of params(); track p) {
                <th>{{ p }}</th>
              }
              @for (c of columns; track c.key) {
                <th class="num sortable" (click)="sortBy(c.key)" [attr.aria-sort]="ariaSort(c.key)">
                  {{ c.label }} {{ arrow(c.key) }}
                </th>
              }
              <th>Ranked</th>
            </tr>
          </thead>
          <tbody>
            @for (r of page(); track r.index) {
              <tr
                data-testid="result-row"
                class="clickable"
                [attr.data-index]="r.index"
                [class.selected]="selected()?.index === r.index"
                (click)="selectRow(r)"
              >
                <td class="num">{{ r.index }}</td>
                @for (p of params(); track p) {
                  <td>{{ paramText(r, p) }}</td>
                }
                <td class="num" data-col="objective">{{ num(r.objective) }}</td>
                <td class="num" data-col="returnPct">{{ num(r.metrics.returnPct) }}</td>
                <td class="num" data-col="maxDrawdownPct">{{ num(r.metrics.maxDrawdownPct) }}</td>
                <td class="num" data-col="tradeCount">{{ r.metrics.tradeCount }}</td>
                <td class="num" data-col="winRatePct">{{ num(r.metrics.winRatePct) }}</td>
                <td class="num" data-col="profitFactor">{{ num(r.metrics.profitFactor) }}</td>
                <td>{{ r.passed ? 'yes' : 'no' }}</td>
              </tr>
            }
          </tbody>
        </table>
        <div class="pager">
          <span class="muted"
            >{{ total() === 0 ? 0 : offset() + 1 }}–{{ offset() + page().length }} of {{ total() }}</span
          >
          <button type="button" class="ghost" [disabled]="offset() === 0" (click)="turn(-1)">Previous</button>
          <button
            type="button"
            class="ghost"
            data-testid="next-page"
            [disabled]="offset() + page().length >= total()"
            (click)="turn(1)"
          >
            Next
          </button>
        </div>
      </section>
    }
  `,
  styles: [
    REPORT_STYLES,
    `
      .params {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(130px, 1fr));
        gap: 6px 12px;
        margin: 0 0 10px;
      }
      .params div {
        display: flex;
        flex-direction: column;
      }
      .params dt {
        font-size: 10px;
        text-transform: uppercase;
        color: var(--muted);
      }
      .params dd {
        margin: 0;
        font-variant-numeric: tabular-nums;
      }
      .pager {
        display: flex;
        gap: 8px;
        align-items: center;
        justify-content: flex-end;
        margin-top: 8px;
        font-size: 12px;
      }
      g-job-progress {
        display: block;
        margin-bottom: 12px;
      }
    `,
  ],
})
export class SweepReportPage {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  readonly id = input.required<string>();
  protected readonly columns = COLUMNS;
  protected readonly input = signal<CanonicalSweepInput | null>(null);
  protected readonly report = signal<SweepReportDto | null>(null);
  protected readonly rows = signal<SweepResultRow[]>([]);
  protected readonly page = signal<SweepResultRow[]>([]);
  protected readonly total = signal(0);
  protected readonly offset = signal(0);
  protected readonly sortKey = signal<SweepSortKey>('objective');
  protected readonly order = signal<'asc' | 'desc'>('desc');
  protected readonly selected = signal<SweepResultRow | null>(null);
  protected readonly notFound = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly launching = signal(false);
  protected readonly launchError = signal<string | null>(null);
  /** Cells stored so far; more than the heat map reads when above MAX_CELLS. */
  protected readonly cellTotal = signal(0);
  protected readonly maxCells = MAX_CELLS;
  private readonly axisChoice = signal<{ x: string | null; y: string | null }>({ x: null, y: null });
  private lastRefresh = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private status: JobDto['status'] | null = null;
  private launchWatch: JobWatch | undefined;
  private pageSeq = 0;

  protected readonly params = computed(() => varyingParams(this.rows()));
  protected readonly xParam = computed<string | null>(() => {
    const c = this.axisChoice().x;
    const ps = this.params();
    return c && ps.includes(c) ? c : (ps[0] ?? null);
  });
  protected readonly yParam = computed<string | null>(() => {
    const c = this.axisChoice().y;
    const ps = this.params();
    if (c && ps.includes(c) && c !== this.xParam()) return c;
    return ps.find((p) => p !== this.xParam()) ?? null;
  });
  protected readonly otherParams = computed(() =>
    this.params()
      .filter((p) => p !== this.xParam() && p !== this.yParam())
      .join(', '),
  );
  protected readonly fixedText = computed(() => {
    const i = this.input();
    if (!i) return '';
    return Object.entries(i.fixed)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
  });
  protected readonly matrix = computed(() => {
    const x = this.xParam();
    const y = this.yParam();
    const rows = this.rows();
    if (!x || !y || rows.length === 0) return null;
    return heatMatrix(rows, x, y, this.input()?.direction ?? 'max');
  });
  protected readonly parallel = computed<{
    axes: ParallelAxis[];
    lines: (number | string | null)[][];
  } | null>(() => {
    const ps = this.params();
    const rows = this.rows();
    if (ps.length <= 2 || rows.length === 0) return null;
    const axes: ParallelAxis[] = ps.map((p) => {
      const numeric = rows.every((r) => typeof r.params[p] === 'number');
      return numeric
        ? { name: p }
        : { name: p, categories: [...new Set(rows.map((r) => text(r.params[p])))] };
    });
    axes.push({ name: this.input()?.objective ?? 'objective' });
    const lines = rows.map((r) => [
      ...ps.map((p, k) => (axes[k]?.categories ? text(r.params[p]) : (r.params[p] as number))),
      r.objective,
    ]);
    return { axes, lines };
  });

  constructor() {
    effect(() => {
      this.id();
      untracked(() => {
        this.reset();
        void this.reload();
      });
    });
    inject(DestroyRef).onDestroy(() => {
      clearTimeout(this.refreshTimer);
      this.launchWatch?.close();
    });
  }

  private reset(): void {
    this.input.set(null);
    this.report.set(null);
    this.rows.set([]);
    this.page.set([]);
    this.selected.set(null);
    this.status = null;
  }

  async reload(): Promise<void> {
    const id = this.id();
    this.error.set(null);
    try {
      if (!this.input()) {
        const input = (await this.api.lineage(id)).input as unknown as CanonicalSweepInput;
        this.input.set(input);
        // The best cells first: the lowest objective when the sweep minimises.
        if (input.direction === 'min' && this.sortKey() === 'objective') this.order.set('asc');
      }
      await Promise.all([this.loadRows(), this.loadPage()]);
      if (this.status === 'completed' && !this.report()) this.report.set(await this.api.sweep(id));
    } catch (err) {
      const e = toErrorResponse(err);
      if (e.statusCode === 404 && !this.input()) this.notFound.set(true);
      else if (e.statusCode !== 401) this.error.set(e.message);
    }
  }

  /** Progress from the job: partial results are re-read as they arrive, and the report at the end. */
  protected onJob(job: JobDto): void {
    const was = this.status;
    this.status = job.status;
    if (job.status === 'completed' && was !== null && was !== 'completed') {
      void this.reload();
      return;
    }
    if (job.status === 'completed' && was === null && this.input()) {
      void this.reload();
      return;
    }
    if (!TERMINAL_JOB_STATUSES.includes(job.status)) this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    // Re-reading every cell costs one request per thousand: big sweeps refresh less often.
    const every = REFRESH_MS + Math.floor(this.rows().length / FETCH_PAGE) * 500;
    const wait = Math.max(0, this.lastRefresh + every - Date.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.lastRefresh = Date.now();
      void this.reload();
    }, wait);
  }

  private async loadRows(): Promise<void> {
    const id = this.id();
    const all: SweepResultRow[] = [];
    for (let offset = 0; offset < MAX_CELLS; offset += FETCH_PAGE) {
      const p = await this.api.sweepResults(id, { sort: 'index', order: 'asc', limit: FETCH_PAGE, offset });
      all.push(...p.items);
      this.cellTotal.set(p.total);
      if (all.length >= p.total || p.items.length === 0) break;
    }
    this.rows.set(all);
  }

  private async loadPage(): Promise<void> {
    const seq = ++this.pageSeq;
    const p = await this.api.sweepResults(this.id(), {
      sort: this.sortKey(),
      order: this.order(),
      limit: PAGE_SIZE,
      offset: this.offset(),
    });
    if (seq !== this.pageSeq) return;
    this.page.set(p.items);
    this.total.set(p.total);
  }

  protected sortBy(key: SweepSortKey): void {
    if (this.sortKey() === key) this.order.update((o) => (o === 'desc' ? 'asc' : 'desc'));
    else {
      this.sortKey.set(key);
      this.order.set(key === 'index' || key === 'maxDrawdownPct' ? 'asc' : 'desc');
    }
    this.offset.set(0);
    void this.loadPage().catch((err: unknown) => this.error.set(toErrorResponse(err).message));
  }

  protected turn(dir: 1 | -1): void {
    this.offset.update((o) => Math.max(0, o + dir * PAGE_SIZE));
    void this.loadPage().catch((err: unknown) => this.error.set(toErrorResponse(err).message));
  }

  protected arrow(key: SweepSortKey): string {
    return this.sortKey() === key ? (this.order() === 'desc' ? '▼' : '▲') : '';
  }

  protected ariaSort(key: SweepSortKey): string | null {
    return this.sortKey() === key ? (this.order() === 'desc' ? 'descending' : 'ascending') : null;
  }

  protected setAxis(which: 'x' | 'y', name: string): void {
    this.axisChoice.update(() => {
      const next = { x: this.xParam(), y: this.yParam(), [which]: name };
      // Choosing the other axis's parameter swaps the two.
      if (which === 'x' && name === this.yParam()) next.y = this.xParam();
      if (which === 'y' && name === this.xParam()) next.x = this.yParam();
      return next;
    });
  }

  protected selectIndex(index: number): void {
    const row = this.rows().find((r) => r.index === index);
    if (row) this.selectRow(row);
  }

  protected selectRow(row: SweepResultRow | undefined): void {
    if (!row) return;
    this.launchError.set(null);
    this.selected.set(row);
  }

  protected paramEntries(row: SweepResultRow): [string, string][] {
    return Object.entries(row.params).map(([k, v]) => [k, String(v)]);
  }

  protected paramText(row: SweepResultRow, name: string): string {
    return text(row.params[name]);
  }

  protected num(v: number | null): string {
    return formatNumber(v);
  }

  protected prob(v: number | null): string {
    return v === null ? '—' : `${formatNumber(v * 100, 1)}%`;
  }

  /** Backtests the cell with the sweep's own data range and costs, then opens its report. */
  protected async runBacktest(row: SweepResultRow): Promise<void> {
    const i = this.input();
    if (!i) return;
    const req: BacktestRequest = {
      strategy: i.strategy,
      params: row.params,
      instrument: i.instrument,
      timeframe: i.timeframe,
      from: i.from,
      to: i.to,
      initialCash: i.initialCash,
      fees: i.fees,
      semantics: i.semantics,
    };
    this.launching.set(true);
    this.launchError.set(null);
    try {
      const job = await this.api.startBacktest(req);
      if (job.status === 'completed') {
        void this.router.navigate(['/backtests', job.id]);
        return;
      }
      // The report exists once the job completes; wait for it here rather than open an empty page.
      this.launchWatch?.close();
      this.launchWatch = watchJob(
        job.id,
        () => this.auth.token(),
        (e) => {
          if (e.status === 'completed') void this.router.navigate(['/backtests', job.id]);
          else if (TERMINAL_JOB_STATUSES.includes(e.status)) {
            this.launching.set(false);
            this.launchError.set(`The backtest ${e.status}.`);
          }
        },
      );
    } catch (err) {
      this.launching.set(false);
      this.launchError.set(toErrorResponse(err).message);
    }
  }
}

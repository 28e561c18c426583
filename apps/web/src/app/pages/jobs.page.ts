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
  JOB_KINDS,
  JOB_STATUSES,
  type JobDto,
  type JobKind,
  type JobProgressEvent,
  type JobStatus,
  TERMINAL_JOB_STATUSES,
} from '@gauntlet/contracts';
import { ApiService } from '../core/api.service';
import { ApiStatusService } from '../core/api-status.service';
import { AuthService } from '../core/auth.service';
import { toErrorResponse } from '../core/errors';
import { formatDuration, formatTime } from '../core/format';
import { type JobWatch, watchJob, withProgress } from '../core/job-events';

const PAGE_SIZE = 50;
const REFRESH_MS = 15_000;

/** The page each kind of job reports on. */
const REPORT_ROUTES: Partial<Record<JobKind, string>> = {
  backtest: '/backtests',
  sweep: '/sweeps',
  'walk-forward': '/walk-forwards',
  'monte-carlo': '/monte-carlo',
};

interface JobRow {
  job: JobDto;
  /** Set on a child job listed under its parent. */
  nested: boolean;
}

/**
 * Jobs in list order, each parent followed by its children (oldest first). A child whose parent
 * is not on this page keeps its own place and links to the parent instead.
 */
export function nestJobs(jobs: readonly JobDto[]): JobRow[] {
  const ids = new Set(jobs.map((j) => j.id));
  const children = new Map<string, JobDto[]>();
  for (const j of jobs) {
    if (j.parentJobId && ids.has(j.parentJobId)) {
      const list = children.get(j.parentJobId) ?? [];
      list.unshift(j);
      children.set(j.parentJobId, list);
    }
  }
  const out: JobRow[] = [];
  for (const j of jobs) {
    if (j.parentJobId && ids.has(j.parentJobId)) continue;
    out.push({ job: j, nested: false });
    for (const c of children.get(j.id) ?? []) out.push({ job: c, nested: true });
  }
  return out;
}

@Component({
  selector: 'g-jobs-page',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="toolbar">
      <h1>Jobs</h1>
      <label>
        Kind
        <select
          data-testid="filter-kind"
          [value]="kind() ?? ''"
          (change)="filter('kind', $any($event.target).value)"
        >
          <option value="">all</option>
          @for (k of kinds; track k) {
            <option [value]="k" [selected]="k === kind()">{{ k }}</option>
          }
        </select>
      </label>
      <label>
        Status
        <select
          data-testid="filter-status"
          [value]="status() ?? ''"
          (change)="filter('status', $any($event.target).value)"
        >
          <option value="">all</option>
          @for (s of statuses; track s) {
            <option [value]="s" [selected]="s === status()">{{ s }}</option>
          }
        </select>
      </label>
      <span class="spacer"></span>
      <button type="button" class="ghost" (click)="load()">Refresh</button>
      <a class="button primary" routerLink="/backtests/new">New backtest</a>
    </div>

    @if (error(); as e) {
      <div class="panel error-panel" role="alert">
        Could not load jobs: {{ e }} <button type="button" (click)="load()">Retry</button>
      </div>
    }

    @if (jobs(); as list) {
      @if (list.length === 0) {
        <div class="panel empty" data-testid="jobs-empty">
          @if (kind() || status()) {
            <p>
              No {{ status() ?? '' }} {{ kind() ?? '' }} jobs. <a routerLink="/jobs">Clear the filters</a> to
              see all of them.
            </p>
          } @else {
            <p>
              No jobs yet. <a routerLink="/backtests/new">Start a backtest</a> — it will show up here with
              live progress.
            </p>
          }
        </div>
      } @else {
        <table class="grid" data-testid="jobs-table">
          <thead>
            <tr>
              <th>Job</th>
              <th>Kind</th>
              <th>Status</th>
              <th class="progress-col">Progress</th>
              <th>Created</th>
              <th class="num">Duration</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            @for (row of rows(); track row.job.id) {
              @let job = row.job;
              <tr
                [attr.data-job-id]="job.id"
                [attr.data-status]="job.status"
                [attr.data-parent-id]="job.parentJobId ?? null"
                [class.child]="row.nested"
              >
                <td>
                  @if (row.nested) {
                    <span class="nest" aria-hidden="true">↳</span>
                  }
                  @if (reportLink(job); as link) {
                    <a [routerLink]="link" data-testid="open-report">{{ job.title }}</a>
                  } @else {
                    {{ job.title }}
                  }
                  <div class="id">{{ job.id }}</div>
                  @if (job.parentJobId && !row.nested) {
                    <div class="id">
                      part of
                      <a [routerLink]="['/walk-forwards', job.parentJobId]" data-testid="parent-link">{{
                        job.parentJobId
                      }}</a>
                    </div>
                  }
                  @if (job.error; as err) {
                    <div class="job-error" data-testid="job-error">
                      {{ err.message }}
                      @if (err.where) {
                        <span class="where">at {{ err.where }}</span>
                      }
                    </div>
                  }
                </td>
                <td>{{ job.kind }}</td>
                <td>
                  <span class="badge" [class]="job.status">{{ job.status }}</span>
                </td>
                <td class="progress-col">
                  <div
                    class="bar"
                    role="progressbar"
                    data-testid="job-progress"
                    aria-valuemin="0"
                    aria-valuemax="100"
                    [attr.aria-valuenow]="pct(job)"
                    [class]="job.status"
                  >
                    <div class="fill" [style.width.%]="pct(job)"></div>
                  </div>
                  <span class="pct">{{ pct(job) }}%</span>
                </td>
                <td class="muted">{{ time(job.createdAt) }}</td>
                <td class="num">{{ duration(job) }}</td>
                <td class="actions">
                  @if (!isTerminal(job.status)) {
                    <button
                      type="button"
                      class="ghost danger"
                      (click)="cancel(job)"
                      [disabled]="cancelling().has(job.id)"
                    >
                      Cancel
                    </button>
                  }
                  @if (job.links.temporal; as t) {
                    <a
                      [href]="t"
                      target="_blank"
                      rel="noopener"
                      title="Workflow history in the Temporal Web UI"
                      >history ↗</a
                    >
                  }
                </td>
              </tr>
            }
          </tbody>
        </table>
        <div class="pager">
          <span class="muted">{{ offset() + 1 }}–{{ offset() + list.length }} of {{ total() }}</span>
          <button type="button" class="ghost" [disabled]="offset() === 0" (click)="page(-1)">Newer</button>
          <button
            type="button"
            class="ghost"
            [disabled]="offset() + list.length >= total()"
            (click)="page(1)"
          >
            Older
          </button>
        </div>
      }
    } @else if (!error()) {
      <p class="muted">Loading jobs…</p>
    }
  `,
  styles: [
    `
      .toolbar {
        display: flex;
        gap: 12px;
        align-items: end;
        margin-bottom: 12px;
      }
      .toolbar h1 {
        margin: 0 12px 0 0;
        font-size: 18px;
      }
      .toolbar label {
        display: flex;
        flex-direction: column;
        font-size: 11px;
        color: var(--muted);
        gap: 2px;
      }
      .spacer {
        flex: 1;
      }
      tr.child td:first-child {
        padding-left: 28px;
      }
      .nest {
        color: var(--muted);
        margin-left: -16px;
        margin-right: 4px;
      }
      .id {
        font-size: 10px;
        color: var(--muted);
        font-family: var(--mono);
      }
      .progress-col {
        width: 220px;
        white-space: nowrap;
      }
      .bar {
        display: inline-block;
        vertical-align: middle;
        width: 160px;
        height: 8px;
        background: var(--panel-2);
        border-radius: 4px;
        overflow: hidden;
      }
      .fill {
        height: 100%;
        background: var(--accent);
        transition: width 0.3s ease;
      }
      .bar.completed .fill {
        background: var(--up);
      }
      .bar.failed .fill,
      .bar.cancelled .fill {
        background: var(--down);
      }
      .pct {
        display: inline-block;
        width: 44px;
        text-align: right;
        font-size: 11px;
        font-variant-numeric: tabular-nums;
      }
      .job-error {
        color: var(--down);
        font-size: 12px;
        margin-top: 2px;
      }
      .where {
        color: var(--muted);
        margin-left: 6px;
        font-family: var(--mono);
        font-size: 11px;
      }
      .actions {
        white-space: nowrap;
        display: flex;
        gap: 8px;
        align-items: center;
      }
      .pager {
        display: flex;
        gap: 8px;
        align-items: center;
        justify-content: flex-end;
        margin-top: 8px;
        font-size: 12px;
      }
    `,
  ],
})
export class JobsPage {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly apiStatus = inject(ApiStatusService);

  readonly kind = input<JobKind>();
  readonly status = input<JobStatus>();

  protected readonly kinds = JOB_KINDS;
  protected readonly statuses = JOB_STATUSES;
  protected readonly jobs = signal<JobDto[] | null>(null);
  protected readonly rows = computed(() => nestJobs(this.jobs() ?? []));
  protected readonly total = signal(0);
  protected readonly offset = signal(0);
  protected readonly error = signal<string | null>(null);
  protected readonly cancelling = signal(new Set<string>());
  private readonly now = signal(Date.now());
  private readonly watches = new Map<string, JobWatch>();
  private loadSeq = 0;

  constructor() {
    effect(() => {
      this.kind();
      this.status();
      this.apiStatus.recovered();
      untracked(() => void this.load());
    });
    const clock = setInterval(() => this.now.set(Date.now()), 1000);
    const refresh = setInterval(() => void this.load(true), REFRESH_MS);
    inject(DestroyRef).onDestroy(() => {
      clearInterval(clock);
      clearInterval(refresh);
      for (const w of this.watches.values()) w.close();
      this.watches.clear();
    });
  }

  async load(quiet = false): Promise<void> {
    const seq = ++this.loadSeq;
    if (!quiet) this.error.set(null);
    try {
      const page = await this.api.jobs({
        kind: this.kind(),
        status: this.status(),
        limit: PAGE_SIZE,
        offset: this.offset(),
      });
      if (seq !== this.loadSeq) return;
      this.jobs.set(page.items);
      this.total.set(page.total);
      this.error.set(null);
      this.syncWatches(page.items);
    } catch (err) {
      if (seq !== this.loadSeq) return;
      if (!quiet || this.jobs() === null) this.error.set(toErrorResponse(err).message);
    }
  }

  protected filter(name: 'kind' | 'status', value: string): void {
    this.offset.set(0);
    void this.router.navigate([], { queryParams: { [name]: value || null }, queryParamsHandling: 'merge' });
  }

  protected page(dir: 1 | -1): void {
    this.offset.update((o) => Math.max(0, o + dir * PAGE_SIZE));
    void this.load();
  }

  protected async cancel(job: JobDto): Promise<void> {
    this.cancelling.update((s) => new Set(s).add(job.id));
    try {
      this.replace(await this.api.cancelJob(job.id));
    } catch (err) {
      this.error.set(`Cancel failed: ${toErrorResponse(err).message}`);
    } finally {
      this.cancelling.update((s) => {
        const next = new Set(s);
        next.delete(job.id);
        return next;
      });
    }
  }

  protected pct(job: JobDto): number {
    return Math.round(Math.max(0, Math.min(1, job.progress)) * 100);
  }

  /** Backtests have a report once completed; research reports show live progress before that. */
  protected reportLink(job: JobDto): string[] | null {
    const base = REPORT_ROUTES[job.kind];
    if (!base || (job.kind === 'backtest' && job.status !== 'completed')) return null;
    return [base, job.id];
  }

  protected isTerminal(status: JobStatus): boolean {
    return TERMINAL_JOB_STATUSES.includes(status);
  }

  protected time(iso: string): string {
    return formatTime(iso);
  }

  protected duration(job: JobDto): string {
    if (job.durationMs !== null) return formatDuration(job.durationMs);
    if (job.startedAt && !this.isTerminal(job.status))
      return formatDuration(this.now() - Date.parse(job.startedAt));
    return '—';
  }

  /** One event stream per unfinished job on screen; finished ones need none. */
  private syncWatches(jobs: JobDto[]): void {
    const wanted = new Set(jobs.filter((j) => !this.isTerminal(j.status)).map((j) => j.id));
    for (const [id, w] of this.watches) {
      if (!wanted.has(id)) {
        w.close();
        this.watches.delete(id);
      }
    }
    for (const id of wanted) {
      if (this.watches.has(id)) continue;
      this.watches.set(
        id,
        watchJob(
          id,
          () => this.auth.token(),
          (e) => this.onProgress(e),
        ),
      );
    }
  }

  private onProgress(e: JobProgressEvent): void {
    const before = this.jobs()?.find((j) => j.id === e.jobId);
    this.jobs.update((list) => (list ? list.map((j) => (j.id === e.jobId ? withProgress(j, e) : j)) : list));
    if (this.isTerminal(e.status)) this.watches.delete(e.jobId);
    if (before && before.status !== e.status) {
      // The event carries status and progress only; the job itself has the times, error and links.
      this.api.job(e.jobId).then(
        (job) => this.replace(job),
        () => undefined,
      );
    }
  }

  private replace(job: JobDto): void {
    this.jobs.update((list) => (list ? list.map((j) => (j.id === job.id ? job : j)) : list));
  }
}

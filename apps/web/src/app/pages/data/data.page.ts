import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  type OnInit,
  signal,
  viewChild,
} from '@angular/core';
import {
  type InstrumentCoverageDto,
  type QueueSummaryDto,
  TIMEFRAME_MS,
  type TimeframeCoverageDto,
} from '@gauntlet/contracts';
import { AuthService } from '../../core/auth.service';
import { toErrorResponse } from '../../core/errors';
import { formatTime } from '../../core/format';
import { BarsPanelComponent } from './bars-panel.component';
import { DataApiService } from './data-api.service';
import { ImportDialogComponent } from './import-dialog.component';
import { SyncPanelComponent } from './sync-panel.component';
import { type TimelineSegment, timelineSegments } from './timeline';

interface CoverageRow {
  instrument: InstrumentCoverageDto;
  tf: TimeframeCoverageDto;
  segments: TimelineSegment[];
}

/**
 * Coverage per instrument and timeframe with the gaps marked, file imports, exchange syncs with
 * their progress, a candle chart of any stored range, and for admins the sync queues.
 */
@Component({
  selector: 'g-data-page',
  imports: [BarsPanelComponent, ImportDialogComponent, SyncPanelComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="toolbar">
      <h1>Market data</h1>
      <span class="spacer"></span>
      @if (canWrite()) {
        <button type="button" (click)="importDialog().open()">Import file…</button>
      }
      <button type="button" class="ghost" (click)="load()">Refresh</button>
    </div>
    <g-import-dialog (imported)="load()" />

    @if (error(); as e) {
      <div class="panel error-panel" role="alert">Could not load coverage: {{ e }}</div>
    }

    @if (rows(); as list) {
      @if (list.length === 0) {
        <div class="panel empty" data-testid="coverage-empty">
          <p>
            No market data yet. Import a file (here or with <code>gauntlet data import</code>) or start a
            sync.
          </p>
        </div>
      } @else {
        <table class="grid" data-testid="coverage-table">
          <thead>
            <tr>
              <th>Instrument</th>
              <th>Timeframe</th>
              <th>Source</th>
              <th>From</th>
              <th>To</th>
              <th class="num">Bars</th>
              <th class="num">Gaps</th>
              <th class="timeline-col">Timeline</th>
            </tr>
          </thead>
          <tbody>
            @for (row of list; track row.instrument.instrumentId + row.tf.timeframe) {
              <tr
                [attr.data-instrument]="row.instrument.instrumentId"
                [attr.data-timeframe]="row.tf.timeframe"
              >
                <td>{{ row.instrument.instrumentId }}</td>
                <td>{{ row.tf.timeframe }}</td>
                <td>{{ row.tf.source === '1m' ? '1m base' : 'imported ' + row.tf.source }}</td>
                <td>{{ time(row.tf.firstBar) }}</td>
                <td>{{ time(row.tf.lastBar) }}</td>
                <td class="num">{{ row.tf.barCount }}</td>
                <td class="num" data-testid="gap-count">
                  {{ row.tf.gaps.length }}{{ row.tf.gapsTruncated ? '+' : '' }}
                </td>
                <td class="timeline-col">
                  <div class="timeline" role="img" [attr.aria-label]="row.tf.gaps.length + ' gaps'">
                    @for (s of row.segments; track $index) {
                      <span
                        [class]="s.kind"
                        [style.left.%]="s.left * 100"
                        [style.width.%]="s.width * 100"
                        [title]="s.title"
                      ></span>
                    }
                  </div>
                </td>
              </tr>
            }
          </tbody>
        </table>
      }
    } @else if (!error()) {
      <div class="panel">Loading…</div>
    }

    @if (coverage(); as list) {
      <h2>Chart</h2>
      <section class="panel" data-testid="bars-panel">
        <g-bars-panel [coverage]="list" />
      </section>
    }

    @if (canWrite()) {
      <h2>Syncs</h2>
      <g-sync-panel (synced)="load()" />
    }

    @if (isAdmin()) {
      <h2>Queues</h2>
      @if (queueError(); as e) {
        <div class="panel error-panel" role="alert">Could not load the queues: {{ e }}</div>
      }
      @for (q of queues(); track q.name) {
        <section class="panel queue" [attr.data-queue]="q.name">
          <h3>{{ q.name }}</h3>
          <p class="counts">
            waiting {{ q.counts.waiting }} · active {{ q.counts.active }} · delayed {{ q.counts.delayed }} ·
            completed {{ q.counts.completed }} · failed {{ q.counts.failed }}
          </p>
          @if (q.schedulers.length > 0) {
            <p>Repeating: {{ schedulerText(q) }}</p>
          }
          @if (q.failed.length > 0) {
            <table class="grid">
              <thead>
                <tr>
                  <th>Failed job</th>
                  <th>Reason</th>
                  <th class="num">Attempts</th>
                  <th>When</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                @for (j of q.failed; track j.id) {
                  <tr [attr.data-job-id]="j.id">
                    <td>{{ j.id }}</td>
                    <td class="reason">{{ j.failedReason }}</td>
                    <td class="num">{{ j.attemptsMade }}</td>
                    <td>{{ time(j.finishedAt) }}</td>
                    <td>
                      <button type="button" (click)="retry(q.name, j.id)" [disabled]="retrying() === j.id">
                        Retry
                      </button>
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          }
        </section>
      }
    }
  `,
  styles: [
    `
      .timeline-col {
        width: 30%;
        min-width: 12rem;
      }
      .timeline {
        position: relative;
        height: 0.75rem;
        background: var(--surface-2, #eee);
        border-radius: 2px;
      }
      .timeline span {
        position: absolute;
        top: 0;
        bottom: 0;
      }
      .timeline span.data {
        background: var(--accent, #3a7bd5);
      }
      .timeline span.gap {
        background: var(--danger, #d9534f);
        min-width: 2px;
      }
      .queue h3 {
        margin: 0 0 0.25rem;
      }
      .reason {
        max-width: 28rem;
        overflow-wrap: anywhere;
      }
    `,
  ],
})
export class DataPage implements OnInit {
  private readonly api = inject(DataApiService);
  private readonly auth = inject(AuthService);

  protected readonly coverage = signal<InstrumentCoverageDto[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly queues = signal<QueueSummaryDto[]>([]);
  protected readonly queueError = signal<string | null>(null);
  protected readonly retrying = signal<string | null>(null);
  protected readonly isAdmin = computed(() => this.auth.user()?.role === 'admin');
  /** Imports and syncs need the researcher role, as the API does. */
  protected readonly canWrite = computed(() => {
    const role = this.auth.user()?.role;
    return role !== undefined && role !== 'viewer';
  });
  protected readonly importDialog = viewChild.required(ImportDialogComponent);

  protected readonly rows = computed<CoverageRow[] | null>(() => {
    const list = this.coverage();
    if (!list) return null;
    return list.flatMap((instrument) =>
      instrument.timeframes.map((tf) => ({
        instrument,
        tf,
        segments: timelineSegments(tf, TIMEFRAME_MS[tf.timeframe]),
      })),
    );
  });

  ngOnInit(): void {
    void this.load();
  }

  async load(): Promise<void> {
    try {
      this.coverage.set(await this.api.coverage());
      this.error.set(null);
    } catch (err) {
      this.error.set(toErrorResponse(err).message);
    }
    if (this.isAdmin()) await this.loadQueues();
  }

  private async loadQueues(): Promise<void> {
    try {
      this.queues.set(await this.api.queues());
      this.queueError.set(null);
    } catch (err) {
      this.queueError.set(toErrorResponse(err).message);
    }
  }

  async retry(queue: string, jobId: string): Promise<void> {
    this.retrying.set(jobId);
    try {
      await this.api.retry(queue, jobId);
    } catch (err) {
      this.queueError.set(toErrorResponse(err).message);
    } finally {
      this.retrying.set(null);
    }
    await this.loadQueues();
  }

  protected time(iso: string | null): string {
    return formatTime(iso);
  }

  protected schedulerText(q: QueueSummaryDto): string {
    return q.schedulers
      .map((s) => `${s.id}${s.everyMs ? ` every ${Math.round(s.everyMs / 1000)} s` : ''}`)
      .join(', ');
  }
}

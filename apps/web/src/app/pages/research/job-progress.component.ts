import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { type JobDto, type JobStatus, TERMINAL_JOB_STATUSES } from '@gauntlet/contracts';
import { ApiService } from '../../core/api.service';
import { ApiStatusService } from '../../core/api-status.service';
import { AuthService } from '../../core/auth.service';
import { toErrorResponse } from '../../core/errors';
import { type JobWatch, watchJob, withProgress } from '../../core/job-events';

/**
 * A research job's status and live progress (server-sent events, reconnecting across API
 * restarts), with a cancel button while it runs. Reports every change so the page can refresh
 * partial results, and the job itself once it ends.
 */
@Component({
  selector: 'g-job-progress',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (job(); as j) {
      <div class="status" data-testid="job-status" [attr.data-status]="j.status">
        <span class="badge" [class]="j.status">{{ j.status }}</span>
        <div
          class="bar"
          role="progressbar"
          data-testid="job-progress"
          aria-valuemin="0"
          aria-valuemax="100"
          [attr.aria-valuenow]="pct(j)"
          [class]="j.status"
        >
          <div class="fill" [style.width.%]="pct(j)"></div>
        </div>
        <span class="pct">{{ pct(j) }}%</span>
        @if (!terminal(j.status)) {
          <button type="button" class="ghost danger" (click)="cancel()" [disabled]="cancelling()">
            Cancel
          </button>
        }
        @if (j.error; as e) {
          <span class="neg" data-testid="job-error">{{ e.message }}</span>
        }
        @if (note(); as n) {
          <span class="muted">{{ n }}</span>
        }
      </div>
    }
  `,
  styles: [
    `
      .status {
        display: flex;
        gap: 10px;
        align-items: center;
        font-size: 12px;
      }
      .bar {
        width: 220px;
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
        font-variant-numeric: tabular-nums;
        width: 40px;
      }
    `,
  ],
})
export class JobProgressComponent {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly apiStatus = inject(ApiStatusService);

  readonly jobId = input.required<string>();
  /** Every status or progress change, including the first load. */
  readonly changed = output<JobDto>();
  protected readonly job = signal<JobDto | null>(null);
  protected readonly cancelling = signal(false);
  protected readonly note = signal<string | null>(null);
  private watch: JobWatch | undefined;

  constructor() {
    effect(() => {
      this.jobId();
      this.apiStatus.recovered();
      untracked(() => void this.load());
    });
    inject(DestroyRef).onDestroy(() => this.watch?.close());
  }

  private async load(): Promise<void> {
    const id = this.jobId();
    try {
      this.set(await this.api.job(id));
    } catch (err) {
      const e = toErrorResponse(err);
      if (e.statusCode !== 401) this.note.set(`Job status unavailable: ${e.message}`);
      return;
    }
    this.note.set(null);
    const j = this.job();
    this.watch?.close();
    this.watch = undefined;
    if (j && !this.terminal(j.status)) {
      this.watch = watchJob(
        id,
        () => this.auth.token(),
        (e) => {
          const cur = this.job();
          if (!cur) return;
          const statusChanged = cur.status !== e.status;
          this.set(withProgress(cur, e));
          // Times, error and links come with the job itself.
          if (statusChanged)
            this.api.job(id).then(
              (full) => this.set(full),
              () => undefined,
            );
        },
      );
    }
  }

  private set(job: JobDto): void {
    this.job.set(job);
    this.changed.emit(job);
  }

  protected async cancel(): Promise<void> {
    this.cancelling.set(true);
    try {
      this.set(await this.api.cancelJob(this.jobId()));
    } catch (err) {
      this.note.set(`Cancel failed: ${toErrorResponse(err).message}`);
    } finally {
      this.cancelling.set(false);
    }
  }

  protected pct(job: JobDto): number {
    return Math.round(Math.max(0, Math.min(1, job.progress)) * 100);
  }

  protected terminal(status: JobStatus): boolean {
    return TERMINAL_JOB_STATUSES.includes(status);
  }
}

import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  inject,
  type OnInit,
  output,
  signal,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { type InstrumentKind, type SyncExchange, type SyncJobDto } from '@gauntlet/contracts';
import { fieldErrors, toErrorResponse } from '../../core/errors';
import { formatTime } from '../../core/format';
import { DataApiService } from './data-api.service';

/** How often the list is re-read while a job is still going. */
const POLL_MS = 1_000;

const FINISHED: readonly SyncJobDto['state'][] = ['completed', 'failed'];

/** Starts exchange syncs and lists the user's sync jobs, polled while any is still going. */
@Component({
  selector: 'g-sync-panel',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="panel form" (ngSubmit)="start()" data-testid="sync-form">
      <label class="field">
        <span>Exchange</span>
        <select name="exchange" [(ngModel)]="exchange">
          <option value="bybit">Bybit</option>
          <option value="binance">Binance</option>
        </select>
      </label>
      <label class="field">
        <span>Symbol</span>
        <input type="text" name="symbol" placeholder="BTCUSDT" [(ngModel)]="symbol" />
        @for (e of errs()['symbol']; track e) {
          <small class="field-error">{{ e }}</small>
        }
      </label>
      <label class="field">
        <span>Market</span>
        <select name="kind" [(ngModel)]="kind">
          <option value="spot">spot</option>
          <option value="perpetual">perpetual</option>
        </select>
      </label>
      <label class="field">
        <span>From (UTC)</span>
        <input type="date" name="from" [(ngModel)]="from" />
        @for (e of errs()['from']; track e) {
          <small class="field-error">{{ e }}</small>
        }
      </label>
      <label class="field">
        <span>To (UTC, empty: now)</span>
        <input type="date" name="to" [(ngModel)]="to" />
        @for (e of errs()['to']; track e) {
          <small class="field-error">{{ e }}</small>
        }
      </label>
      @if (kind === 'perpetual') {
        <label class="check"
          ><input type="checkbox" name="funding" [(ngModel)]="funding" /> funding rates</label
        >
      }
      <button type="submit" class="primary" [disabled]="starting()">Start sync</button>
    </form>
    @if (error(); as e) {
      <div class="error-panel" role="alert">{{ e }}</div>
    }

    @if (jobs().length === 0) {
      <p class="muted" data-testid="syncs-empty">No sync jobs yet.</p>
    } @else {
      <table class="grid" data-testid="sync-jobs">
        <thead>
          <tr>
            <th>Instrument</th>
            <th>Range</th>
            <th>State</th>
            <th class="progress-col">Progress</th>
            <th class="num">Bars</th>
            <th>Last bar</th>
          </tr>
        </thead>
        <tbody>
          @for (j of jobs(); track j.id) {
            <tr [attr.data-sync-id]="j.id" [attr.data-state]="j.state">
              <td>
                {{ j.exchange }}:{{ j.symbol }} <span class="muted">{{ j.kind }}</span>
              </td>
              <td>{{ time(j.from) }} → {{ j.to ? time(j.to) : 'now' }}</td>
              <td>
                <span class="badge" [class]="badge(j)">{{ j.state }}</span>
                @if (j.error) {
                  <div class="reason error">{{ j.error }}</div>
                }
              </td>
              <td class="progress-col">
                <div
                  class="bar"
                  role="progressbar"
                  aria-valuemin="0"
                  aria-valuemax="100"
                  [attr.aria-valuenow]="pct(j)"
                >
                  <span [style.width.%]="pct(j)"></span>
                </div>
                <small data-testid="sync-progress">{{ pct(j) }}%</small>
              </td>
              <td class="num" data-testid="sync-bars">{{ j.bars }}</td>
              <td>{{ time(j.cursor) }}</td>
            </tr>
          }
        </tbody>
      </table>
    }
  `,
  styles: [
    `
      .form {
        display: flex;
        flex-wrap: wrap;
        gap: 10px 14px;
        align-items: flex-end;
        margin-bottom: 10px;
      }
      .field {
        display: flex;
        flex-direction: column;
        gap: 3px;
        font-size: 12px;
      }
      .field > span {
        color: var(--muted);
      }
      .check {
        font-size: 12px;
      }
      .progress-col {
        width: 22%;
        min-width: 10rem;
      }
      .bar {
        height: 0.5rem;
        background: var(--panel-2);
        border-radius: 2px;
        overflow: hidden;
      }
      .bar span {
        display: block;
        height: 100%;
        background: var(--accent);
      }
      .reason {
        max-width: 24rem;
        overflow-wrap: anywhere;
        font-size: 11px;
      }
    `,
  ],
})
export class SyncPanelComponent implements OnInit {
  private readonly api = inject(DataApiService);

  /** Emitted when a job this panel watched finished with bars stored, so coverage can be refreshed. */
  readonly synced = output<SyncJobDto>();

  protected exchange: SyncExchange = 'bybit';
  protected symbol = '';
  protected kind: InstrumentKind = 'spot';
  protected from = '';
  protected to = '';
  protected funding = false;
  protected readonly jobs = signal<SyncJobDto[]>([]);
  protected readonly starting = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly errs = signal<Record<string, string[]>>({});

  private timer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;
  /** Jobs seen still going; one that is seen finished after that reloads the coverage. */
  private readonly running = new Set<string>();

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      clearTimeout(this.timer);
    });
  }

  ngOnInit(): void {
    void this.refresh();
  }

  async refresh(): Promise<void> {
    clearTimeout(this.timer);
    try {
      const jobs = await this.api.syncs();
      if (this.destroyed) return;
      this.jobs.set(jobs);
      for (const j of jobs) {
        if (!FINISHED.includes(j.state)) this.running.add(j.id);
        else if (this.running.delete(j.id) && j.state === 'completed') this.synced.emit(j);
      }
    } catch (err) {
      this.error.set(toErrorResponse(err).message);
    }
    // A refresh started by the form may overlap a poll: whichever ends last keeps the one timer.
    clearTimeout(this.timer);
    if (!this.destroyed && this.jobs().some((j) => !FINISHED.includes(j.state)))
      this.timer = setTimeout(() => void this.refresh(), POLL_MS);
  }

  async start(): Promise<void> {
    this.starting.set(true);
    this.error.set(null);
    this.errs.set({});
    try {
      const job = await this.api.startSync({
        exchange: this.exchange,
        symbol: this.symbol.trim(),
        kind: this.kind,
        from: this.from ? `${this.from}T00:00:00Z` : '',
        ...(this.to ? { to: `${this.to}T00:00:00Z` } : {}),
        ...(this.kind === 'perpetual' && this.funding ? { funding: true } : {}),
      });
      if (!FINISHED.includes(job.state)) this.running.add(job.id);
      await this.refresh();
    } catch (err) {
      const e = toErrorResponse(err);
      this.errs.set(fieldErrors(e.details));
      this.error.set(e.message);
    } finally {
      this.starting.set(false);
    }
  }

  protected pct(j: SyncJobDto): number {
    return Math.round(j.progress * 100);
  }

  protected badge(j: SyncJobDto): string {
    return `badge ${j.state === 'active' ? 'running' : j.state}`;
  }

  protected time(iso: string | null): string {
    return formatTime(iso);
  }
}

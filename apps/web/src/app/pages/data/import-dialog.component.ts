import {
  ChangeDetectionStrategy,
  Component,
  computed,
  type ElementRef,
  inject,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { type ImportResultDto, type Timeframe, TIMEFRAMES } from '@gauntlet/contracts';
import { fieldErrors, toErrorResponse } from '../../core/errors';
import { DataApiService } from './data-api.service';

/** Rows of a validation report the dialog lists; a file can have far more bad rows than a table can hold. */
const SHOWN_ISSUES = 1_000;

/**
 * Uploads a bar file (CSV, freqtrade JSON, Feather/Arrow IPC) and shows what the server made of
 * it: every bad row with its line and reason, or what was imported and skipped.
 */
@Component({
  selector: 'g-import-dialog',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <dialog #dialog data-testid="import-dialog" aria-labelledby="import-title" (close)="closed()">
      <form class="form" (ngSubmit)="submit()">
        <h2 id="import-title">Import bars</h2>
        <label class="field">
          <span>File (CSV, freqtrade JSON, Feather/Arrow)</span>
          <input
            type="file"
            name="file"
            data-testid="import-file"
            accept=".csv,.json,.feather,.arrow,.ipc,text/csv,application/json"
            (change)="pick($event)"
          />
          @for (e of errs()['file']; track e) {
            <small class="field-error">{{ e }}</small>
          }
        </label>
        <div class="row">
          <label class="field">
            <span>Exchange</span>
            <input type="text" name="exchange" placeholder="binance" [(ngModel)]="exchange" />
            @for (e of errs()['exchange']; track e) {
              <small class="field-error">{{ e }}</small>
            }
          </label>
          <label class="field">
            <span>Symbol</span>
            <input type="text" name="symbol" placeholder="BTCUSDT" [(ngModel)]="symbol" />
            @for (e of errs()['symbol']; track e) {
              <small class="field-error">{{ e }}</small>
            }
          </label>
          <label class="field">
            <span>Timeframe</span>
            <select name="timeframe" [(ngModel)]="timeframe">
              @for (tf of timeframes; track tf) {
                <option [value]="tf">{{ tf }}</option>
              }
            </select>
          </label>
        </div>
        <label class="check">
          <input type="checkbox" name="skipInvalid" [(ngModel)]="skipInvalid" />
          Skip invalid rows (import the valid ones)
        </label>

        @if (error(); as e) {
          <div class="error-panel" role="alert">{{ e }}</div>
        }

        @if (result(); as r) {
          <section class="report" data-testid="import-report" [attr.data-status]="r.status">
            @if (r.status === 'rejected') {
              <p class="error" data-testid="import-summary">
                Nothing imported. {{ r.report.errors.length }} problem(s) in {{ badRows(r) }} bad
                {{ r.report.position }}(s) of {{ r.report.rows }}.
                <!-- The message repeats the counts for bad rows; it tells something new only otherwise. -->
                @if (r.message && r.report.errors.length === 0) {
                  {{ r.message }}
                }
              </p>
            } @else {
              <p data-testid="import-summary">
                {{ r.status === 'unchanged' ? 'Already imported, nothing changed:' : 'Imported' }}
                <strong data-testid="import-imported">{{ r.imported }}</strong> bars into
                <code>{{ r.instrumentId }}</code> ({{ r.timeframe }});
                <strong data-testid="import-skipped">{{ r.skipped }}</strong> invalid
                {{ r.report.position }}(s) skipped, {{ r.report.duplicates }} duplicate(s).
              </p>
            }
            @if (r.report.errors.length > 0) {
              <table class="grid issues" data-testid="import-issues">
                <thead>
                  <tr>
                    <th class="num">{{ r.report.position === 'line' ? 'Line' : 'Record' }}</th>
                    <th>Field</th>
                    <th>Reason</th>
                  </tr>
                </thead>
                <tbody>
                  @for (i of shownIssues(); track $index) {
                    <tr [attr.data-line]="i.line">
                      <td class="num">{{ i.line }}</td>
                      <td>{{ i.field ?? '' }}</td>
                      <td>{{ i.reason }}</td>
                    </tr>
                  }
                </tbody>
              </table>
              @if (r.report.errors.length > shownIssues().length) {
                <p class="muted">
                  The first {{ shownIssues().length }} of {{ r.report.errors.length }} problems are listed.
                </p>
              }
            }
          </section>
        }

        <div class="actions">
          <button type="button" class="ghost" (click)="close()">Close</button>
          <button type="submit" class="primary" [disabled]="busy() || !file()">
            {{ busy() ? 'Uploading…' : 'Upload' }}
          </button>
        </div>
      </form>
    </dialog>
  `,
  styles: [
    `
      dialog {
        width: min(760px, 94vw);
        max-height: 88vh;
        background: var(--panel);
        color: var(--text);
        border: 1px solid var(--border);
        border-radius: 8px;
        padding: 16px;
      }
      dialog::backdrop {
        background: rgba(0, 0, 0, 0.55);
      }
      h2 {
        margin: 0;
        font-size: 16px;
      }
      .form {
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
      .row {
        display: flex;
        gap: 12px;
        flex-wrap: wrap;
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
        display: flex;
        gap: 6px;
        align-items: center;
      }
      .report {
        max-height: 45vh;
        overflow: auto;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 8px;
      }
    `,
  ],
})
export class ImportDialogComponent {
  private readonly api = inject(DataApiService);
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  /** Emitted after bars were written, so the page can refresh its coverage. */
  readonly imported = output<ImportResultDto>();

  protected readonly timeframes = TIMEFRAMES;
  protected exchange = '';
  protected symbol = '';
  protected timeframe: Timeframe = '1m';
  protected skipInvalid = false;
  protected readonly file = signal<File | null>(null);
  protected readonly busy = signal(false);
  protected readonly result = signal<ImportResultDto | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly errs = signal<Record<string, string[]>>({});
  protected readonly shownIssues = computed(() => this.result()?.report.errors.slice(0, SHOWN_ISSUES) ?? []);

  open(): void {
    this.result.set(null);
    this.error.set(null);
    this.errs.set({});
    this.dialog().nativeElement.showModal();
  }

  close(): void {
    this.dialog().nativeElement.close();
  }

  protected closed(): void {
    this.busy.set(false);
  }

  protected pick(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.file.set(input.files?.[0] ?? null);
  }

  protected badRows(r: ImportResultDto): number {
    return r.report.rows - r.report.valid - r.report.duplicates;
  }

  async submit(): Promise<void> {
    const file = this.file();
    if (!file) return;
    const form = new FormData();
    form.append('file', file, file.name);
    form.append('exchange', this.exchange);
    form.append('symbol', this.symbol);
    form.append('timeframe', this.timeframe);
    form.append('skipInvalid', String(this.skipInvalid));
    this.busy.set(true);
    this.error.set(null);
    this.errs.set({});
    this.result.set(null);
    try {
      const r = await this.api.importFile(form);
      this.result.set(r);
      if (r.status === 'imported') this.imported.emit(r);
    } catch (err) {
      const e = toErrorResponse(err);
      this.errs.set(fieldErrors(e.details));
      this.error.set(e.message);
    } finally {
      this.busy.set(false);
    }
  }
}

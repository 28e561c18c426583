import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { type GraduationDto, type VenueAccountDto } from '@gauntlet/contracts';
import { fieldErrors, toErrorResponse } from '../../core/errors';
import {
  DEFAULT_CRITERIA,
  DEFAULT_FEED_STEP_MS,
  DEFAULT_PERIODS,
  DEFAULT_RAMP,
  formatPeriod,
  parseRampSteps,
} from './graduation-view';
import { type CreateGraduationRequest, GraduationsApiService } from './graduations-api.service';

interface NumberField {
  key: string;
  label: string;
  step: string;
}

const CRITERIA_FIELDS: readonly NumberField[] = [
  { key: 'minTrades', label: 'Min closed paper trades', step: '1' },
  { key: 'minSharpe', label: 'Min Sharpe (annualised)', step: 'any' },
  { key: 'maxDrawdownPct', label: 'Max drawdown (%)', step: 'any' },
  { key: 'maxTrackingError', label: 'Max tracking error (RMS of return differences)', step: 'any' },
];

const PERIOD_FIELDS: readonly NumberField[] = [
  { key: 'paperMs', label: 'Paper period (ms)', step: '1' },
  { key: 'approvalTimeoutMs', label: 'Approval timeout (ms)', step: '1' },
  { key: 'rampIntervalMs', label: 'Time at each capital step (ms)', step: '1' },
  { key: 'checkMs', label: 'Live health check every (ms)', step: '1' },
];

/**
 * A new graduation of a completed backtest: the venue account the live bot trades through, the
 * target capital and its ramp, the criteria the paper period must meet and the periods of each
 * stage. The API checks everything; its field errors are shown beside the fields they name, and
 * any it names that the form has no place for, in a list.
 */
@Component({
  selector: 'g-new-graduation-form',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="panel form" (ngSubmit)="submit()" data-testid="graduation-form">
      <div class="grid-fields">
        <label class="field" data-field="backtestId">
          <span>Backtest id</span>
          <input type="text" name="backtestId" data-testid="graduation-backtest" [(ngModel)]="backtestId" />
          <small class="muted">A completed backtest of yours: strategy, parameters, instrument, fees.</small>
          @for (e of errorsAt('backtestId'); track e) {
            <small class="field-error" data-testid="field-error">{{ e }}</small>
          }
        </label>
        <label class="field" data-field="venueAccountId">
          <span>Venue account (live bot)</span>
          <select name="venueAccountId" data-testid="graduation-venue-account" [(ngModel)]="venueAccountId">
            @for (a of accounts(); track a.id) {
              <option [value]="a.id">
                {{ a.label }} · {{ a.venue }}{{ a.testnet ? ' testnet' : '' }} · {{ a.apiKey }}
              </option>
            }
          </select>
          @if (accountsError(); as e) {
            <small class="field-error">Could not load venue accounts: {{ e }}</small>
          } @else if (accounts()?.length === 0) {
            <small class="muted" data-testid="no-venue-accounts">You have no venue accounts yet.</small>
          }
          @for (e of errorsAt('venueAccountId'); track e) {
            <small class="field-error" data-testid="field-error">{{ e }}</small>
          }
        </label>
        <label class="field" data-field="targetCapital">
          <span>Target capital (quote)</span>
          <input
            type="number"
            name="targetCapital"
            data-testid="graduation-target-capital"
            step="any"
            [(ngModel)]="targetCapital"
          />
          @for (e of errorsAt('targetCapital'); track e) {
            <small class="field-error" data-testid="field-error">{{ e }}</small>
          }
        </label>
        <label class="field" data-field="paperCapital">
          <span>Paper capital (blank = backtest's)</span>
          <input
            type="number"
            name="paperCapital"
            data-testid="graduation-paper-capital"
            step="any"
            [(ngModel)]="paperCapital"
          />
          @for (e of errorsAt('paperCapital'); track e) {
            <small class="field-error" data-testid="field-error">{{ e }}</small>
          }
        </label>
        <label class="field" data-field="rampSteps">
          <span>Capital ramp (fractions of the target)</span>
          <input type="text" name="rampSteps" data-testid="graduation-ramp" [(ngModel)]="rampText" />
          @for (e of rampErrors(); track e) {
            <small class="field-error" data-testid="field-error">{{ e }}</small>
          }
        </label>
      </div>

      <fieldset>
        <legend>Criteria for the paper period</legend>
        <div class="grid-fields">
          @for (f of criteriaFields; track f.key) {
            <label class="field" [attr.data-field]="'criteria.' + f.key">
              <span>{{ f.label }}</span>
              <input
                type="number"
                [name]="'criteria_' + f.key"
                [attr.data-testid]="'criteria-' + f.key"
                [step]="f.step"
                [(ngModel)]="criteria[f.key]"
              />
              @for (e of errorsAt('criteria.' + f.key); track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
          }
        </div>
        @for (e of errorsAt('criteria'); track e) {
          <small class="field-error" data-testid="field-error">{{ e }}</small>
        }
      </fieldset>

      <fieldset>
        <legend>Periods (wall-clock)</legend>
        <div class="grid-fields">
          @for (f of periodFields; track f.key) {
            <label class="field" [attr.data-field]="'periods.' + f.key">
              <span>{{ f.label }}</span>
              <input
                type="number"
                [name]="'periods_' + f.key"
                [attr.data-testid]="'periods-' + f.key"
                [step]="f.step"
                [(ngModel)]="periods[f.key]"
              />
              <small class="muted">{{ period(periods[f.key]) }}</small>
              @for (e of errorsAt('periods.' + f.key); track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
          }
        </div>
        @for (e of errorsAt('periods'); track e) {
          <small class="field-error" data-testid="field-error">{{ e }}</small>
        }
      </fieldset>

      <fieldset>
        <legend>Replay feed of the bots</legend>
        <div class="grid-fields">
          <label class="field" data-field="feed.from">
            <span>First paper bar (blank = the backtest's end)</span>
            <input type="text" name="feedFrom" data-testid="graduation-feed-from" [(ngModel)]="feedFrom" />
            @for (e of errorsAt('feed.from'); track e) {
              <small class="field-error" data-testid="field-error">{{ e }}</small>
            }
          </label>
          <label class="field" data-field="feed.stepMs">
            <span>Step interval (ms, ≥ 100)</span>
            <input
              type="number"
              name="feedStepMs"
              data-testid="graduation-feed-step"
              step="1"
              [(ngModel)]="feedStepMs"
            />
            @for (e of errorsAt('feed.stepMs'); track e) {
              <small class="field-error" data-testid="field-error">{{ e }}</small>
            }
          </label>
        </div>
        @for (e of errorsAt('feed'); track e) {
          <small class="field-error" data-testid="field-error">{{ e }}</small>
        }
      </fieldset>

      @if (submitError(); as e) {
        <div class="error-panel" role="alert" data-testid="submit-error">
          {{ e }}
          @if (unplaced().length) {
            <ul>
              @for (d of unplaced(); track $index) {
                <li>{{ d }}</li>
              }
            </ul>
          }
        </div>
      }
      <div class="actions">
        <button type="submit" class="primary" data-testid="graduation-submit" [disabled]="busy()">
          {{ busy() ? 'Requesting…' : 'Start graduation' }}
        </button>
        <button type="button" class="ghost" (click)="cancelled.emit()">Cancel</button>
      </div>
    </form>
  `,
  styles: [
    `
      .form {
        display: flex;
        flex-direction: column;
        gap: 14px;
        max-width: 1100px;
      }
      fieldset {
        border: 1px solid var(--border);
        border-radius: 6px;
        padding: 10px 12px;
        margin: 0;
      }
      legend {
        color: var(--muted);
        font-size: 11px;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        padding: 0 4px;
      }
      .grid-fields {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(210px, 1fr));
        gap: 10px 16px;
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
      .actions {
        display: flex;
        gap: 12px;
        align-items: center;
      }
    `,
  ],
})
export class NewGraduationFormComponent {
  private readonly api = inject(GraduationsApiService);

  /** The backtest to graduate, when the page was opened from its report. */
  readonly backtest = input<string | null>(null);
  readonly created = output<GraduationDto>();
  readonly cancelled = output<void>();

  protected readonly criteriaFields = CRITERIA_FIELDS;
  protected readonly periodFields = PERIOD_FIELDS;
  protected readonly accounts = signal<VenueAccountDto[] | null>(null);
  protected readonly accountsError = signal<string | null>(null);

  protected backtestId = '';
  protected venueAccountId = '';
  protected targetCapital: number | null = 10_000;
  protected paperCapital: number | null = null;
  protected rampText = DEFAULT_RAMP;
  protected readonly criteria: Record<string, number | null> = { ...DEFAULT_CRITERIA };
  protected readonly periods: Record<string, number | null> = { ...DEFAULT_PERIODS };
  protected feedFrom = '';
  protected feedStepMs: number | null = DEFAULT_FEED_STEP_MS;

  protected readonly busy = signal(false);
  protected readonly submitError = signal<string | null>(null);
  protected readonly errs = signal<Record<string, string[]>>({});
  protected readonly period = formatPeriod;

  /** The ramp's own errors and its steps' (`rampSteps.0`, …). */
  protected readonly rampErrors = computed(() =>
    Object.entries(this.errs())
      .filter(([field]) => field === 'rampSteps' || field.startsWith('rampSteps.'))
      .flatMap(([, reasons]) => reasons),
  );
  /** API errors for fields the form has no place for. */
  protected readonly unplaced = computed(() => {
    const placed = new Set([
      'backtestId',
      'venueAccountId',
      'targetCapital',
      'paperCapital',
      'criteria',
      'periods',
      'feed',
      'feed.from',
      'feed.stepMs',
    ]);
    for (const f of CRITERIA_FIELDS) placed.add(`criteria.${f.key}`);
    for (const f of PERIOD_FIELDS) placed.add(`periods.${f.key}`);
    return Object.entries(this.errs())
      .filter(([field]) => !placed.has(field) && field !== 'rampSteps' && !field.startsWith('rampSteps.'))
      .flatMap(([field, reasons]) => reasons.map((r) => `${field}: ${r}`));
  });

  constructor() {
    effect(() => {
      const id = this.backtest();
      if (id) untracked(() => (this.backtestId = id));
    });
    void this.loadAccounts();
  }

  private async loadAccounts(): Promise<void> {
    try {
      const list = await this.api.venueAccounts();
      if (!this.venueAccountId && list[0]) this.venueAccountId = list[0].id;
      this.accounts.set(list);
    } catch (err) {
      this.accountsError.set(toErrorResponse(err).message);
    }
  }

  protected errorsAt(field: string): string[] {
    return this.errs()[field] ?? [];
  }

  protected async submit(): Promise<void> {
    this.submitError.set(null);
    this.errs.set({});
    const ramp = parseRampSteps(this.rampText);
    if (ramp === null) {
      this.errs.set({ rampSteps: ['must be numbers separated by commas, e.g. 0.25, 0.5, 1'] });
      this.submitError.set('Some fields are not valid; see the messages beside them.');
      return;
    }
    const request: CreateGraduationRequest = {
      backtestId: this.backtestId.trim(),
      venueAccountId: this.venueAccountId,
      targetCapital: this.targetCapital as number,
      ...(this.paperCapital !== null && String(this.paperCapital) !== ''
        ? { paperCapital: this.paperCapital }
        : {}),
      rampSteps: ramp,
      criteria: {
        minTrades: this.criteria['minTrades'] as number,
        minSharpe: this.criteria['minSharpe'] as number,
        maxDrawdownPct: this.criteria['maxDrawdownPct'] as number,
        maxTrackingError: this.criteria['maxTrackingError'] as number,
      },
      periods: {
        paperMs: this.periods['paperMs'] as number,
        approvalTimeoutMs: this.periods['approvalTimeoutMs'] as number,
        rampIntervalMs: this.periods['rampIntervalMs'] as number,
        checkMs: this.periods['checkMs'] as number,
      },
      feed: {
        ...(this.feedFrom.trim() ? { from: this.feedFrom.trim() } : {}),
        stepMs: this.feedStepMs as number,
      },
    };
    this.busy.set(true);
    try {
      const graduation = await this.api.create(request);
      this.created.emit(graduation);
    } catch (err) {
      const e = toErrorResponse(err);
      this.errs.set(fieldErrors(e.details));
      this.submitError.set(
        e.details?.length ? 'The API rejected some fields; see the messages beside them.' : e.message,
      );
    } finally {
      this.busy.set(false);
    }
  }
}

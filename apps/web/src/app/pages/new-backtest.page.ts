import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import {
  type BacktestRequest,
  type InstrumentDto,
  type ParamSpec,
  type ParamValue,
  type StrategyDescriptor,
  type Timeframe,
  TIMEFRAMES,
} from '@gauntlet/contracts';
import { ApiService } from '../core/api.service';
import { ApiStatusService } from '../core/api-status.service';
import { fieldErrors, toErrorResponse } from '../core/errors';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an instant, in UTC. */
function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The date inputs' bounds: the first stored day through the day after the last bar (exclusive end). */
export function dateBounds(inst: InstrumentDto | undefined): { min: string; max: string } | null {
  if (!inst?.firstBar || !inst.lastBar) return null;
  return { min: isoDate(Date.parse(inst.firstBar)), max: isoDate(Date.parse(inst.lastBar) + DAY_MS) };
}

@Component({
  selector: 'g-new-backtest-page',
  imports: [FormsModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>New backtest</h1>
    @if (loadError(); as e) {
      <div class="panel error-panel" role="alert">
        Could not load strategies and instruments: {{ e }}
        <button type="button" (click)="load()">Retry</button>
      </div>
    } @else if (!strategies()) {
      <p class="muted">Loading strategies and instruments…</p>
    } @else if (instruments()?.length === 0) {
      <div class="panel empty">
        <p>
          No instruments with data yet. Load bars first (<code>npm run seed</code> or an ingestion job), then
          come back.
        </p>
      </div>
    } @else {
      <form class="panel form" (ngSubmit)="submit()" data-testid="backtest-form">
        <div class="row">
          <label class="field">
            <span>Strategy</span>
            <select
              name="strategy"
              data-testid="strategy"
              [ngModel]="strategyId()"
              (ngModelChange)="selectStrategy($event)"
            >
              @for (s of strategies(); track s.id) {
                <option [value]="s.id">{{ s.name }}</option>
              }
            </select>
            @for (e of errs()['strategy']; track e) {
              <small class="field-error">{{ e }}</small>
            }
          </label>
          @if (strategy(); as s) {
            <p class="desc">{{ s.description }}</p>
          }
        </div>

        @if (strategy(); as s) {
          <fieldset>
            <legend>Parameters</legend>
            <div class="grid-fields">
              @for (p of s.params; track p.name) {
                <label class="field" [attr.data-param]="p.name">
                  <span
                    >{{ p.name }} <em>{{ hint(p) }}</em></span
                  >
                  @switch (p.type) {
                    @case ('enum') {
                      <select
                        [name]="'p_' + p.name"
                        [ngModel]="params()[p.name]"
                        (ngModelChange)="setParam(p.name, $event)"
                      >
                        @for (o of p.options ?? []; track o) {
                          <option [value]="o">{{ o }}</option>
                        }
                      </select>
                    }
                    @case ('bool') {
                      <input
                        type="checkbox"
                        [name]="'p_' + p.name"
                        [ngModel]="params()[p.name]"
                        (ngModelChange)="setParam(p.name, $event)"
                      />
                    }
                    @default {
                      <input
                        type="number"
                        [name]="'p_' + p.name"
                        [attr.min]="p.min ?? null"
                        [attr.max]="p.max ?? null"
                        [attr.step]="p.type === 'int' ? 1 : (p.step ?? 'any')"
                        [ngModel]="params()[p.name]"
                        (ngModelChange)="setParam(p.name, $event)"
                      />
                    }
                  }
                  <small class="muted">{{ p.description }}</small>
                  @for (e of errs()['params.' + p.name]; track e) {
                    <small class="field-error" data-testid="field-error">{{ e }}</small>
                  }
                </label>
              }
            </div>
            @for (c of s.constraints; track c.expression) {
              <small class="muted">Requires {{ c.expression }}: {{ c.description }}</small>
            }
            @for (e of errs()['params']; track e) {
              <small class="field-error" data-testid="field-error">{{ e }}</small>
            }
          </fieldset>
        }

        <fieldset>
          <legend>Data</legend>
          <div class="grid-fields">
            <label class="field">
              <span>Instrument</span>
              <select
                name="instrument"
                data-testid="instrument"
                [ngModel]="instrumentId()"
                (ngModelChange)="selectInstrument($event)"
              >
                @for (i of instruments(); track i.id) {
                  <option [value]="i.id" [disabled]="!i.firstBar">
                    {{ i.id }}{{ i.firstBar ? '' : ' (no data)' }}
                  </option>
                }
              </select>
              @if (instrument(); as i) {
                <small class="muted"
                  >{{ i.barCount.toLocaleString() }} one-minute bars, {{ i.firstBar?.slice(0, 10) }} →
                  {{ i.lastBar?.slice(0, 10) }}</small
                >
              }
              @for (e of errs()['instrument']; track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
            <label class="field">
              <span>Timeframe</span>
              <select name="timeframe" data-testid="timeframe" [(ngModel)]="timeframe">
                @for (t of timeframes; track t) {
                  <option [value]="t">{{ t }}</option>
                }
              </select>
              @for (e of errs()['timeframe']; track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
            <label class="field">
              <span>From (UTC, inclusive)</span>
              <input
                type="date"
                name="from"
                data-testid="from"
                [attr.min]="bounds()?.min ?? null"
                [attr.max]="bounds()?.max ?? null"
                [(ngModel)]="from"
              />
              @for (e of errs()['from']; track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
            <label class="field">
              <span>To (UTC, exclusive)</span>
              <input
                type="date"
                name="to"
                data-testid="to"
                [attr.min]="bounds()?.min ?? null"
                [attr.max]="bounds()?.max ?? null"
                [(ngModel)]="to"
              />
              @for (e of errs()['to']; track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
          </div>
        </fieldset>

        <fieldset>
          <legend>Account</legend>
          <div class="grid-fields">
            <label class="field">
              <span>Initial cash</span>
              <input
                type="number"
                name="initialCash"
                data-testid="initial-cash"
                min="1"
                step="any"
                [(ngModel)]="initialCash"
              />
              @for (e of errs()['initialCash']; track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
            <label class="field">
              <span>Commission (fraction, 0.001 = 0.1%)</span>
              <input
                type="number"
                name="commission"
                min="0"
                max="0.1"
                step="0.0001"
                [(ngModel)]="commission"
              />
              @for (e of errs()['fees.commission']; track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
            <label class="field">
              <span>Slippage (bps)</span>
              <input
                type="number"
                name="slippageBps"
                min="0"
                max="1000"
                step="0.5"
                [(ngModel)]="slippageBps"
              />
              @for (e of errs()['fees.slippageBps']; track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
          </div>
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
          <button type="submit" class="primary" data-testid="submit" [disabled]="busy()">
            {{ busy() ? 'Starting…' : 'Run backtest' }}
          </button>
          <a routerLink="/jobs">Cancel</a>
        </div>
      </form>
    }
  `,
  styles: [
    `
      h1 {
        font-size: 18px;
        margin: 0 0 12px;
      }
      .form {
        display: flex;
        flex-direction: column;
        gap: 14px;
        max-width: 980px;
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
      .field em {
        font-style: normal;
        color: var(--faint);
        font-size: 11px;
      }
      .row {
        display: flex;
        gap: 16px;
        align-items: flex-start;
      }
      .desc {
        color: var(--muted);
        font-size: 12px;
        margin: 16px 0 0;
        max-width: 620px;
      }
      .actions {
        display: flex;
        gap: 12px;
        align-items: center;
      }
    `,
  ],
})
export class NewBacktestPage {
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  private readonly apiStatus = inject(ApiStatusService);

  protected readonly timeframes = TIMEFRAMES;
  protected readonly strategies = signal<StrategyDescriptor[] | null>(null);
  protected readonly instruments = signal<InstrumentDto[] | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly strategyId = signal('');
  protected readonly instrumentId = signal('');
  protected readonly params = signal<Record<string, ParamValue>>({});
  protected timeframe: Timeframe = '1h';
  protected from = '';
  protected to = '';
  protected initialCash: number | null = 10_000;
  protected commission: number | null = 0.001;
  protected slippageBps: number | null = null;
  protected readonly busy = signal(false);
  protected readonly submitError = signal<string | null>(null);
  protected readonly errs = signal<Record<string, string[]>>({});

  protected readonly strategy = computed(() => this.strategies()?.find((s) => s.id === this.strategyId()));
  protected readonly instrument = computed(() =>
    this.instruments()?.find((i) => i.id === this.instrumentId()),
  );
  protected readonly bounds = computed(() => dateBounds(this.instrument()));
  /** API errors for fields the form has no place for. */
  protected readonly unplaced = computed(() => {
    const placed = new Set([
      'strategy',
      'instrument',
      'timeframe',
      'from',
      'to',
      'initialCash',
      'params',
      'fees.commission',
      'fees.slippageBps',
    ]);
    for (const p of this.strategy()?.params ?? []) placed.add(`params.${p.name}`);
    return Object.entries(this.errs())
      .filter(([field]) => !placed.has(field))
      .flatMap(([field, reasons]) => reasons.map((r) => `${field}: ${r}`));
  });

  constructor() {
    effect(() => {
      this.apiStatus.recovered();
      untracked(() => {
        if (!this.strategies() || this.loadError()) void this.load();
      });
    });
  }

  async load(): Promise<void> {
    this.loadError.set(null);
    try {
      const [strategies, instruments] = await Promise.all([this.api.strategies(), this.api.instruments()]);
      this.strategies.set(strategies);
      this.instruments.set(instruments);
      const first = strategies[0];
      if (first) this.selectStrategy(first.id);
      const withData = instruments.find((i) => i.firstBar);
      if (withData) this.selectInstrument(withData.id);
    } catch (err) {
      this.loadError.set(toErrorResponse(err).message);
    }
  }

  protected selectStrategy(id: string): void {
    this.strategyId.set(id);
    const s = this.strategies()?.find((x) => x.id === id);
    this.params.set(Object.fromEntries((s?.params ?? []).map((p) => [p.name, p.default])));
    this.errs.set({});
  }

  protected selectInstrument(id: string): void {
    this.instrumentId.set(id);
    const b = this.bounds();
    if (!b) return;
    // Default to the most recent year of data, or all of it when there is less.
    const lastYear = isoDate(Date.parse(b.max) - 365 * DAY_MS);
    this.from = lastYear > b.min ? lastYear : b.min;
    this.to = b.max;
  }

  protected setParam(name: string, value: ParamValue | null): void {
    this.params.update((p) => ({ ...p, [name]: value as ParamValue }));
  }

  protected hint(p: ParamSpec): string {
    if (p.type === 'enum' || p.type === 'bool') return p.type;
    const range = p.min !== undefined || p.max !== undefined ? ` ${p.min ?? '−∞'}…${p.max ?? '∞'}` : '';
    return `${p.type}${range}`;
  }

  protected async submit(): Promise<void> {
    this.busy.set(true);
    this.submitError.set(null);
    this.errs.set({});
    const fees: NonNullable<BacktestRequest['fees']> = {};
    if (this.commission !== null) fees.commission = this.commission;
    if (this.slippageBps !== null) fees.slippageBps = this.slippageBps;
    const request: BacktestRequest = {
      strategy: this.strategyId(),
      params: this.params(),
      instrument: this.instrumentId(),
      timeframe: this.timeframe,
      from: this.from ? `${this.from}T00:00:00Z` : '',
      to: this.to ? `${this.to}T00:00:00Z` : '',
      initialCash: this.initialCash as number,
      ...(Object.keys(fees).length ? { fees } : {}),
    };
    try {
      await this.api.startBacktest(request);
      await this.router.navigate(['/jobs']);
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

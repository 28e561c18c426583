import { ChangeDetectionStrategy, Component, computed, inject, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import {
  type BotDto,
  type BotSizing,
  type InstrumentDto,
  type ParamValue,
  type StrategyDescriptor,
  type Timeframe,
  TIMEFRAMES,
} from '@gauntlet/contracts';
import { ApiService } from '../../core/api.service';
import { fieldErrors, toErrorResponse } from '../../core/errors';
import { BotsApiService, type CreateBotRequest } from './bots-api.service';
import { type RiskLimitRow, riskLimitsBody } from './bot-view';
import { defaultParams, ParamFieldsComponent } from './param-fields.component';

interface LimitSpec {
  name: string;
  label: string;
  unit: string;
  /** Pre-trade limits may block a single order; running ones can only pause or kill. */
  preTrade: boolean;
}

/** The limits `RiskLimits` knows (libs/trading/src/risk/risk-limits.ts). */
const LIMITS: readonly LimitSpec[] = [
  { name: 'maxPositionNotional', label: 'Max position notional', unit: 'quote', preTrade: true },
  { name: 'maxOrderQty', label: 'Max order quantity', unit: 'units', preTrade: true },
  { name: 'maxOrderNotional', label: 'Max order notional', unit: 'quote', preTrade: true },
  { name: 'priceBandBps', label: 'Limit price band', unit: 'bps from last', preTrade: true },
  { name: 'maxOrdersPerMinute', label: 'Max orders per minute', unit: 'orders', preTrade: true },
  { name: 'maxDailyLoss', label: 'Max daily loss', unit: 'quote', preTrade: false },
  { name: 'maxDailyLossPct', label: 'Max daily loss', unit: '% of day start', preTrade: false },
  { name: 'maxDrawdownPct', label: 'Max drawdown', unit: '% of peak', preTrade: false },
  { name: 'maxTotalExposure', label: 'Max exposure, all bots', unit: 'quote', preTrade: false },
];

type SizingKind = BotSizing['kind'];

/**
 * A new paper bot: strategy and parameters (from its ParamSpec), instrument, capital, sizing,
 * fees, risk limits and the feed (a replay of stored bars, or live). The API checks everything; its field errors are shown
 * beside the fields they name, and any it names that the form has no place for, in a list.
 */
@Component({
  selector: 'g-new-bot-form',
  imports: [FormsModule, ParamFieldsComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (loadError(); as e) {
      <div class="panel error-panel" role="alert">
        Could not load strategies and instruments: {{ e }}
        <button type="button" (click)="load()">Retry</button>
      </div>
    } @else if (!strategies()) {
      <p class="muted">Loading strategies and instruments…</p>
    } @else {
      <form class="panel form" (ngSubmit)="submit()" data-testid="bot-form">
        <div class="grid-fields">
          <label class="field">
            <span>Name</span>
            <input name="name" data-testid="bot-name" maxlength="100" [(ngModel)]="name" />
            @for (e of errorsAt('name'); track e) {
              <small class="field-error" data-testid="field-error">{{ e }}</small>
            }
          </label>
          <label class="field">
            <span>Strategy</span>
            <select
              name="strategy"
              data-testid="bot-strategy"
              [ngModel]="strategyId()"
              (ngModelChange)="selectStrategy($event)"
            >
              @for (s of strategies(); track s.id) {
                <option [value]="s.id">{{ s.name }}</option>
              }
            </select>
            @for (e of errorsAt('strategy'); track e) {
              <small class="field-error" data-testid="field-error">{{ e }}</small>
            }
          </label>
          <label class="field">
            <span>Mode</span>
            <select name="mode" data-testid="bot-mode" disabled>
              <option value="paper" selected>paper</option>
            </select>
            <small class="muted">Live bots are reached through a graduation.</small>
            @for (e of errorsAt('mode'); track e) {
              <small class="field-error" data-testid="field-error">{{ e }}</small>
            }
          </label>
        </div>
        @if (strategy(); as s) {
          <fieldset>
            <legend>Parameters</legend>
            <p class="desc">{{ s.description }}</p>
            <g-param-fields
              [strategy]="s"
              [values]="params()"
              [errors]="errs()"
              (changed)="setParam($event)"
            />
          </fieldset>
        }

        <fieldset>
          <legend>Market and account</legend>
          <div class="grid-fields">
            <label class="field" data-field="instrument">
              <span>Instrument</span>
              <select
                name="instrument"
                data-testid="bot-instrument"
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
                  >bars {{ i.firstBar?.slice(0, 16) }} → {{ i.lastBar?.slice(0, 16) }}</small
                >
              }
              @for (e of errorsAt('instrument'); track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
            <label class="field" data-field="capital">
              <span>Capital (quote)</span>
              <input
                type="number"
                name="capital"
                data-testid="bot-capital"
                step="any"
                [(ngModel)]="capital"
              />
              @for (e of errorsAt('capital'); track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
            <label class="field" data-field="sizing.kind">
              <span>Sizing</span>
              <select
                name="sizingKind"
                data-testid="bot-sizing"
                [ngModel]="sizingKind()"
                (ngModelChange)="sizingKind.set($event)"
              >
                <option value="all-in">all-in</option>
                <option value="units">units</option>
                <option value="cash">cash</option>
                <option value="equity">equity fraction</option>
              </select>
              @for (e of errorsAt('sizing'); track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
              @for (e of errorsAt('sizing.kind'); track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
            @if (sizingField(); as f) {
              <label class="field" [attr.data-field]="'sizing.' + f.key">
                <span>{{ f.label }}</span>
                <input
                  type="number"
                  name="sizingValue"
                  data-testid="bot-sizing-value"
                  step="any"
                  [(ngModel)]="sizingValue"
                />
                @for (e of errorsAt('sizing.' + f.key); track e) {
                  <small class="field-error" data-testid="field-error">{{ e }}</small>
                }
              </label>
            }
            <label class="field" data-field="fees.commission">
              <span>Commission (fraction)</span>
              <input type="number" name="commission" step="0.0001" [(ngModel)]="commission" />
              @for (e of errorsAt('fees.commission'); track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
            <label class="field" data-field="fees.slippageBps">
              <span>Slippage (bps)</span>
              <input type="number" name="slippageBps" step="0.5" [(ngModel)]="slippageBps" />
              @for (e of errorsAt('fees.slippageBps'); track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
            <label class="field" data-field="fees.spreadBps">
              <span>Spread (bps)</span>
              <input type="number" name="spreadBps" step="0.5" [(ngModel)]="spreadBps" />
              @for (e of errorsAt('fees.spreadBps'); track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
          </div>
        </fieldset>

        <fieldset>
          <legend>Feed</legend>
          <div class="grid-fields">
            <label class="field" data-field="feed.kind">
              <span>Bars</span>
              <select name="feedKind" data-testid="bot-feed-kind" [(ngModel)]="feedKind">
                <option value="replay">Replay of stored bars</option>
                <option value="live">Live from the exchange (bybit:, binance:)</option>
              </select>
              @for (e of errorsAt('feed.kind'); track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
            <label class="field" data-field="feed.from">
              <span>From (ISO 8601, UTC)</span>
              <input name="feedFrom" data-testid="bot-feed-from" [(ngModel)]="feedFrom" />
              @for (e of errorsAt('feed.from'); track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
            <label class="field" data-field="feed.timeframe">
              <span>Timeframe (one bar per step)</span>
              <select name="timeframe" data-testid="bot-timeframe" [(ngModel)]="timeframe">
                @for (t of timeframes; track t) {
                  <option [value]="t">{{ t }}</option>
                }
              </select>
              @for (e of errorsAt('feed.timeframe'); track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
            <label class="field" data-field="feed.stepMs">
              <span>Step interval (ms, ≥ 100)</span>
              <input type="number" name="stepMs" data-testid="bot-step-ms" step="1" [(ngModel)]="stepMs" />
              @for (e of errorsAt('feed.stepMs'); track e) {
                <small class="field-error" data-testid="field-error">{{ e }}</small>
              }
            </label>
          </div>
          @for (e of errorsAt('feed'); track e) {
            <small class="field-error" data-testid="field-error">{{ e }}</small>
          }
        </fieldset>

        <fieldset>
          <legend>Risk limits (blank = none)</legend>
          <table class="grid limits">
            <thead>
              <tr>
                <th>Limit</th>
                <th>Threshold</th>
                <th>Action on breach</th>
              </tr>
            </thead>
            <tbody>
              @for (l of limits; track l.name; let i = $index) {
                <tr [attr.data-limit]="l.name">
                  <td>
                    {{ l.label }}
                    <span class="muted">({{ l.unit }}, {{ l.preTrade ? 'per order' : 'running' }})</span>
                  </td>
                  <td>
                    <input
                      type="number"
                      step="any"
                      [name]="'limit_' + l.name"
                      [attr.aria-label]="l.name + ' threshold'"
                      [(ngModel)]="riskRows[i]!.threshold"
                    />
                    @for (e of errorsAt('riskLimits.' + l.name + '.threshold'); track e) {
                      <small class="field-error" data-testid="field-error">{{ e }}</small>
                    }
                  </td>
                  <td>
                    <select
                      [name]="'action_' + l.name"
                      [attr.aria-label]="l.name + ' action'"
                      [(ngModel)]="riskRows[i]!.action"
                    >
                      @for (a of actions(l); track a) {
                        <option [value]="a">{{ a }}</option>
                      }
                    </select>
                    @for (e of errorsAt('riskLimits.' + l.name + '.action'); track e) {
                      <small class="field-error" data-testid="field-error">{{ e }}</small>
                    }
                    @for (e of errorsAt('riskLimits.' + l.name); track e) {
                      <small class="field-error" data-testid="field-error">{{ e }}</small>
                    }
                  </td>
                </tr>
              }
            </tbody>
          </table>
          @for (e of errorsAt('riskLimits'); track e) {
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
          <button type="submit" class="primary" data-testid="bot-submit" [disabled]="busy()">
            {{ busy() ? 'Creating…' : 'Create bot' }}
          </button>
          <button type="button" class="ghost" (click)="cancelled.emit()">Cancel</button>
        </div>
      </form>
    }
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
      .desc {
        color: var(--muted);
        font-size: 12px;
        margin: 0 0 8px;
      }
      .limits td {
        vertical-align: top;
      }
      .limits td small {
        display: block;
      }
      .actions {
        display: flex;
        gap: 12px;
        align-items: center;
      }
    `,
  ],
})
export class NewBotFormComponent {
  private readonly api = inject(ApiService);
  private readonly bots = inject(BotsApiService);

  readonly created = output<BotDto>();
  readonly cancelled = output<void>();

  protected readonly timeframes = TIMEFRAMES;
  protected readonly limits = LIMITS;
  protected readonly strategies = signal<StrategyDescriptor[] | null>(null);
  protected readonly instruments = signal<InstrumentDto[] | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly strategyId = signal('');
  protected readonly instrumentId = signal('');
  protected readonly params = signal<Record<string, ParamValue>>({});
  protected readonly sizingKind = signal<SizingKind>('all-in');

  protected name = '';
  protected capital: number | null = 10_000;
  protected feedKind: 'replay' | 'live' = 'replay';
  protected feedFrom = '';
  protected timeframe: Timeframe = '1m';
  protected stepMs: number | null = 1000;
  protected sizingValue: number | null = null;
  protected commission: number | null = 0.001;
  protected slippageBps: number | null = null;
  protected spreadBps: number | null = null;
  protected readonly riskRows: RiskLimitRow[] = LIMITS.map((l) => ({
    name: l.name,
    threshold: null,
    action: l.preTrade ? 'block' : 'pause',
  }));

  protected readonly busy = signal(false);
  protected readonly submitError = signal<string | null>(null);
  protected readonly errs = signal<Record<string, string[]>>({});

  protected readonly strategy = computed(() => this.strategies()?.find((s) => s.id === this.strategyId()));
  protected readonly instrument = computed(() =>
    this.instruments()?.find((i) => i.id === this.instrumentId()),
  );
  protected readonly sizingField = computed(() => {
    switch (this.sizingKind()) {
      case 'units':
        return { key: 'units', label: 'Units per order' };
      case 'cash':
        return { key: 'amount', label: 'Cash per order' };
      case 'equity':
        return { key: 'fraction', label: 'Fraction of equity (0–1]' };
      default:
        return null;
    }
  });
  /** API errors for fields the form has no place for. */
  protected readonly unplaced = computed(() => {
    const placed = new Set([
      'name',
      'strategy',
      'params',
      'instrument',
      'mode',
      'capital',
      'riskLimits',
      'feed',
      'feed.kind',
      'feed.from',
      'feed.timeframe',
      'feed.stepMs',
      'sizing',
      'sizing.kind',
      'sizing.units',
      'sizing.amount',
      'sizing.fraction',
      'fees.commission',
      'fees.slippageBps',
      'fees.spreadBps',
    ]);
    for (const p of this.strategy()?.params ?? []) placed.add(`params.${p.name}`);
    for (const l of LIMITS)
      for (const suffix of ['', '.threshold', '.action']) placed.add(`riskLimits.${l.name}${suffix}`);
    return Object.entries(this.errs())
      .filter(([field]) => !placed.has(field))
      .flatMap(([field, reasons]) => reasons.map((r) => `${field}: ${r}`));
  });

  constructor() {
    void this.load();
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
    this.params.set(defaultParams(this.strategies()?.find((x) => x.id === id)));
    this.errs.set({});
  }

  protected selectInstrument(id: string): void {
    this.instrumentId.set(id);
    // The replay starts at the instrument's first stored bar unless the user picks a later one.
    const first = this.instrument()?.firstBar;
    if (first) this.feedFrom = new Date(first).toISOString().replace('.000Z', 'Z');
  }

  protected setParam(change: { name: string; value: ParamValue | null }): void {
    this.params.update((p) => ({ ...p, [change.name]: change.value as ParamValue }));
  }

  protected actions(l: LimitSpec): string[] {
    return l.preTrade ? ['block', 'pause', 'kill'] : ['pause', 'kill'];
  }

  protected errorsAt(field: string): string[] {
    return this.errs()[field] ?? [];
  }

  private sizing(): BotSizing {
    const v = this.sizingValue as number;
    switch (this.sizingKind()) {
      case 'units':
        return { kind: 'units', units: v };
      case 'cash':
        return { kind: 'cash', amount: v };
      case 'equity':
        return { kind: 'equity', fraction: v };
      default:
        return { kind: 'all-in' };
    }
  }

  protected async submit(): Promise<void> {
    this.busy.set(true);
    this.submitError.set(null);
    this.errs.set({});
    const fees: NonNullable<CreateBotRequest['fees']> = {};
    if (this.commission !== null) fees.commission = this.commission;
    if (this.slippageBps !== null) fees.slippageBps = this.slippageBps;
    if (this.spreadBps !== null) fees.spreadBps = this.spreadBps;
    const request: CreateBotRequest = {
      name: this.name.trim(),
      strategy: this.strategyId(),
      params: this.params(),
      instrument: this.instrumentId(),
      mode: 'paper',
      capital: this.capital as number,
      riskLimits: riskLimitsBody(this.riskRows),
      feed: {
        kind: this.feedKind,
        from: this.feedFrom.trim(),
        timeframe: this.timeframe,
        stepMs: this.stepMs as number,
      },
      fees,
      sizing: this.sizing(),
    };
    try {
      const bot = await this.bots.create(request);
      this.created.emit(bot);
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

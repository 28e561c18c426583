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
import { FormsModule } from '@angular/forms';
import {
  BAR_ARROW_COLUMNS,
  type InstrumentCoverageDto,
  type Timeframe,
  TIMEFRAME_MS,
} from '@gauntlet/contracts';
import {
  alignWindow,
  chooseTimeframe,
  coversView,
  OhlcvChartComponent,
  type OhlcvSeries,
  type TimeWindow,
} from '@gauntlet/ui';
import { ApiService } from '../../core/api.service';
import { toErrorResponse } from '../../core/errors';
import { arrowColumns } from '../arrow';

const DAY = 86_400_000;

/** Zoom and pan events arrive many per second; one request once the user pauses. */
const ZOOM_DEBOUNCE_MS = 250;

const PRESETS: readonly { label: string; ms: number | null }[] = [
  { label: '1D', ms: DAY },
  { label: '1W', ms: 7 * DAY },
  { label: '1M', ms: 30 * DAY },
  { label: '3M', ms: 91 * DAY },
  { label: '1Y', ms: 365 * DAY },
  { label: 'All', ms: null },
];

interface Shown {
  bars: OhlcvSeries;
  range: TimeWindow;
  view: TimeWindow;
  tf: Timeframe;
}

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Candles and volume of any stored range. The timeframe follows the span on screen, so a year of
 * minutes is drawn as about two thousand 4-hour candles; zooming in re-requests just the visible
 * window at a finer timeframe (debounced, and only the latest answer is drawn).
 */
@Component({
  selector: 'g-bars-panel',
  imports: [FormsModule, OhlcvChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '[attr.data-timeframe]': 'timeframe()',
    '[attr.data-draws]': 'draws()',
    '[attr.data-loading]': 'loading()',
  },
  template: `
    <div class="controls">
      <label class="field">
        <span>Instrument</span>
        <select
          name="instrument"
          data-testid="chart-instrument"
          [ngModel]="instrumentId()"
          (ngModelChange)="pickInstrument($event)"
        >
          @for (c of withBars(); track c.instrumentId) {
            <option [value]="c.instrumentId">{{ c.instrumentId }}</option>
          }
        </select>
      </label>
      <div class="presets" role="group" aria-label="Range">
        @for (p of presets; track p.label) {
          <button type="button" class="ghost" (click)="preset(p.ms)">{{ p.label }}</button>
        }
      </div>
      <label class="field">
        <span>From (UTC)</span>
        <input type="date" name="chartFrom" [(ngModel)]="fromText" />
      </label>
      <label class="field">
        <span>To (UTC)</span>
        <input type="date" name="chartTo" [(ngModel)]="toText" />
      </label>
      <button type="button" (click)="showDates()">Show</button>
    </div>

    @if (error(); as e) {
      <div class="error-panel" role="alert">Could not load bars: {{ e }}</div>
    }

    @if (shown(); as s) {
      <p class="muted status" data-testid="chart-status">
        {{ s.tf }} candles · {{ s.bars.time.length }} drawn
        @if (lastDrawMs() !== null) {
          · drawn {{ lastDrawMs() }} ms after the request
        }
        @if (loading()) {
          · loading…
        }
      </p>
      <g-ohlcv-chart
        data-testid="bars-chart"
        [bars]="s.bars"
        [range]="s.range"
        [view]="s.view"
        (viewChange)="zoomed($event)"
        (drawn)="onDrawn()"
      />
    } @else if (loading()) {
      <p class="muted">Loading bars…</p>
    } @else if (withBars().length === 0) {
      <p class="muted">No bars to chart yet.</p>
    }
  `,
  styles: [
    `
      .controls {
        display: flex;
        flex-wrap: wrap;
        gap: 10px 14px;
        align-items: flex-end;
        margin-bottom: 8px;
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
      .presets {
        display: flex;
        gap: 4px;
      }
      .status {
        font-size: 12px;
        margin: 0 0 4px;
      }
    `,
  ],
})
export class BarsPanelComponent {
  private readonly api = inject(ApiService);

  readonly coverage = input.required<InstrumentCoverageDto[]>();

  protected readonly presets = PRESETS;
  protected readonly withBars = computed(() => this.coverage().filter((c) => c.timeframes.length > 0));
  protected readonly instrumentId = signal<string | null>(null);
  /** What the chart draws; set in one step so bars, axis span and zoom window always agree. */
  protected readonly shown = signal<Shown | null>(null);
  protected readonly timeframe = computed(() => this.shown()?.tf ?? null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly draws = signal(0);
  protected readonly lastDrawMs = signal<number | null>(null);
  protected fromText = '';
  protected toText = '';

  /** What the bars on screen cover, and at which timeframe. */
  private loaded: { window: TimeWindow; tf: Timeframe } | null = null;
  /** Bumped by every new view; an answer for an older one is dropped. */
  private seq = 0;
  private requestedAt = 0;
  private zoomTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly instrument = computed(
    () => this.withBars().find((c) => c.instrumentId === this.instrumentId()) ?? null,
  );
  /** Timeframes `GET /api/bars` can serve for the instrument. */
  private readonly available = computed(
    () =>
      this.instrument()
        ?.timeframes.filter((t) => t.barCount > 0)
        .map((t) => t.timeframe) ?? [],
  );

  /** The instrument's stored span: first bar to the end of the last, over every timeframe. */
  private readonly extent = computed<TimeWindow | null>(() => {
    const c = this.instrument();
    if (!c) return null;
    let from = Infinity;
    let to = -Infinity;
    for (const t of c.timeframes) {
      if (!t.firstBar || !t.lastBar) continue;
      from = Math.min(from, Date.parse(t.firstBar));
      to = Math.max(to, Date.parse(t.lastBar) + TIMEFRAME_MS[t.timeframe]);
    }
    return Number.isFinite(from) && to > from ? { from, to } : null;
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      clearTimeout(this.zoomTimer);
      this.seq++;
    });
    // The first instrument with bars is charted over its whole span when the page opens.
    effect(() => {
      const list = this.withBars();
      untracked(() => {
        if (this.instrumentId() !== null && list.some((c) => c.instrumentId === this.instrumentId())) return;
        const first = list[0];
        if (first) this.pickInstrument(first.instrumentId);
      });
    });
  }

  protected pickInstrument(id: string): void {
    this.instrumentId.set(id);
    this.preset(null);
  }

  protected preset(ms: number | null): void {
    const e = this.extent();
    if (!e) return;
    this.show({ from: ms === null ? e.from : Math.max(e.from, e.to - ms), to: e.to });
  }

  protected showDates(): void {
    const from = Date.parse(`${this.fromText}T00:00:00Z`);
    const to = Date.parse(`${this.toText}T00:00:00Z`);
    if (!Number.isFinite(from) || !Number.isFinite(to) || !(to > from)) {
      this.error.set('choose a From date before the To date');
      return;
    }
    this.show({ from, to });
  }

  /** A new range: the axis spans it, and all of it is on screen. */
  private show(range: TimeWindow): void {
    this.fromText = isoDate(range.from);
    this.toText = isoDate(range.to);
    clearTimeout(this.zoomTimer);
    this.loaded = null;
    void this.load(range, range);
  }

  protected zoomed(view: TimeWindow): void {
    clearTimeout(this.zoomTimer);
    this.zoomTimer = setTimeout(() => {
      const range = this.shown()?.range;
      if (!range || view.to <= view.from) return;
      const loaded = this.loaded;
      if (loaded && coversView(loaded.window, loaded.tf, view, this.available())) {
        // What is loaded already shows this view; a request still under way is for an older one.
        this.seq++;
        this.loading.set(false);
        return;
      }
      void this.load(range, view);
    }, ZOOM_DEBOUNCE_MS);
  }

  private async load(range: TimeWindow, view: TimeWindow): Promise<void> {
    const id = this.instrumentId();
    if (!id) return;
    const my = ++this.seq;
    const tf = chooseTimeframe(view.to - view.from, this.available());
    const aligned = alignWindow(view, tf);
    const window = { from: Math.max(range.from, aligned.from), to: Math.min(range.to, aligned.to) };
    this.loading.set(true);
    this.error.set(null);
    this.requestedAt = performance.now();
    try {
      const bytes = await this.api.barsArrow(
        id,
        tf,
        new Date(window.from).toISOString(),
        new Date(window.to).toISOString(),
      );
      if (my !== this.seq) return;
      const bars = arrowColumns(bytes, BAR_ARROW_COLUMNS);
      this.loaded = { window, tf };
      this.shown.set({ bars, range, view, tf });
    } catch (err) {
      if (my === this.seq) this.error.set(toErrorResponse(err).message);
    } finally {
      if (my === this.seq) this.loading.set(false);
    }
  }

  protected onDrawn(): void {
    this.lastDrawMs.set(Math.round(performance.now() - this.requestedAt));
    this.draws.update((n) => n + 1);
  }
}

import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { type TradeDto } from '@gauntlet/contracts';
import { type EChartsCoreOption } from 'echarts/core';
import { NgxEchartsDirective } from 'ngx-echarts';
import { AXIS_STYLE, CHART_COLORS, TOOLTIP_STYLE } from './chart-theme';

/** OHLC bars as columns, times in epoch ms. */
export interface CandleSeries {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
}

type Marker = [number, number, string];

/** Entries and exits as scatter points; their colour says whether the trade won. */
export function tradeMarkers(trades: readonly TradeDto[]): { entries: Marker[]; exits: Marker[] } {
  const entries: Marker[] = [];
  const exits: Marker[] = [];
  for (const t of trades) {
    entries.push([Date.parse(t.entryTime), t.entryPrice, t.side]);
    exits.push([Date.parse(t.exitTime), t.exitPrice, t.pnl >= 0 ? 'win' : 'loss']);
  }
  return { entries, exits };
}

/** How many candles the first view shows; the rest is one drag or scroll away. */
const INITIAL_WINDOW = 600;

/**
 * Candles in ECharts' large mode (drawn as one path past a threshold) with trades marked.
 * The first view is the most recent window, so the initial paint touches few candles.
 */
@Component({
  selector: 'g-candlestick-chart',
  imports: [NgxEchartsDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div
    echarts
    class="chart"
    [options]="options()"
    [style.height.px]="height()"
    (chartFinished)="finished.emit()"
  ></div>`,
  styles: [':host { display: block; } .chart { width: 100%; }'],
})
export class CandlestickChartComponent {
  readonly candles = input.required<CandleSeries>();
  readonly trades = input<readonly TradeDto[]>([]);
  /** Emitted each time ECharts finishes drawing (first paint, and after every zoom). */
  readonly finished = output<void>();
  readonly height = input(380);

  protected readonly options = computed<EChartsCoreOption>(() => {
    const c = this.candles();
    const n = c.time.length;
    const data = new Array<[number, number, number, number, number]>(n);
    for (let i = 0; i < n; i++) {
      data[i] = [
        c.time[i] as number,
        c.open[i] as number,
        c.close[i] as number,
        c.low[i] as number,
        c.high[i] as number,
      ];
    }
    const { entries, exits } = tradeMarkers(this.trades());
    const startPct = n > INITIAL_WINDOW ? (1 - INITIAL_WINDOW / n) * 100 : 0;
    return {
      animation: false,
      backgroundColor: 'transparent',
      tooltip: { trigger: 'axis', axisPointer: { type: 'cross' }, ...TOOLTIP_STYLE },
      legend: {
        top: 0,
        right: 16,
        textStyle: { color: CHART_COLORS.text, fontSize: 10 },
        data: ['Entry', 'Exit'],
      },
      grid: { left: 64, right: 16, top: 24, bottom: 44 },
      xAxis: { type: 'time', ...AXIS_STYLE },
      yAxis: { type: 'value', scale: true, ...AXIS_STYLE },
      dataZoom: [
        { type: 'inside', start: startPct, end: 100, filterMode: 'filter' },
        {
          type: 'slider',
          start: startPct,
          end: 100,
          height: 16,
          bottom: 8,
          borderColor: CHART_COLORS.axis,
          textStyle: { color: CHART_COLORS.text },
          showDataShadow: false,
        },
      ],
      series: [
        {
          name: 'Price',
          type: 'candlestick',
          large: true,
          largeThreshold: 2000,
          progressive: 0,
          itemStyle: {
            color: CHART_COLORS.up,
            color0: CHART_COLORS.down,
            borderColor: CHART_COLORS.up,
            borderColor0: CHART_COLORS.down,
          },
          data,
        },
        {
          name: 'Entry',
          type: 'scatter',
          symbol: 'triangle',
          symbolSize: 9,
          itemStyle: { color: '#f5c542' },
          data: entries,
        },
        {
          name: 'Exit',
          type: 'scatter',
          symbol: 'triangle',
          symbolRotate: 180,
          symbolSize: 9,
          itemStyle: {
            color: (p: { value: Marker }) => (p.value[2] === 'win' ? CHART_COLORS.up : CHART_COLORS.down),
          },
          data: exits,
        },
      ],
    };
  });
}

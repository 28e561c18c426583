import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { type EChartsCoreOption } from 'echarts/core';
import { NgxEchartsDirective } from 'ngx-echarts';
import { type TimeWindow, windowFromPercent } from './bar-window';
import { AXIS_STYLE, CHART_COLORS, TOOLTIP_STYLE } from './chart-theme';
import { markerPoints, type PriceMarker } from './price-markers';

/** OHLCV bars as columns, times in epoch ms, oldest first. */
export interface OhlcvSeries {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

interface ZoomWindow {
  start?: number;
  end?: number;
  startValue?: number;
  endValue?: number;
}

/** What ECharts sends: the inside zoom in `batch`, the slider at the top level; percentages or values. */
interface DataZoomEvent extends ZoomWindow {
  batch?: ZoomWindow[];
}

/**
 * Candles over volume bars on one time axis. The axis always spans `range`, while `bars` need
 * only cover the window on screen (`view`): the page that owns the data re-requests that window
 * at a finer timeframe when the user zooms (`viewChange`), so the chart never holds more candles
 * than fit on the canvas.
 */
@Component({
  selector: 'g-ohlcv-chart',
  imports: [NgxEchartsDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[attr.data-candles]': 'bars().time.length', '[attr.data-markers]': 'markers().length' },
  template: `<div
    echarts
    class="chart"
    [options]="options()"
    [style.height.px]="height()"
    (chartDataZoom)="onZoom($event)"
    (chartFinished)="onFinished()"
  ></div>`,
  styles: [':host { display: block; } .chart { width: 100%; }'],
})
export class OhlcvChartComponent {
  readonly bars = input.required<OhlcvSeries>();
  /** The whole span the axis (and the zoom slider) covers. */
  readonly range = input.required<TimeWindow>();
  /** The part of `range` on screen. */
  readonly view = input.required<TimeWindow>();
  readonly height = input(420);
  /** Optional points drawn over the candles (buy ▲, sell ▼); none leaves the chart as it was. */
  readonly markers = input<readonly PriceMarker[]>([]);
  /** The window the user zoomed or panned to. */
  readonly viewChange = output<TimeWindow>();
  /** Emitted once per new `bars` when ECharts has drawn them, with how many candles it drew. */
  readonly drawn = output<number>();

  private lastDrawn: OhlcvSeries | null = null;

  protected onZoom(event: unknown): void {
    const e = event as DataZoomEvent;
    const p = e.batch?.[0] ?? e;
    if (typeof p.startValue === 'number' && typeof p.endValue === 'number')
      this.viewChange.emit({ from: p.startValue, to: p.endValue });
    else if (typeof p.start === 'number' && typeof p.end === 'number')
      this.viewChange.emit(windowFromPercent(this.range(), p.start, p.end));
  }

  protected onFinished(): void {
    const bars = this.bars();
    if (bars === this.lastDrawn) return;
    this.lastDrawn = bars;
    this.drawn.emit(bars.time.length);
  }

  protected readonly options = computed<EChartsCoreOption>(() => {
    const b = this.bars();
    const range = this.range();
    const view = this.view();
    const n = b.time.length;
    const candles = new Array<[number, number, number, number, number]>(n);
    const volume = new Array<[number, number]>(n);
    for (let i = 0; i < n; i++) {
      const t = b.time[i] as number;
      candles[i] = [t, b.open[i] as number, b.close[i] as number, b.low[i] as number, b.high[i] as number];
      volume[i] = [t, b.volume[i] as number];
    }
    const { buys, sells } = markerPoints(this.markers());
    const marked =
      buys.length + sells.length === 0
        ? []
        : [
            {
              name: 'Buy',
              type: 'scatter',
              xAxisIndex: 0,
              yAxisIndex: 0,
              symbol: 'triangle',
              symbolSize: 12,
              z: 5,
              itemStyle: { color: CHART_COLORS.up, borderColor: '#ffffff', borderWidth: 1.5 },
              data: buys,
            },
            {
              name: 'Sell',
              type: 'scatter',
              xAxisIndex: 0,
              yAxisIndex: 0,
              symbol: 'triangle',
              symbolRotate: 180,
              symbolSize: 12,
              z: 5,
              itemStyle: { color: CHART_COLORS.down, borderColor: '#ffffff', borderWidth: 1.5 },
              data: sells,
            },
          ];
    const axis = { type: 'time', min: range.from, max: range.to, ...AXIS_STYLE };
    const zoom = { xAxisIndex: [0, 1], startValue: view.from, endValue: view.to, filterMode: 'filter' };
    return {
      animation: false,
      backgroundColor: 'transparent',
      tooltip: { trigger: 'axis', axisPointer: { type: 'cross' }, ...TOOLTIP_STYLE },
      axisPointer: { link: [{ xAxisIndex: 'all' }] },
      grid: [
        { left: 64, right: 16, top: 16, height: '58%' },
        { left: 64, right: 16, top: '72%', bottom: 44 },
      ],
      xAxis: [
        { ...axis, gridIndex: 0, axisLabel: { show: false } },
        { ...axis, gridIndex: 1 },
      ],
      yAxis: [
        { type: 'value', scale: true, gridIndex: 0, ...AXIS_STYLE },
        {
          type: 'value',
          gridIndex: 1,
          splitNumber: 2,
          ...AXIS_STYLE,
          axisLabel: { ...AXIS_STYLE.axisLabel, formatter: compact },
        },
      ],
      dataZoom: [
        { type: 'inside', ...zoom },
        {
          type: 'slider',
          ...zoom,
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
          largeThreshold: 1000,
          progressive: 0,
          xAxisIndex: 0,
          yAxisIndex: 0,
          itemStyle: {
            color: CHART_COLORS.up,
            color0: CHART_COLORS.down,
            borderColor: CHART_COLORS.up,
            borderColor0: CHART_COLORS.down,
          },
          data: candles,
        },
        {
          name: 'Volume',
          type: 'bar',
          large: true,
          progressive: 0,
          xAxisIndex: 1,
          yAxisIndex: 1,
          itemStyle: { color: CHART_COLORS.accent, opacity: 0.6 },
          data: volume,
        },
        ...marked,
      ],
    };
  });
}

/** 1234567 → 1.2M: volume labels stay narrow. */
function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}B`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return String(v);
}

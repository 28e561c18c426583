import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import { type EChartsCoreOption } from 'echarts/core';
import { NgxEchartsDirective } from 'ngx-echarts';
import { AXIS_STYLE, CHART_COLORS, TOOLTIP_STYLE } from './chart-theme';
import { extremaIndices, lowerBound } from './decimate';

/** An equity curve as columns: epoch-ms times, equity, and drawdown in percent (<= 0). */
export interface EquitySeries {
  time: Float64Array;
  equity: Float64Array;
  drawdownPct: Float64Array;
}

/** Points per screen: about two per pixel column of a wide chart. */
const BUCKETS = 1500;

/** [x, y] pairs of the chosen rows, the shape ECharts reads for a time axis. */
function pairs(x: Float64Array, y: Float64Array, rows: Int32Array): [number, number][] {
  const out = new Array<[number, number]>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    out[i] = [x[r] as number, y[r] as number];
  }
  return out;
}

/**
 * The rows to draw for a zoom window [from, to] (epoch ms): the coarse overview outside it and
 * a fine selection inside it, so the axis keeps its full extent and the zoom slider stays put.
 */
export function equityRows(s: EquitySeries, window: [number, number] | null): Int32Array {
  const n = s.time.length;
  const overview = extremaIndices(s.equity, s.drawdownPct, 0, n, BUCKETS);
  if (!window) return overview;
  const lo = Math.max(0, lowerBound(s.time, window[0]) - 1);
  const hi = Math.min(n, lowerBound(s.time, window[1]) + 1);
  const fine = extremaIndices(s.equity, s.drawdownPct, lo, hi, BUCKETS);
  const out = new Int32Array(overview.length + fine.length);
  let k = 0;
  for (const r of overview) if (r < lo) out[k++] = r;
  for (const r of fine) out[k++] = r;
  for (const r of overview) if (r >= hi) out[k++] = r;
  return out.subarray(0, k);
}

interface DataZoomEvent {
  start?: number;
  end?: number;
  batch?: { start?: number; end?: number }[];
}

/**
 * Equity above, drawdown below, one shared zoom. ECharts never sees the whole series: it gets
 * the extremes of ~1,500 buckets of the visible window, recomputed from the typed arrays on
 * every zoom (a few milliseconds for a year of one-minute points).
 */
@Component({
  selector: 'g-equity-chart',
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
export class EquityChartComponent {
  readonly series = input.required<EquitySeries>();
  /** Emitted each time ECharts finishes drawing (first paint, and after every zoom). */
  readonly finished = output<void>();
  readonly height = input(360);
  protected readonly detail = signal<EChartsCoreOption | null>(null);

  protected onZoom(event: unknown): void {
    const e = event as DataZoomEvent;
    const start = e.batch?.[0]?.start ?? e.start;
    const end = e.batch?.[0]?.end ?? e.end;
    const s = this.series();
    const n = s.time.length;
    if (start === undefined || end === undefined || n === 0) return;
    const t0 = s.time[0] as number;
    const span = (s.time[n - 1] as number) - t0;
    const rows = equityRows(s, [t0 + (span * start) / 100, t0 + (span * end) / 100]);
    this.detail.set({
      series: [{ data: pairs(s.time, s.equity, rows) }, { data: pairs(s.time, s.drawdownPct, rows) }],
    });
  }

  protected readonly options = computed<EChartsCoreOption>(() => {
    const s = this.series();
    const rows = equityRows(s, null);
    const common = { type: 'line', showSymbol: false, animation: false };
    return {
      animation: false,
      backgroundColor: 'transparent',
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'cross', link: [{ xAxisIndex: 'all' }] },
        ...TOOLTIP_STYLE,
      },
      axisPointer: { link: [{ xAxisIndex: 'all' }] },
      grid: [
        { left: 64, right: 16, top: 12, height: '58%' },
        { left: 64, right: 16, top: '72%', bottom: 40 },
      ],
      xAxis: [
        { type: 'time', gridIndex: 0, ...AXIS_STYLE, axisLabel: { show: false } },
        { type: 'time', gridIndex: 1, ...AXIS_STYLE },
      ],
      yAxis: [
        {
          type: 'value',
          gridIndex: 0,
          scale: true,
          name: 'Equity',
          nameTextStyle: { color: CHART_COLORS.text },
          ...AXIS_STYLE,
        },
        {
          type: 'value',
          gridIndex: 1,
          max: 0,
          name: 'DD %',
          nameTextStyle: { color: CHART_COLORS.text },
          ...AXIS_STYLE,
        },
      ],
      dataZoom: [
        { type: 'inside', xAxisIndex: [0, 1], filterMode: 'none' },
        {
          type: 'slider',
          xAxisIndex: [0, 1],
          height: 16,
          bottom: 8,
          filterMode: 'none',
          borderColor: CHART_COLORS.axis,
          textStyle: { color: CHART_COLORS.text },
          showDataShadow: false,
        },
      ],
      series: [
        {
          ...common,
          name: 'Equity',
          xAxisIndex: 0,
          yAxisIndex: 0,
          lineStyle: { width: 1.2, color: CHART_COLORS.accent },
          itemStyle: { color: CHART_COLORS.accent },
          data: pairs(s.time, s.equity, rows),
        },
        {
          ...common,
          name: 'Drawdown',
          xAxisIndex: 1,
          yAxisIndex: 1,
          lineStyle: { width: 1, color: CHART_COLORS.drawdown },
          itemStyle: { color: CHART_COLORS.drawdown },
          areaStyle: { color: 'rgba(239, 83, 80, 0.25)' },
          data: pairs(s.time, s.drawdownPct, rows),
        },
      ],
    };
  });
}

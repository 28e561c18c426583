import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { type EChartsCoreOption } from 'echarts/core';
import { NgxEchartsDirective } from 'ngx-echarts';
import { AXIS_STYLE, CHART_COLORS, TOOLTIP_STYLE } from './chart-theme';

/** An equity curve as columns: epoch-ms times, equity, and drawdown in percent (<= 0). */
export interface EquitySeries {
  time: Float64Array;
  equity: Float64Array;
  drawdownPct: Float64Array;
}

/** Interleaves two columns into the [x, y] pairs ECharts reads for a time axis. */
export function toPairs(x: Float64Array, y: Float64Array): [number, number][] {
  const n = Math.min(x.length, y.length);
  const out = new Array<[number, number]>(n);
  for (let i = 0; i < n; i++) out[i] = [x[i] as number, y[i] as number];
  return out;
}

/**
 * Equity above, drawdown below, one shared zoom. Both lines use LTTB sampling so a year of
 * one-minute points is drawn from a few thousand representative ones at any zoom level.
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

  protected readonly options = computed<EChartsCoreOption>(() => {
    const s = this.series();
    const common = {
      type: 'line',
      showSymbol: false,
      sampling: 'lttb',
      large: true,
      animation: false,
      progressive: 0,
    };
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
          data: toPairs(s.time, s.equity),
        },
        {
          ...common,
          name: 'Drawdown',
          xAxisIndex: 1,
          yAxisIndex: 1,
          lineStyle: { width: 1, color: CHART_COLORS.drawdown },
          itemStyle: { color: CHART_COLORS.drawdown },
          areaStyle: { color: 'rgba(239, 83, 80, 0.25)' },
          data: toPairs(s.time, s.drawdownPct),
        },
      ],
    };
  });
}

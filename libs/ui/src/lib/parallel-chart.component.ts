import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { type EChartsCoreOption } from 'echarts/core';
import { NgxEchartsDirective } from 'ngx-echarts';
import { CHART_COLORS, TOOLTIP_STYLE } from './chart-theme';

export interface ParallelAxis {
  name: string;
  /** Category axes list their values in order; value axes take numbers. */
  categories?: string[];
}

interface ClickEvent {
  dataIndex?: number;
}

/**
 * One line per run across several parameter axes and the objective, coloured by the last axis
 * (the objective). Brushing an axis narrows the lines; clicking one emits its row position.
 */
@Component({
  selector: 'g-parallel-chart',
  imports: [NgxEchartsDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[attr.data-lines]': 'lines().length' },
  template: `<div
    echarts
    class="chart"
    [options]="options()"
    [style.height.px]="height()"
    (chartClick)="onClick($event)"
  ></div>`,
  styles: [':host { display: block; } .chart { width: 100%; }'],
})
export class ParallelChartComponent {
  readonly axes = input.required<ParallelAxis[]>();
  /** One entry per line, one value per axis (category values as their text). */
  readonly lines = input.required<(number | string | null)[][]>();
  readonly height = input(320);
  readonly lineClick = output<number>();

  protected onClick(event: unknown): void {
    const i = (event as ClickEvent).dataIndex;
    if (typeof i === 'number') this.lineClick.emit(i);
  }

  protected readonly options = computed<EChartsCoreOption>(() => {
    const axes = this.axes();
    const lines = this.lines();
    const last = axes.length - 1;
    let lo = Infinity;
    let hi = -Infinity;
    for (const l of lines) {
      const v = l[last];
      if (typeof v === 'number') {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
    const axisText = { color: CHART_COLORS.text, fontSize: 10 };
    return {
      animation: false,
      backgroundColor: 'transparent',
      tooltip: { ...TOOLTIP_STYLE, trigger: 'item' },
      parallel: { left: 48, right: 72, top: 32, bottom: 24 },
      parallelAxis: axes.map((a, dim) => ({
        dim,
        name: a.name,
        nameTextStyle: axisText,
        axisLabel: axisText,
        axisLine: { lineStyle: { color: CHART_COLORS.axis } },
        ...(a.categories ? { type: 'category', data: a.categories } : { type: 'value', scale: true }),
      })),
      visualMap: {
        type: 'continuous',
        dimension: last,
        min: lo,
        max: hi === lo ? lo + 1 : hi,
        right: 4,
        top: 'middle',
        itemHeight: 160,
        itemWidth: 10,
        precision: 2,
        calculable: true,
        textStyle: axisText,
        inRange: { color: ['#ef5350', '#9aa4b2', '#26a69a'] },
      },
      series: [
        {
          type: 'parallel',
          lineStyle: { width: 1, opacity: 0.6 },
          emphasis: { lineStyle: { width: 3, opacity: 1 } },
          data: lines.map((l) => l.map((v) => (v === null ? '-' : v))),
        },
      ],
    };
  });
}

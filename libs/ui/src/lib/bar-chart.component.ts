import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { type EChartsCoreOption } from 'echarts/core';
import { NgxEchartsDirective } from 'ngx-echarts';
import { AXIS_STYLE, CHART_COLORS, TOOLTIP_STYLE } from './chart-theme';

export interface BarSeries {
  name: string;
  values: (number | null)[];
  color?: string;
}

interface ClickEvent {
  dataIndex?: number;
}

/** Bars per category, one colour per series: histograms, and figures side by side per fold. */
@Component({
  selector: 'g-bar-chart',
  imports: [NgxEchartsDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[attr.data-bars]': 'categories().length' },
  template: `<div
    echarts
    class="chart"
    [options]="options()"
    [style.height.px]="height()"
    (chartClick)="onClick($event)"
  ></div>`,
  styles: [':host { display: block; } .chart { width: 100%; }'],
})
export class BarChartComponent {
  readonly categories = input.required<string[]>();
  readonly series = input.required<BarSeries[]>();
  readonly xName = input('');
  readonly yName = input('');
  readonly height = input(240);
  /** Histograms: bars touch, and labels are thinned. */
  readonly histogram = input(false);
  readonly barClick = output<number>();

  protected onClick(event: unknown): void {
    const i = (event as ClickEvent).dataIndex;
    if (typeof i === 'number') this.barClick.emit(i);
  }

  protected readonly options = computed<EChartsCoreOption>(() => {
    const series = this.series();
    const histogram = this.histogram();
    return {
      animation: false,
      backgroundColor: 'transparent',
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, ...TOOLTIP_STYLE },
      legend:
        series.length > 1
          ? { top: 0, right: 8, textStyle: { color: CHART_COLORS.text, fontSize: 11 } }
          : undefined,
      grid: { left: 56, right: 16, top: series.length > 1 ? 28 : 12, bottom: 44 },
      xAxis: {
        type: 'category',
        data: this.categories(),
        name: this.xName(),
        nameLocation: 'middle',
        nameGap: 28,
        nameTextStyle: { color: CHART_COLORS.text },
        ...AXIS_STYLE,
        axisLabel: { ...AXIS_STYLE.axisLabel, hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        name: this.yName(),
        nameTextStyle: { color: CHART_COLORS.text },
        ...AXIS_STYLE,
      },
      series: series.map((s, i) => ({
        type: 'bar',
        name: s.name,
        data: s.values.map((v) => (v === null ? '-' : v)),
        barCategoryGap: histogram ? '4%' : '30%',
        itemStyle: { color: s.color ?? (i === 0 ? CHART_COLORS.accent : CHART_COLORS.up) },
      })),
    };
  });
}

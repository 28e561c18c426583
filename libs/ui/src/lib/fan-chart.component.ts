import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { type EChartsCoreOption } from 'echarts/core';
import { NgxEchartsDirective } from 'ngx-echarts';
import { AXIS_STYLE, CHART_COLORS, TOOLTIP_STYLE } from './chart-theme';
import { type Bands, fanLayers } from './research-math';

/**
 * Percentile bands over steps (5–95 and 25–75 shaded, the median as a line), drawn as stacked
 * layers on the 5th percentile. `scale` and `offset` turn the stored fractions into the unit shown.
 */
@Component({
  selector: 'g-fan-chart',
  imports: [NgxEchartsDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[attr.data-steps]': 'bands().p50.length' },
  template: `<div echarts class="chart" [options]="options()" [style.height.px]="height()"></div>`,
  styles: [':host { display: block; } .chart { width: 100%; }'],
})
export class FanChartComponent {
  readonly bands = input.required<Bands>();
  readonly scale = input(1);
  readonly offset = input(0);
  readonly yName = input('');
  readonly xName = input('step');
  readonly color = input<string>(CHART_COLORS.accent);
  readonly height = input(320);

  protected readonly options = computed<EChartsCoreOption>(() => {
    const f = fanLayers(this.bands(), this.scale(), this.offset());
    const steps = f.median.map((_, i) => i);
    const color = this.color();
    const layer = (name: string, data: number[], opacity: number): Record<string, unknown> => ({
      type: 'line',
      name,
      stack: 'fan',
      // Stack widths on a base below zero too (the default stacks only values of the same sign).
      stackStrategy: 'all',
      data,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      areaStyle: opacity > 0 ? { color, opacity } : { opacity: 0 },
      tooltip: { show: false },
      silent: true,
    });
    return {
      animation: false,
      backgroundColor: 'transparent',
      tooltip: {
        trigger: 'axis',
        ...TOOLTIP_STYLE,
        formatter: (items: { dataIndex: number }[]) => {
          const i = items[0]?.dataIndex ?? 0;
          const b = this.bands();
          const s = this.scale();
          const o = this.offset();
          const v = (a: readonly number[]): string => ((a[i] ?? 0) * s + o).toFixed(2);
          return `${this.xName()} ${i}<br>95% ${v(b.p95)}<br>75% ${v(b.p75)}<br>median ${v(b.p50)}<br>25% ${v(b.p25)}<br>5% ${v(b.p5)}`;
        },
      },
      grid: { left: 56, right: 16, top: 16, bottom: 36 },
      xAxis: {
        type: 'category',
        data: steps,
        boundaryGap: false,
        name: this.xName(),
        nameLocation: 'middle',
        nameGap: 22,
        nameTextStyle: { color: CHART_COLORS.text },
        ...AXIS_STYLE,
      },
      yAxis: {
        type: 'value',
        scale: true,
        name: this.yName(),
        nameTextStyle: { color: CHART_COLORS.text },
        ...AXIS_STYLE,
      },
      series: [
        layer('5%', f.base, 0),
        layer('5–25%', f.low, 0.18),
        layer('25–75%', f.mid, 0.38),
        layer('75–95%', f.high, 0.18),
        {
          type: 'line',
          name: 'median',
          data: f.median,
          symbol: 'none',
          lineStyle: { width: 1.5, color },
          itemStyle: { color },
        },
      ],
    };
  });
}

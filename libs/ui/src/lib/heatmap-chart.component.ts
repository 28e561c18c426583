import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { type EChartsCoreOption } from 'echarts/core';
import { NgxEchartsDirective } from 'ngx-echarts';
import { AXIS_STYLE, CHART_COLORS, TOOLTIP_STYLE } from './chart-theme';
import { type HeatMatrix } from './research-math';

/** Plot-area margins in pixels; exposed on the host as `data-grid` so a cell's position is known. */
export const HEAT_GRID = { left: 72, right: 24, top: 16, bottom: 84 } as const;

interface ClickEvent {
  data?: unknown;
}

/**
 * The objective over two parameters, one coloured cell per distinct pair. Cells without a value
 * (no trades, failed constraints) stay blank. Emits the sweep cell index behind a clicked cell.
 */
@Component({
  selector: 'g-heatmap-chart',
  imports: [NgxEchartsDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '[attr.data-cells]': 'matrix().cells.length',
    '[attr.data-x-values]': 'matrix().xValues.length',
    '[attr.data-y-values]': 'matrix().yValues.length',
    '[attr.data-grid]': 'grid',
  },
  template: `<div
    echarts
    class="chart"
    [options]="options()"
    [style.height.px]="height()"
    (chartClick)="onClick($event)"
    (chartFinished)="finished.emit()"
  ></div>`,
  styles: [':host { display: block; } .chart { width: 100%; }'],
})
export class HeatmapChartComponent {
  readonly matrix = input.required<HeatMatrix>();
  readonly xName = input('x');
  readonly yName = input('y');
  readonly valueName = input('objective');
  readonly height = input(420);
  /** The sweep cell index of the clicked heat-map cell. */
  readonly cellClick = output<number>();
  readonly finished = output<void>();
  protected readonly grid = `${HEAT_GRID.left},${HEAT_GRID.top},${HEAT_GRID.right},${HEAT_GRID.bottom}`;

  protected onClick(event: unknown): void {
    const data = (event as ClickEvent).data;
    if (Array.isArray(data) && typeof data[3] === 'number') this.cellClick.emit(data[3]);
  }

  protected readonly options = computed<EChartsCoreOption>(() => {
    const m = this.matrix();
    const name = this.valueName();
    const lo = m.min ?? 0;
    const hi = m.max ?? 1;
    return {
      animation: false,
      backgroundColor: 'transparent',
      tooltip: {
        ...TOOLTIP_STYLE,
        formatter: (p: { data: [number, number, number | string, number, number] }) => {
          const [xi, yi, v, , count] = p.data;
          const value = typeof v === 'number' ? v.toFixed(3) : 'no value';
          const over = count > 1 ? ` (best of ${count})` : '';
          return `${this.xName()} ${String(m.xValues[xi])} · ${this.yName()} ${String(m.yValues[yi])}<br>${name} ${value}${over}`;
        },
      },
      grid: { ...HEAT_GRID },
      xAxis: {
        type: 'category',
        data: m.xValues.map(String),
        name: this.xName(),
        nameLocation: 'middle',
        nameGap: 24,
        nameTextStyle: { color: CHART_COLORS.text },
        splitArea: { show: false },
        ...AXIS_STYLE,
      },
      yAxis: {
        type: 'category',
        data: m.yValues.map(String),
        name: this.yName(),
        nameLocation: 'middle',
        nameGap: 48,
        nameTextStyle: { color: CHART_COLORS.text },
        ...AXIS_STYLE,
      },
      visualMap: {
        type: 'continuous',
        // The data rows carry the cell index and count after the value; colour by the value.
        dimension: 2,
        min: lo,
        max: hi === lo ? lo + 1 : hi,
        calculable: true,
        orient: 'horizontal',
        left: 'center',
        bottom: 4,
        itemHeight: 200,
        itemWidth: 10,
        precision: 2,
        textStyle: { color: CHART_COLORS.text, fontSize: 10 },
        inRange: { color: ['#ef5350', '#3a4453', '#26a69a'] },
      },
      series: [
        {
          type: 'heatmap',
          name,
          data: m.cells.map((c) => [c.xi, c.yi, c.value ?? '-', c.index, c.count]),
          itemStyle: { borderColor: '#0d1117', borderWidth: 1 },
          emphasis: { itemStyle: { borderColor: '#d8dee9', borderWidth: 2 } },
          progressive: 0,
        },
      ],
    };
  });
}

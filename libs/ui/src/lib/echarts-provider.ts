import { type Provider } from '@angular/core';
import { provideEchartsCore } from 'ngx-echarts';

/**
 * Registers ngx-echarts with only the chart types the report draws. ECharts is loaded on first
 * use, so it stays out of the initial bundle.
 */
export function provideCharts(): Provider {
  return provideEchartsCore({ echarts: () => import('./echarts-modules').then((m) => m.echarts) });
}

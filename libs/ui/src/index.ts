export * from './lib/echarts-provider';
export * from './lib/equity-chart.component';
export * from './lib/candlestick-chart.component';
export * from './lib/monthly-returns.component';
export * from './lib/chart-theme';

/** Colours shared by the charts; they match the app's CSS variables of the same names. */
export const CHART_COLORS = {
  text: '#9aa4b2',
  grid: '#232a35',
  axis: '#3a4453',
  accent: '#4c9aff',
  up: '#26a69a',
  down: '#ef5350',
  drawdown: '#ef5350',
  tooltipBg: '#161b22',
} as const;

export const AXIS_STYLE = {
  axisLine: { lineStyle: { color: CHART_COLORS.axis } },
  axisLabel: { color: CHART_COLORS.text, fontSize: 10 },
  splitLine: { lineStyle: { color: CHART_COLORS.grid } },
} as const;

export const TOOLTIP_STYLE = {
  backgroundColor: CHART_COLORS.tooltipBg,
  borderColor: CHART_COLORS.axis,
  textStyle: { color: '#d8dee9', fontSize: 11 },
} as const;

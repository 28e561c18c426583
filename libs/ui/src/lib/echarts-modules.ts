import {
  BarChart,
  CandlestickChart,
  HeatmapChart,
  LineChart,
  ParallelChart,
  ScatterChart,
} from 'echarts/charts';
import {
  AxisPointerComponent,
  DataZoomComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  LineChart,
  CandlestickChart,
  ScatterChart,
  GridComponent,
  TooltipComponent,
  DataZoomComponent,
  DatasetComponent,
  AxisPointerComponent,
  LegendComponent,
  BarChart,
  HeatmapChart,
  ParallelChart,
  ParallelComponent,
  VisualMapContinuousComponent,
  CanvasRenderer,
]);

export { echarts };

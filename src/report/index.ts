/** Public API of the report writers (confusion matrices, learning curves). */
export { emptyConfusion, addToConfusion, confusionAccuracy, confusionCsv, confusionSvg, type ConfusionMatrix } from './confusion.ts';
export { learningCurvesSvg, panelsSvg, type CurvePoint, type Panel, type Series } from './curves.ts';
export {
  spikeMetrics,
  greedyMatches,
  DEFAULT_SPIKE_METRICS,
  type SpikeMetrics,
  type SpikeMetricsOptions,
  type RasterLike,
} from './spikeMetrics.ts';
export { encodeGrayPng, decodeGrayPng, type GrayImage } from './png.ts';
export { rasterFigure, rasterFigurePng, DEFAULT_RASTER_FIGURE, type RasterPanel, type RasterFigureOptions } from './rasterFigure.ts';

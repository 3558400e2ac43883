/** Public API of the report writers (confusion matrices, learning curves). */
export { emptyConfusion, addToConfusion, confusionAccuracy, confusionCsv, confusionSvg, type ConfusionMatrix } from './confusion.ts';
export { learningCurvesSvg, panelsSvg, type CurvePoint, type Panel, type Series } from './curves.ts';

/** Public API of the report writers (confusion matrices, learning curves). */
export { emptyConfusion, addToConfusion, confusionAccuracy, confusionCsv, confusionSvg, type ConfusionMatrix } from './confusion.ts';
export { learningCurvesSvg, type CurvePoint } from './curves.ts';

import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.ts';

describe('public API', () => {
  it('exposes the classification runner, its config parser and the report writers', () => {
    for (const name of [
      'runClassification',
      'parseExperimentConfig',
      'loadExperimentConfig',
      'makeObjective',
      'confusionCsv',
      'confusionSvg',
      'learningCurvesSvg',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});

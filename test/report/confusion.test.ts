import { describe, expect, it } from 'vitest';
import { addToConfusion, confusionAccuracy, confusionCsv, confusionSvg, emptyConfusion } from '../../src/report/confusion.ts';
import { learningCurvesSvg } from '../../src/report/curves.ts';
import { niceTicks } from '../../src/report/svg.ts';

describe('confusion matrix', () => {
  it('counts true x predicted and gives the accuracy', () => {
    const m = addToConfusion(emptyConfusion(3), [0, 1, 2, 2, 1], [0, 2, 2, 2, 1]);
    expect(m).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 2],
    ]);
    expect(confusionAccuracy(m)).toBeCloseTo(0.8, 12);
  });

  it('rejects out-of-range classes and mismatched lengths', () => {
    expect(() => addToConfusion(emptyConfusion(3), [3], [0])).toThrow(/label\[0\] = 3 is not a class in \[0, 3\)/);
    expect(() => addToConfusion(emptyConfusion(3), [0], [-1])).toThrow(/prediction\[0\] = -1/);
    expect(() => addToConfusion(emptyConfusion(3), [0, 1], [0])).toThrow(/2 labels but 1 predictions/);
    expect(() => emptyConfusion(0)).toThrow(/numClasses/);
  });

  it('writes CSV with a header and one row per true class (names quoted when needed)', () => {
    const m = addToConfusion(emptyConfusion(2), [0, 1, 1], [0, 0, 1]);
    expect(confusionCsv(m, ['cat', 'dog, big'])).toBe('true\\predicted,cat,"dog, big"\ncat,1,0\n"dog, big",1,1\n');
    expect(() => confusionCsv(m, ['a'])).toThrow(/2 classes but 1 class names/);
  });

  it('renders an SVG with every count, escaped names and the accuracy', () => {
    const m = addToConfusion(emptyConfusion(2), [0, 1, 1, 1], [0, 0, 1, 1]);
    const svg = confusionSvg(m, ['a<b', 'c'], 'test & co');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('a&lt;b');
    expect(svg).toContain('test &amp; co (accuracy 75.00%)');
    expect(svg.match(/<rect x=/g)!.length).toBe(4);
    expect(svg).toContain('>67%<');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });
});

describe('learning curves', () => {
  it('draws loss and accuracy series for train and test, in percent', () => {
    const svg = learningCurvesSvg(
      [
        { epoch: 1, loss: 2, accuracy: 0.5, testLoss: 2.5, testAccuracy: 0.4 },
        { epoch: 2, loss: 1, accuracy: 0.75, testLoss: 1.5, testAccuracy: 0.6 },
      ],
      'run',
    );
    expect(svg.match(/<path /g)!.length).toBe(4);
    expect(svg.match(/<circle /g)!.length).toBe(8);
    expect(svg).toContain('accuracy (%)');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });

  it('skips missing series and says when a panel has no data', () => {
    const svg = learningCurvesSvg([{ epoch: 1, loss: 3 }]);
    expect(svg.match(/<path /g)!.length).toBe(1);
    expect(svg).toContain('no data');
  });

  it('ticks are round numbers spanning the range', () => {
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.3, 1.1)).toEqual([0.4, 0.6, 0.8, 1]);
    expect(() => niceTicks(0, Infinity)).toThrow(/not finite/);
  });
});

import { describe, expect, it } from 'vitest';
import { pairedTTest } from '../../src/report/stats.ts';
import { buildSweepReport, groupResults, pairedComparisons } from '../../src/sweep/report.ts';
import type { SweepPlan } from '../../src/sweep/layout.ts';
import { expandCells, parseSweepSpec } from '../../src/sweep/spec.ts';
import type { IndexRow } from '../../src/sweep/sweepIndex.ts';

const spec = parseSweepSpec({
  name: 'labels',
  job: 'train-controller',
  args: { budget: 300 },
  grid: { env: ['cartpole', 'pendulum'], label: ['spike-seq', 'rate'] },
  seeds: [1, 2, 3, 4],
  evaluate: { episodes: 10 },
});
const plan: SweepPlan = { version: 1, spec, cells: expandCells(spec) };

/** Known values: metric = base(env) + (spike-seq ? bonus(seed) : 0); seed 4 of pendulum/rate failed. */
function rows(): IndexRow[] {
  const bonus = [0, 3, 1, 4, 2];
  return plan.cells.map((c) => {
    const base = c.point['env'] === 'cartpole' ? 400 : -200;
    const metric = base + c.seed * 10 + (c.point['label'] === 'spike-seq' ? bonus[c.seed]! : 0);
    if (c.point['env'] === 'pendulum' && c.point['label'] === 'rate' && c.seed === 4)
      return { id: c.id, status: 'failed', point: c.point, seed: c.seed, repeat: 0, error: 'boom' };
    return { id: c.id, status: 'done', point: c.point, seed: c.seed, repeat: 0, metrics: { metric, trainScore: metric / 2 } };
  });
}

describe('sweep report', () => {
  it('summarises each grid point across seeds (mean, n − 1 std, t interval)', () => {
    const groups = groupResults(plan, rows(), 'metric');
    expect(groups.map((g) => g.label)).toEqual([
      'env=cartpole label=spike-seq',
      'env=cartpole label=rate',
      'env=pendulum label=spike-seq',
      'env=pendulum label=rate',
    ]);
    const cartRate = groups[1]!;
    expect(cartRate.values.map((v) => v.value)).toEqual([410, 420, 430, 440]);
    expect(cartRate.ci.mean).toBe(425);
    expect(cartRate.ci.std).toBeCloseTo(Math.sqrt(500 / 3), 10);
    expect(cartRate.ci.hi - cartRate.ci.mean).toBeCloseTo((3.182446305284263 * Math.sqrt(500 / 3)) / 2, 6);
    expect(groups[3]!.ci.n).toBe(3);
  });

  it('pairs the two labels on the same seeds, per env, leaving out seeds missing on one side', () => {
    const cs = pairedComparisons(plan, groupResults(plan, rows(), 'metric'));
    const labelCs = cs.filter((c) => c.flag === 'label');
    expect(labelCs.map((c) => c.fixed)).toEqual([{ env: 'cartpole' }, { env: 'pendulum' }]);
    const [cart, pend] = labelCs;
    expect(cart!.pairs.map((p) => p.a - p.b)).toEqual([3, 1, 4, 2]);
    expect(cart!.test).toEqual(pairedTTest([3, 1, 4, 2], [0, 0, 0, 0]));
    expect(cart!.test.dz).toBeCloseTo(2.5 / Math.sqrt(5 / 3), 10);
    expect(pend!.pairs.map((p) => p.seed)).toEqual([1, 2, 3]);
    // the env flag is compared too, once per label
    expect(cs.filter((c) => c.flag === 'env').map((c) => c.fixed)).toEqual([{ label: 'spike-seq' }, { label: 'rate' }]);
  });

  it('writes markdown with the tables and one SVG per plot, and names an unknown metric', () => {
    const r = buildSweepReport(plan, rows());
    expect(r.metric).toBe('metric');
    expect(r.markdown).toMatch(
      /\| env=cartpole label=rate \| 4 \| 425 \| 12\.91 \| \[404\.5, 445\.5\] \| 1: 410, 2: 420, 3: 430, 4: 440 \|/,
    );
    expect(r.markdown).toMatch(/\| label=spike-seq vs rate \| env=cartpole \| 4 \| 427\.5 \| 425 \| 2\.5 \|/);
    expect(r.markdown).toMatch(/Cells: 15\/16 done, 1 failed/);
    expect(r.markdown).toMatch(/## All metrics[\s\S]*trainScore/);
    expect(Object.keys(r.plots)).toEqual([
      'metric.svg',
      'paired-1-env.svg',
      'paired-2-env.svg',
      'paired-3-label.svg',
      'paired-4-label.svg',
    ]);
    for (const svg of Object.values(r.plots)) {
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\n$/);
      expect(svg).not.toMatch(/NaN/);
    }
    expect(() => buildSweepReport(plan, rows(), 'accuracy')).toThrow(
      /metric 'accuracy' is not among the cells' metrics \(metric, trainScore\)/,
    );
  });
});

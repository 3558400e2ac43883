import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJobMetrics, suiteMetrics } from '../../src/sweep/metrics.ts';
import { reportMetric } from '../../src/sweep/report.ts';
import { cellCommands } from '../../src/sweep/runCell.ts';
import { expandCells, parseSweepSpec } from '../../src/sweep/spec.ts';
import { useTempDirs } from '../support/tempDirs.ts';

const tempDir = useTempDirs();

const base = {
  name: 'labels',
  job: 'train-controller',
  args: { env: 'pendulum' },
  grid: { label: ['spike-seq', 'rate'] },
  seeds: [1],
};

/** The shape `spikeloop eval --suite NAME --json F` writes (cli/commands/eval.ts), teacher first. */
function suiteDoc(conditions: Array<[string, { r: number; s: number }, { r: number; s: number }]>): Record<string, unknown> {
  return {
    env: 'Pendulum-v1',
    episodes: 10,
    seeds: [0, 9],
    suite: 'robust',
    conditions: conditions.map(([condition, t, snn]) => ({
      condition,
      perturb: condition === 'nominal' ? 'none' : `${condition}=1`,
      cells: [
        { controller: 'teacher', meanReturn: t.r, successRate: t.s },
        { controller: 'SNN (rate)', meanReturn: snn.r, successRate: snn.s },
      ],
    })),
    seconds: 4,
  };
}

describe('sweep cells evaluated under a perturbation suite', () => {
  it('chains train → eval --suite in the cell folder', () => {
    const [cell] = expandCells(parseSweepSpec({ ...base, evaluate: { episodes: 7, seed: 3, suite: 'robust' } }));
    const cmds = cellCommands(cell!, ['node', 'cli'], '/s/out');
    expect(cmds).toHaveLength(2);
    expect(cmds[0]).toEqual([
      'node',
      'cli',
      'train-controller',
      '--env',
      'pendulum',
      '--label',
      'spike-seq',
      '--seed',
      '1',
      '--out',
      '/s/out',
    ]);
    expect(cmds[1]).toEqual([
      'node',
      'cli',
      'eval',
      '--env',
      'pendulum',
      '--checkpoint',
      '/s/out',
      '--episodes',
      '7',
      '--seed',
      '3',
      '--suite',
      'robust',
      '--json',
      '/s/out/eval.json',
    ]);
  });

  it('keeps the ids of specs without a suite, gives a suite its own id, and rejects an unknown suite', () => {
    const plain = expandCells(parseSweepSpec({ ...base, evaluate: { episodes: 7 } }))[0]!;
    const withSuite = expandCells(parseSweepSpec({ ...base, evaluate: { episodes: 7, suite: 'robust' } }))[0]!;
    // the id hashes the parsed evaluate object: no `suite` key when none is given, so older sweeps resume
    expect(plain.evaluate).toEqual({ episodes: 7, seed: 0 });
    expect(withSuite.id).not.toBe(plain.id);
    expect(() => parseSweepSpec({ ...base, evaluate: { suite: 'stormy' } }, 'spec.json')).toThrow(/evaluate\.suite: /);
  });

  it('reads per-condition metrics and the teacher-relative score for positive and negative returns', () => {
    const m = suiteMetrics(
      suiteDoc([
        ['nominal', { r: -200, s: 1 }, { r: -250, s: 0.9 }],
        ['pushes', { r: -100, s: 0.8 }, { r: -300, s: 0.4 }],
        ['delay', { r: 400, s: 1 }, { r: 100, s: 0.2 }],
      ]),
    );
    expect(m['nominal.relScore']).toBeCloseTo(0.75); // 25% worse than the teacher
    expect(m['pushes.relScore']).toBeCloseTo(-1); // three times the teacher's cost
    expect(m['delay.relScore']).toBeCloseTo(0.25); // a quarter of the teacher's return
    expect(m['nominal.successRate']).toBe(0.9);
    expect(m['pushes.teacherReturn']).toBe(-100);
    expect(m['pushes.teacherSuccessRate']).toBe(0.8);
    expect(m['delay.meanReturn']).toBe(100);
    // the perturbed means leave the nominal condition out
    expect(m['perturbed.relScore']).toBeCloseTo((-1 + 0.25) / 2);
    expect(m['perturbed.successRate']).toBeCloseTo(0.3);
    expect(m['episodes']).toBe(10);
  });

  it('reads a suite eval.json of a train-controller cell, and the report leads with the nominal score', () => {
    const out = tempDir('suite-metrics-');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'controller.json'),
      JSON.stringify({ training: { bestRound: 0, seconds: 3, rounds: [{ round: 0, score: 1, steps: 5 }] } }),
    );
    writeFileSync(join(out, 'eval.json'), JSON.stringify(suiteDoc([['nominal', { r: 500, s: 1 }, { r: 450, s: 0.9 }]])));
    const m = readJobMetrics('train-controller', out, true);
    expect(m).toMatchObject({ trainScore: 1, 'nominal.relScore': 0.9, 'nominal.successRate': 0.9 });
    expect(m['perturbed.relScore']).toBeUndefined();
    const spec = parseSweepSpec({ ...base, evaluate: { suite: 'robust' } });
    expect(reportMetric({ version: 1, spec, cells: expandCells(spec) })).toBe('nominal.relScore');
  });

  it('refuses a suite document that compares more than one controller, naming the file', () => {
    const doc = suiteDoc([['nominal', { r: 1, s: 1 }, { r: 1, s: 1 }]]);
    const cond = (doc['conditions'] as Array<{ cells: unknown[] }>)[0]!;
    cond.cells.push({ controller: 'another', meanReturn: 1, successRate: 1 });
    expect(() => suiteMetrics(doc, 'x/eval.json')).toThrow(
      /x\/eval.json: condition 'nominal' should hold the teacher and one controller \(3 cells\)/,
    );
  });
});

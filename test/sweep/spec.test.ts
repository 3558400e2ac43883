import { describe, expect, it } from 'vitest';
import { cellArgv, expandCells, loadSweepSpec, parseSweepSpec } from '../../src/sweep/spec.ts';

const base = {
  name: 'labels',
  job: 'train-controller',
  args: { env: 'cartpole', budget: 300 },
  grid: { label: ['spike-seq', 'rate'] },
  seeds: [1, 2, 3],
};

describe('sweep spec', () => {
  it('expands grid × seeds × repeats into cells with stable, distinct ids, seed-major', () => {
    const spec = parseSweepSpec({ ...base, repeats: 2 });
    const cells = expandCells(spec);
    expect(cells).toHaveLength(2 * 3 * 2);
    expect(new Set(cells.map((c) => c.id)).size).toBe(12);
    expect(cells.every((c) => /^c[0-9a-f]{16}$/.test(c.id))).toBe(true);
    // the same resolved arguments give the same id, whatever the spec's name or key order
    const again = expandCells(parseSweepSpec({ ...base, name: 'other', repeats: 2, args: { budget: 300, env: 'cartpole' } }));
    expect(again.map((c) => c.id)).toEqual(cells.map((c) => c.id));
    // seed-major: both labels of seed 1 (repeat 0, then 1) before seed 2, so a cut-short sweep stays paired
    expect(cells.slice(0, 5).map((c) => [c.seed, c.repeat, c.point['label']])).toEqual([
      [1, 0, 'spike-seq'],
      [1, 0, 'rate'],
      [1, 1, 'spike-seq'],
      [1, 1, 'rate'],
      [2, 0, 'spike-seq'],
    ]);
    expect(cells[0]).toMatchObject({
      point: { label: 'spike-seq' },
      seed: 1,
      repeat: 0,
      args: { budget: 300, env: 'cartpole', label: 'spike-seq', seed: 1 },
    });
  });

  it('changes the id when anything the job computes changes', () => {
    const [a] = expandCells(parseSweepSpec({ ...base, seeds: [1] }));
    const [b] = expandCells(parseSweepSpec({ ...base, seeds: [1], args: { env: 'cartpole', budget: 301 } }));
    const [c] = expandCells(parseSweepSpec({ ...base, seeds: [1], evaluate: { episodes: 5 } }));
    expect(new Set([a!.id, b!.id, c!.id]).size).toBe(3);
  });

  it('writes flags as the CLI reads them: true = bare flag, false = left out', () => {
    const [cell] = expandCells(
      parseSweepSpec({
        name: 'x',
        job: 'bench',
        positionals: ['nmnist'],
        args: { download: true, 'no-checkpoint': false, 'time-limit': 0.5 },
        seeds: [4],
      }),
    );
    expect(cellArgv(cell!)).toEqual(['bench', 'nmnist', '--download', '--seed', '4', '--time-limit', '0.5']);
  });

  it.each([
    [{ ...base, seeds: [] }, /seeds: .*>=1|seeds: Too small/],
    [{ ...base, args: { out: 'x' } }, /args\.out: --out is set by the sweep/],
    [{ ...base, grid: { seed: [1, 2] } }, /grid\.seed: --seed is set by the sweep/],
    [{ ...base, grid: { env: ['cartpole'] } }, /grid\.env: --env is both in args and in grid/],
    [{ ...base, job: 'bench', evaluate: { episodes: 3 } }, /evaluate: only train-controller cells are evaluated/],
    [{ ...base, job: 'fit' }, /job: /],
    [{ ...base, grid: { label: [] } }, /grid\.label: /],
    [{ ...base, args: { Env: 'x' } }, /args\.Env: 'Env' is not a flag name/],
    [{ ...base, extra: 1 }, /extra|Unrecognized key/],
  ])('rejects a bad spec naming the field (%#)', (raw, msg) => {
    expect(() => parseSweepSpec(raw, 'spec.json')).toThrow(msg);
  });
});

describe('the sweep specs in configs/sweeps', () => {
  it.each([
    ['cartpole-labels.json', 10],
    ['pendulum-labels.json', 10],
    ['pendulum-labels-half.json', 10],
    ['reacher-labels.json', 10],
    ['walker-labels.json', 10],
    ['nmnist-labels.json', 10],
    ['cartpole-labels-demo.json', 6],
  ])('%s is valid and has %i cells', (file, cells) => {
    const spec = loadSweepSpec(new URL(`../../configs/sweeps/${file}`, import.meta.url).pathname);
    expect(expandCells(spec)).toHaveLength(cells);
  });
});

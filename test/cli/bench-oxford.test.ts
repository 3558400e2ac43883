import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../cli/commands/bench.ts';
import { readBs1Raster } from '../../src/data/bs1.ts';
import { decodeGrayPng } from '../../src/report/png.ts';
import { useTempDirs } from '../support/tempDirs.ts';
import { runCommand } from '../support/cli.ts';

const tempDir = useTempDirs();
const FIX = join('test', 'fixtures', 'oxford');

const bench = (argv: string[]) => runCommand(run, argv);

describe('spikeloop bench oxford on the fixture raster', () => {
  it('trains spike-seq and rate from one config and writes the table, the figure and both output rasters', async () => {
    const out = join(tempDir('spikeloop-oxford-'), 'out');
    const { code, out: stdout } = await bench([
      'oxford',
      '--config',
      join(FIX, 'tiny-config.json'),
      '--data',
      FIX,
      '--out',
      out,
      '--backend',
      'cpu',
      '--max-epochs',
      '12',
      '--kernel',
      'alpha',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/SLAYER's released output: hits 82\.6%, unmatched 13\.6%/);
    expect(stdout).toMatch(/spike-seq: done after 12 epochs/);
    expect(stdout).toMatch(/rate: done after 12 epochs/);
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(r.runs.map((x: { objective: string }) => x.objective)).toEqual(['spike-seq', 'rate']);
    expect(r.runs[0]).toMatchObject({ epochs: 12, stoppedBy: 'max-epochs' });
    expect(r.runs[0].loss.at(-1).epoch).toBe(12);
    expect(r.config.spikeSeq.kernel).toBe('alpha');
    expect(r.target).toEqual({ spikes: 23, T: 40, neurons: 8 });
    expect(r.slayer.matched).toBe(19);
    expect(r.load.start).toHaveLength(3);
    const md = readFileSync(join(out, 'results.md'), 'utf8');
    expect(md.split('\n').filter((l) => l.startsWith('| ours') || l.startsWith('| SLAYER'))).toHaveLength(3);
    expect(md).toMatch(/Command: `spikeloop bench oxford --config/);
    const png = decodeGrayPng(new Uint8Array(readFileSync(join(out, 'oxford.png'))));
    expect(png.width).toBeGreaterThan(2 * 20);
    for (const objective of ['spike-seq', 'rate']) {
      const back = readBs1Raster(join(out, `${objective}.bs1`), { neurons: 8, T: 40 });
      const run = r.runs.find((x: { objective: string }) => x.objective === objective);
      expect(back.data.reduce((a, b) => a + b, 0)).toBe(run.metrics.outputSpikes);
    }
  });

  it('stops at the wall-clock budget', async () => {
    const out = join(tempDir('spikeloop-oxford-'), 'out');
    const { code } = await bench([
      'oxford',
      '--config',
      join(FIX, 'tiny-config.json'),
      '--data',
      FIX,
      '--out',
      out,
      '--backend',
      'cpu',
      '--objective',
      'rate',
      '--budget',
      '0.3',
      '--max-epochs',
      '1000000',
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(r.runs).toHaveLength(1);
    expect(r.runs[0].stoppedBy).toBe('budget');
    expect(r.runs[0].trainSeconds).toBeGreaterThanOrEqual(0.3);
    expect(r.runs[0].epochs).toBeGreaterThan(1);
    // the loop checks the clock before each step: it overshoots by less than one step
    expect(r.runs[0].trainSeconds - 0.3).toBeLessThan(r.runs[0].maxStepSeconds);
  });

  it('names bad options and missing data', async () => {
    await expect(bench(['oxford', '--objective', 'counts'])).rejects.toThrow(/--objective must be spike-seq, rate or both, got 'counts'/);
    await expect(bench(['oxford', '--kernel', 'box'])).rejects.toThrow(/--kernel must be first-order or alpha/);
    await expect(
      bench(['oxford', '--config', join(FIX, 'tiny-config.json'), '--data', tempDir('empty-'), '--backend', 'cpu']),
    ).rejects.toThrow(/input\.bs1 not found/);
    expect(existsSync(join(FIX, 'tiny-config.json'))).toBe(true);
  });
});

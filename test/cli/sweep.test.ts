import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDirs } from '../support/tempDirs.ts';
import { runCli } from '../support/cli.ts';

const tempDir = useTempDirs();

const capture = runCli;

function specFile(dir: string, spec: unknown): string {
  const path = join(dir, 'spec.json');
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

describe('spikeloop sweep / report (real CLI jobs)', () => {
  it('runs a teacher-eval sweep through the CLI, resumes it, and reports it', async () => {
    const dir = tempDir('cli-sweep-');
    const spec = specFile(dir, { name: 'teacher', job: 'eval', args: { env: 'pendulum', teacher: true, episodes: 1 }, seeds: [3, 4] });
    const out = join(dir, 'sweep');
    const r = await capture(['sweep', spec, '--out', out, '--workers', '2']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\[2\/2\] 2 done, finished/);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as {
      cells: Array<{ status: string; metrics: { meanReturn: number; episodes: number } }>;
    };
    expect(index.cells.map((c) => [c.status, c.metrics.episodes])).toEqual([
      ['done', 1],
      ['done', 1],
    ]);
    expect(readFileSync(join(out, 'index.md'), 'utf8')).toMatch(/2\/2 cells done/);

    const again = await capture(['sweep', spec, '--out', out]);
    expect(again.out).toMatch(/2 cells, 2 already done, 0 to run/);

    const rep = await capture(['report', out]);
    expect(rep.code).toBe(0);
    expect(rep.out).toMatch(/## metric per grid point/);
    expect(rep.out).toMatch(/\| \(base\) \| 2 \| /);
    expect(existsSync(join(out, 'report', 'report.md')) && existsSync(join(out, 'report', 'metric.svg'))).toBe(true);
  });

  it.each([
    [['sweep'], 2, /give one spec file/],
    [['sweep', '/nonexistent/spec.json'], 1, /sweep spec \/nonexistent\/spec.json: cannot read/],
    [['report', '/nonexistent/sweep'], 1, /\/nonexistent\/sweep is not a sweep folder \(no sweep.json\)/],
    [['worker'], 1, /--queue redis:\/\/host:port is required/],
    [['worker', '--queue', 'http://x:1'], 1, /--queue must be a redis:\/\/ or rediss:\/\/ URL, got 'http:\/\/x:1'/],
    [
      ['worker', '--queue', 'redis://127.0.0.1:1'],
      1,
      /cannot reach Redis at redis:\/\/127.0.0.1:1: .*ECONNREFUSED.* \(is redis-server running there\?\)/,
    ],
  ])('%j fails with a message naming the problem', async (argv, code, msg) => {
    const r = await capture(argv);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(msg);
  });

  it('refuses queue-only flags without --queue, --workers with --queue, and a bad spec before running anything', async () => {
    const dir = tempDir('cli-sweep-bad-');
    const good = specFile(dir, { name: 'x', job: 'eval', args: { env: 'cartpole', teacher: true }, seeds: [0] });
    expect((await capture(['sweep', good, '--no-wait'])).err).toMatch(/--queue-name, --attempts and --no-wait need --queue/);
    // --workers sizes the local pool; with --queue the workers' own --workers decides, so it is refused
    const queued = await capture(['sweep', good, '--queue', 'redis://127.0.0.1:1', '--workers', '3', '--out', join(dir, 'q')]);
    expect(queued.code).toBe(1);
    expect(queued.err).toMatch(/--workers sets the local pool and does nothing with --queue; give it to 'spikeloop worker --workers N'/);
    expect(existsSync(join(dir, 'q'))).toBe(false);
    const bad = specFile(dir, { name: 'x', job: 'eval', args: { json: 'x' }, seeds: [0] });
    const r = await capture(['sweep', bad, '--out', join(dir, 's')]);
    expect(r.err).toMatch(/args\.json: --json is set by the sweep/);
    expect(existsSync(join(dir, 's'))).toBe(false);
  });

  it('--dry-run lists the cells and their commands', async () => {
    const dir = tempDir('cli-sweep-dry-');
    const spec = specFile(dir, {
      name: 'x',
      job: 'train-controller',
      args: { env: 'cartpole', budget: 5 },
      grid: { label: ['spike-seq', 'rate'] },
      seeds: [1, 2],
    });
    const r = await capture(['sweep', spec, '--dry-run', '--out', join(dir, 's')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /c[0-9a-f]{16} {2}label=rate seed=2 repeat=0: spikeloop train-controller --budget 5 --env cartpole --label rate --seed 2/,
    );
    expect(r.out).toMatch(/4 cells → /);
    expect(existsSync(join(dir, 's'))).toBe(false);
  });
});

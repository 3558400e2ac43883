import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDirs } from '../support/tempDirs.ts';
import { runCli } from '../support/cli.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/controllers/cartpole', import.meta.url));
const tempDir = useTempDirs();

const capture = runCli;

describe('spikeloop train-controller / eval / demo: argument errors', () => {
  it.each([
    [['train-controller'], /--env is required/],
    [
      ['train-controller', '--env', 'mountaincar'],
      /--env must be one of cartpole, pendulum, reacher, walker or a registered env id .*got 'mountaincar'/,
    ],
    [['train-controller', '--env', 'cartpole', '--label', 'count'], /--label must be spike-seq or rate, got 'count'/],
    [['train-controller', '--env', 'cartpole', '--budget', '0'], /--budget must be an integer >= 1, got '0'/],
    [['train-controller', '--env', 'cartpole', '--seed', '1.5'], /--seed must be an integer >= 0/],
    [['train-controller', '--env', 'cartpole', '--bogus'], /Unknown option '--bogus'/],
    [['eval', '--env', 'cartpole'], /give exactly one of --checkpoint DIR or --teacher/],
    [['eval', '--env', 'cartpole', '--checkpoint', FIXTURE, '--episodes', 'x'], /--episodes must be an integer >= 1, got 'x'/],
    [['eval', '--env', 'pendulum', '--checkpoint', FIXTURE, '--episodes', '1'], /was trained on CartPoleContinuous-v1, not Pendulum-v1/],
    [['eval', '--env', 'cartpole', '--checkpoint', '/nonexistent/ckpt'], /no controller.json/],
    [['demo', '--budget=0'], /--budget must be an integer >= 1, got '0'/],
  ])('%j fails with a message naming the problem', async (argv, msg) => {
    const r = await capture(argv);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(msg);
  });
});

describe('spikeloop eval', () => {
  it('prints the mean/std table and the success measure for the fixture controller, and writes JSON', async () => {
    const json = join(tempDir('h4-eval-'), 'eval.json');
    const r = await capture(['eval', '--env', 'cartpole', '--checkpoint', FIXTURE, '--episodes', '3', '--seed', '40', '--json', json]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| SNN \(spike-seq\) \| CartPoleContinuous-v1 \| 3 \| 500\.0 \| 0\.0 \| 3\/3 balance to the step limit \|/);
    expect(r.out).toMatch(/seeds 40\.\.42/);
    const s = JSON.parse(readFileSync(json, 'utf8')) as { meanReturn: number; episodes: number };
    expect(s).toMatchObject({ meanReturn: 500, episodes: 3 });
  });

  it('evaluates the teacher with --teacher (reacher: success relative to the reach)', async () => {
    const r = await capture(['eval', '--env', 'reacher', '--teacher', '--episodes', '2']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| teacher \| Reacher-v1 \| 2 \| .* \| \d\/2 end < 5% of reach; mean final distance [\d.]+% of reach \|/);
  });
});

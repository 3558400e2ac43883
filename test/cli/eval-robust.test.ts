import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDirs } from '../support/tempDirs.ts';
import { runCli } from '../support/cli.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/controllers/cartpole', import.meta.url));
const tempDir = useTempDirs();

const capture = runCli;

interface Doc {
  env: string;
  seeds: [number, number];
  conditions: Array<{
    condition: string;
    perturb: string;
    cells: Array<{ controller: string; episodes: number; successes: number; successCI: [number, number]; returnCI: [number, number] }>;
  }>;
}

describe('spikeloop eval under perturbations', () => {
  it('--suite robust: teacher vs SNN per condition on paired seeds, env read from controller.json, JSON written', async () => {
    const json = join(tempDir('eval-robust-'), 'robust.json');
    const r = await capture(['eval', '--checkpoint', FIXTURE, '--suite', 'robust', '--episodes', '2', '--seed', '7', '--json', json]);
    // Nothing on stderr but the one line naming the tfjs backend (printed by the first load in this process).
    expect(r.err.replace(/^spikeloop: tfjs backend '\w+'( \(auto\))?(, .+)?$\n?/m, '')).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| nominal \| none \| teacher \| 500\.0 \[500\.0, 500\.0\] \| \(ref\.\) \| 2\/2 \| 1\.00 \[0\.\d\d, 1\.00\] \|/);
    expect(r.out).toMatch(/\| mass \| mass=1\.5 \| SNN \(spike-seq\) \|/);
    expect(r.out).toMatch(/CartPoleContinuous-v1; 2 paired episodes per cell, seeds 7\.\.8/);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as Doc;
    expect(doc.env).toBe('CartPoleContinuous-v1');
    expect(doc.seeds).toEqual([7, 8]);
    expect(doc.conditions.map((c) => c.condition)).toEqual(['nominal', 'pushes', 'noise', 'delay', 'mass']);
    for (const c of doc.conditions) expect(c.cells.map((x) => x.controller)).toEqual(['teacher', 'SNN (spike-seq)']);
  });

  it('--perturb (repeatable) gives one condition each, named by its canonical spec', async () => {
    const json = join(tempDir('eval-perturb-'), 'p.json');
    const r = await capture([
      'eval',
      '--env',
      'cartpole',
      '--checkpoint',
      FIXTURE,
      '--perturb',
      'none',
      '--perturb',
      'noise=0.02, delay=1',
      '--episodes',
      '1',
      '--json',
      json,
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as Doc;
    expect(doc.conditions.map((c) => [c.condition, c.perturb])).toEqual([
      ['nominal', 'none'],
      ['noise=0.02,delay=1', 'noise=0.02,delay=1'],
    ]);
  });

  it('off a TTY writes its progress to stderr as lines: each new cell and each tenth of all episodes, with the total and an ETA', async () => {
    const write = process.stderr.write.bind(process.stderr);
    const tty = process.stderr.isTTY;
    const lines: string[] = [];
    process.stderr.isTTY = false;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    }) as typeof process.stderr.write;
    let r: Awaited<ReturnType<typeof capture>>;
    try {
      // 2 conditions × the teacher × 3 episodes = 6 episodes in all
      r = await capture(['eval', '--teacher', '--env', 'cartpole', '--perturb', 'none', '--perturb', 'noise=0.02', '--episodes', '3']);
    } finally {
      process.stderr.write = write;
      process.stderr.isTTY = tty;
    }
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/ETA/);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^nominal: teacher 1\/6 episodes; ETA \d+ s$/);
    expect(lines[3]).toMatch(/^noise=0\.02: teacher 4\/6 episodes; ETA \d+ s$/);
    expect(lines[5]).toBe('noise=0.02: teacher 6/6 episodes; ETA 0 s');
  });

  it.each([
    [['eval', '--checkpoint', FIXTURE, '--perturb', 'pushes=x'], /'pushes': 'x' is not a number/],
    [['eval', '--checkpoint', FIXTURE, '--suite', 'hard'], /unknown perturbation suite 'hard'/],
    [['eval', '--checkpoint', FIXTURE, '--suite', 'robust', '--perturb', 'none'], /give --perturb or --suite, not both/],
    [['eval', '--teacher', '--suite', 'robust'], /--env is required with --teacher/],
    [['eval', '--env', 'pendulum', '--checkpoint', FIXTURE, '--suite', 'robust'], /was trained on CartPoleContinuous-v1, not Pendulum-v1/],
    [['eval', '--checkpoint', FIXTURE, '--checkpoint', FIXTURE], /compared under --perturb or --suite/],
  ])('%j fails with a message naming the problem', async (argv, msg) => {
    const r = await capture(argv);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(msg);
  });
});

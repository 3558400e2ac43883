import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasTeacher, makeTeacher, registerTeacher } from '../../agents/teachers/index.ts';
import { readDemos, recordTeacher, writeDemos } from '../../agents/demos.ts';
import { trainController } from '../../agents/recipe.ts';
import { loadController } from '../../agents/controller.ts';
import { makeEnv, registerEnv, Renamed } from '../../envs/index.ts';
import { useTempDirs } from '../support/tempDirs.ts';
import { runCli } from '../support/cli.ts';

const tempDir = useTempDirs();
const USER = (f: string): string => fileURLToPath(new URL(`../fixtures/user/${f}`, import.meta.url));
const TINY = {
  budget: 6,
  daggerRounds: 1,
  daggerEpisodes: 1,
  scoreEpisodes: 1,
  rolloutSteps: 40,
  hidden: [16, 16] as [number, number],
  neuronsPerDim: 4,
  batchSize: 8,
};

const capture = runCli;

describe('teachers from user code', () => {
  registerEnv('TeacherlessCart-v1', () => new Renamed(makeEnv('CartPoleContinuous-v1', { maxEpisodeSteps: false }), 'TeacherlessCart-v1'));

  it('registerTeacher takes a plain function of the observation and makeTeacher wraps it', () => {
    registerEnv('FnCart-v1', () => new Renamed(makeEnv('CartPoleContinuous-v1', { maxEpisodeSteps: false }), 'FnCart-v1'));
    expect(hasTeacher('FnCart-v1')).toBe(false);
    registerTeacher('FnCart-v1', () => (obs) => [obs[2]! * 10]);
    const t = makeTeacher('FnCart-v1');
    t.reset(0);
    expect(Array.from(t.act(Float64Array.of(0, 0, 0.05, 0)))).toEqual([0.5]);
  });

  it('refuses a second teacher for an env unless asked to replace it, and a factory that is not a function', () => {
    expect(() => registerTeacher('cartpole', () => () => [0])).toThrow(/already has a teacher.*replace: true/);
    expect(() => registerTeacher('cartpole', 42 as never)).toThrow(/must be a function/);
    expect(() => makeTeacher('TeacherlessCart-v1')).toThrow(/no teacher for 'TeacherlessCart-v1'.*registerTeacher/);
  });
});

describe('demonstrations', () => {
  it('round-trip through JSONL and CSV with episode boundaries', () => {
    const dir = tempDir('byo-demos-');
    const eps = recordTeacher('cartpole', makeTeacher('cartpole'), { episodes: 3, seed: 5, maxSteps: 7 });
    expect(eps.map((e) => e.steps.length)).toEqual([7, 7, 7]);
    for (const ext of ['jsonl', 'csv']) {
      const f = join(dir, `d.${ext}`);
      writeDemos(f, eps);
      const back = readDemos(f);
      expect(back.map((e) => e.episode)).toEqual([0, 1, 2]);
      expect(Array.from(back[2]!.steps[6]!.observation)).toEqual(Array.from(eps[2]!.steps[6]!.observation));
      expect(Array.from(back[1]!.steps[3]!.action)).toEqual(Array.from(eps[1]!.steps[3]!.action));
    }
  });

  it.each([
    [
      'bad.jsonl',
      '{"episode":0,"observation":[1,2],"action":[0]}\n{"episode":0,"observation":[1],"action":[0]}\n',
      /bad.jsonl:2: observation has 1 values, the first step has 2/,
    ],
    ['bad.jsonl', '{"episode":0,"observation":[1,2],"action":[0]}\nnot json\n', /bad.jsonl:2: not valid JSON/],
    ['bad.jsonl', '{"episode":-1,"observation":[1],"action":[0]}\n', /'episode' must be a non-negative integer/],
    ['bad.jsonl', '{"episode":0,"observation":[1,"x"],"action":[0]}\n', /'observation'\[1\] must be a finite number/],
    [
      'bad.jsonl',
      '{"episode":0,"observation":[1],"action":[0]}\n{"episode":1,"observation":[1],"action":[0]}\n{"episode":0,"observation":[1],"action":[0]}\n',
      /episode 0 appears again/,
    ],
    ['bad.csv', 'episode,obs_0,act_0\n0,1\n', /bad.csv:2: 2 columns, the header has 3/],
    ['bad.csv', 'ep,obs_0,act_0\n', /header must start with 'episode'/],
    ['bad.csv', 'episode,obs_0,act_0\n0,NaN,1\n', /column 'obs_0' must be a finite number/],
    ['bad.txt', 'x', /unknown format/],
    ['empty.jsonl', '\n', /no demonstration steps/],
  ])('%s with bad content fails naming the file, line and field (%#)', (name, text, msg) => {
    const f = join(tempDir('byo-bad-'), name);
    writeFileSync(f, text);
    expect(() => readDemos(f)).toThrow(msg);
  });

  it('train from demonstrations alone on an env without a teacher: no DAgger round, a loadable controller', async () => {
    const dir = tempDir('byo-bc-');
    const demos = recordTeacher('cartpole', makeTeacher('cartpole'), { episodes: 2, seed: 1, maxSteps: 40 });
    const trained = trainController({ env: 'TeacherlessCart-v1', ...TINY }, { demos, outDir: dir });
    expect(trained.rounds.map((r) => r.round)).toEqual([0]);
    expect(trained.spec.env).toBe('TeacherlessCart-v1');
    trained.network.dispose();
    expect(loadController(dir).spec.env).toBe('TeacherlessCart-v1');
  });
});

describe('the CLI with user modules', () => {
  it('record → train-controller --demos on a body and teacher registered by user modules', async () => {
    const dir = tempDir('byo-cli-');
    const demos = join(dir, 'heavy.jsonl');
    const mods = ['--env-module', USER('slidingCart.mjs'), '--teacher-module', USER('heavyCartTeacher.mjs')];
    const rec = await capture(['record', '--env', 'HeavyCart-v1', ...mods, '--episodes', '2', '--max-steps', '40', '--out', demos]);
    expect(rec.err).toBe('');
    expect(rec.code).toBe(0);
    expect(rec.out).toMatch(/HeavyCart-v1, 2 episodes, 80 steps/);
    const out = join(dir, 'ctrl');
    const tr = await capture(['train-controller', '--env', 'heavy-cart', '--demos', demos, '--budget', '4', '--rounds', '0', '--out', out]);
    expect(tr.err).toMatch(/backend/);
    expect(tr.code).toBe(0);
    expect(existsSync(join(out, 'controller.json'))).toBe(true);
    expect(loadController(out).spec.env).toBe('HeavyCart-v1');
  });

  it('names a missing module and an unknown env', async () => {
    const r = await capture(['record', '--env', 'cartpole', '--env-module', '/nonexistent/mod.mjs', '--out', '/tmp/x.jsonl']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/module \/nonexistent\/mod.mjs not found/);
    const u = await capture(['record', '--env', 'Nope-v1', '--out', '/tmp/x.jsonl']);
    expect(u.err).toMatch(/--env must be one of .*got 'Nope-v1'/);
  });
});

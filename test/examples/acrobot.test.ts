/**
 * The worked example of README "Control your own body" (examples/acrobot/), end to end at a tiny
 * budget: the README's own commands (train-controller → eval with the user modules, viz), and the
 * library script examples/acrobot/train.mjs with only its package specifiers pointed at this
 * checkout's sources (as test/readme.test.ts does for the Library snippet).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadUserModules } from '../../agents/userModules.ts';
import { checkEnv, makeEnv } from '../../envs/index.ts';
import { makeTeacher } from '../../agents/teachers/index.ts';
import { evaluateActor, policyActor } from '../../agents/rollout.ts';
import { loadController, loadPolicy } from '../../agents/controller.ts';
import { runCli } from '../support/cli.ts';
import { useTempDirs } from '../support/tempDirs.ts';

const root = resolve(import.meta.dirname, '../..');
const tempDir = useTempDirs();
const MODULES = ['examples/acrobot/env.mjs', 'examples/acrobot/teacher.mjs'].map((f) => join(root, f));
// the API script's copy: under test/ so that vitest transforms it, git-ignored
const artifacts = join(root, 'test', 'artifacts', `acrobot-${process.pid}`);
afterAll(() => rmSync(artifacts, { recursive: true, force: true }));

/** The ```sh block of README's acrobot subsection, one command per line (comments stripped). */
function readmeCommands(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^### /m).find((s) => s.startsWith('Worked example: the acrobot'));
  if (!section) throw new Error('README.md has no "### Worked example: the acrobot" subsection');
  const m = /```sh\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('the acrobot subsection has no ```sh block');
  return m[1]!
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '');
}

/** A README command's argv after `node bin/spikeloop.mjs`, with module paths made absolute. */
function cliArgv(line: string): string[] {
  const words = line.split(/\s+/);
  expect(words.slice(0, 2)).toEqual(['node', 'bin/spikeloop.mjs']);
  return words.slice(2).map((w) => (w.startsWith('examples/') ? join(root, w) : w));
}

/** Replaces the value of `--flag` (or appends it). */
function withFlag(argv: string[], flag: string, value: string): string[] {
  const i = argv.indexOf(flag);
  return i >= 0 ? [...argv.slice(0, i + 1), value, ...argv.slice(i + 2)] : [...argv, flag, value];
}

const TINY_RECIPE = { budget: 6, daggerRounds: 1, daggerEpisodes: 1, teacherEpisodes: 2, scoreEpisodes: 1, rolloutSteps: 40 };

describe('examples/acrobot: a body of the user, registered from plain JavaScript modules', () => {
  it('passes checkEnv, and its LQR teacher balances every episode of seeds 0..19 for the full 500 steps', async () => {
    await loadUserModules(MODULES);
    expect(checkEnv(makeEnv('Acrobot-v1'))).toBe(200);
    const outcomes = evaluateActor('Acrobot-v1', makeTeacher('acrobot'), 20, 0);
    expect(outcomes.map((o) => o.return)).toEqual(new Array(20).fill(500));
  });

  it("the committed controller keeps >= 90% of its teacher's mean return on seeds 0..99 (issue 16's acceptance, bench/results/byo.md)", async () => {
    await loadUserModules(MODULES);
    const { policy } = loadPolicy(join(root, 'examples', 'acrobot', 'controller'));
    const mean = (xs: readonly { return: number }[]): number => xs.reduce((a, o) => a + o.return, 0) / xs.length;
    const snn = mean(evaluateActor('Acrobot-v1', policyActor(policy), 100, 0));
    const teacher = mean(evaluateActor('Acrobot-v1', makeTeacher('Acrobot-v1'), 100, 0));
    expect(teacher).toBe(500);
    expect(snn / teacher).toBeGreaterThanOrEqual(0.9);
  });

  it("runs README's commands: train-controller → eval at a tiny budget, the teacher's eval", async () => {
    const commands = readmeCommands();
    const train = commands.find((c) => / train-controller /.test(c));
    const evalSnn = commands.find((c) => / eval --checkpoint /.test(c));
    const evalTeacher = commands.find((c) => / eval --teacher /.test(c));
    expect(
      [train, evalSnn, evalTeacher].every((c) => c !== undefined),
      commands.join('\n'),
    ).toBe(true);
    const out = join(tempDir('acrobot-cli-'), 'ctrl');
    const trainArgv = withFlag(withFlag(withFlag(cliArgv(train!), '--out', out), '--budget', '6'), '--rounds', '1');
    const tr = await runCli(trainArgv);
    expect(tr.code, tr.err).toBe(0);
    expect(tr.out).toMatch(/Acrobot-v1, spike-seq labels/);
    // the hint it prints names the modules again, so it can be pasted as it is
    expect(tr.out).toMatch(/evaluate: spikeloop eval --checkpoint \S+ --env-module \S+env\.mjs --teacher-module \S+teacher\.mjs/);
    expect(loadController(out).spec.env).toBe('Acrobot-v1');
    const ev = await runCli(withFlag(withFlag(cliArgv(evalSnn!), '--checkpoint', out), '--episodes', '2'));
    expect(ev.code, ev.err).toBe(0);
    expect(ev.out).toMatch(/\| SNN \(spike-seq\) \| Acrobot-v1 \| 2 \| [\d.]+ \| [\d.]+ \| \d\/2 not terminated/);
    const te = await runCli(withFlag(cliArgv(evalTeacher!), '--episodes', '2'));
    expect(te.code, te.err).toBe(0);
    expect(te.out).toMatch(/\| teacher \| Acrobot-v1 \| 2 \| 500\.0 \| 0\.0 \| 2\/2 not terminated/);
  });

  it('eval without the env module names the unknown env', async () => {
    const r = await runCli(['eval', '--teacher', '--env', 'Acrobat-v1', '--episodes', '1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--env must be one of .*got 'Acrobat-v1'/);
  });

  it('trains and evaluates through the library API (examples/acrobot/train.mjs)', async () => {
    const commands = readmeCommands();
    expect(commands).toContain('node examples/acrobot/train.mjs --out runs/acrobot-api');
    const code = readFileSync(join(root, 'examples', 'acrobot', 'train.mjs'), 'utf8');
    for (const spec of ["from 'spikeloop'", "from 'spikeloop/agents'"]) expect(code).toContain(spec);
    mkdirSync(artifacts, { recursive: true });
    const file = join(artifacts, 'train.mjs');
    const url = (p: string): string => JSON.stringify(pathToFileURL(join(root, p)).href);
    writeFileSync(
      file,
      code
        .replace("from 'spikeloop'", `from ${url('src/index.ts')}`)
        .replace("from 'spikeloop/agents'", `from ${url('agents/index.ts')}`)
        .replace("here('./env.mjs'), here('./teacher.mjs')", MODULES.map((m) => JSON.stringify(m)).join(', '))
        .replace("here('./recipe.json')", JSON.stringify(join(root, 'examples', 'acrobot', 'recipe.json'))),
    );
    const { trainAcrobot } = (await import(pathToFileURL(file).href)) as {
      trainAcrobot: (o: object) => Promise<{ teacher: { meanReturn: number }; snn: { episodes: number; meanReturn: number } }>;
    };
    const out = join(tempDir('acrobot-api-'), 'ctrl');
    const lines: string[] = [];
    const { teacher, snn } = await trainAcrobot({ out, recipe: TINY_RECIPE, episodes: 2, log: (l: string) => lines.push(l) });
    expect(existsSync(join(out, 'controller.json'))).toBe(true);
    expect(teacher.meanReturn).toBe(500);
    expect(snn.episodes).toBe(2);
    expect(lines.at(-1)).toMatch(/^SNN \/ teacher mean return: [\d.]+%$/);
  });

  it("serves README's viz command: the page's server starts on the checkpoint's env with the modules loaded", async () => {
    const viz = readmeCommands().find((c) => / viz /.test(c));
    expect(viz).toBeDefined();
    const argv = withFlag(cliArgv(viz!), '--port', '0');
    const ckpt = argv[argv.indexOf('--checkpoint') + 1]!;
    expect(existsSync(join(ckpt, 'controller.json')), `${ckpt} is committed`).toBe(true);
    const child = spawn(process.execPath, [join(root, 'bin', 'spikeloop.mjs'), ...argv], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((ok, fail) => {
        let text = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          const m = /spikeloop viz: .*at http:\/\/\S+/.exec(text);
          if (m) ok(m[0]);
        });
        child.on('exit', (code) => fail(new Error(`viz exited with ${code}: ${text}`)));
      });
      expect(line).toMatch(/^spikeloop viz: Acrobot-v1 \/ checkpoint at http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

/**
 * Driving a body from the keyboard and recording the session, through the WebSocket protocol
 * (no browser): `action` commands set the held command, `step`s run the loop, and the file the
 * session writes is a demonstrations file (agents/demos.ts) holding exactly the steps driven.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createVizFactory, keyboardAction, type VizSession } from '../../cli/vizSession.ts';
import { readDemos } from '../../agents/demos.ts';
import { createDemoRecorder } from '../../agents/demoRecorder.ts';
import { box, discrete, makeEnv } from '../../envs/index.ts';
import { startVizServer, type VizServer } from '../../src/viz/server.ts';
import { TestClient } from './wsClient.ts';

const dir = mkdtempSync(join(tmpdir(), 'spikeloop-keys-'));
let server: VizServer | undefined;
let client: TestClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  server = client = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(session: VizSession, env: string, controller: string): Promise<{ server: VizServer; c: TestClient }> {
  server = await startVizServer(session.factory, { env, controller }, { port: 0, envs: session.envs, controllers: session.controllers });
  client = await TestClient.open(server.url);
  return { server, c: client };
}

/** Sends `pause` and waits until the server is paused. */
async function pause(c: TestClient): Promise<void> {
  c.send({ type: 'pause' });
  await c.waitFor(() => c.json('state').some((s) => s.paused), 'paused state');
}

describe('keyboard controller and recording over the WebSocket', () => {
  it('records exactly the driven steps, one episode per reset, in the demos format', async () => {
    const file = join(dir, 'cartpole.jsonl');
    const session = createVizFactory({ record: file, env: 'cartpole' });
    const { server, c } = await start(session, 'cartpole', 'keyboard');
    await c.waitFor(() => c.json('hello').length > 0, 'hello');
    expect(c.json('hello')[0]).toMatchObject({ manual: ['a0'], recording: file, envs: ['cartpole'] });
    await pause(c);
    const drive: Array<{ seed: number; plan: Array<[number, number]> }> = [
      {
        seed: 5,
        plan: [
          [1, 4],
          [-0.5, 3],
        ],
      },
      { seed: 6, plan: [[0.25, 2]] },
    ];
    let ticks = server.stats().tick;
    for (const { seed, plan } of drive) {
      c.send({ type: 'reset', seed });
      for (const [value, steps] of plan) {
        c.send({ type: 'action', values: [value] });
        for (let i = 0; i < steps; i++) c.send({ type: 'step' });
        ticks += steps;
      }
    }
    await c.waitFor(() => server.stats().tick === ticks, `${ticks} ticks`);
    expect(c.json('error')).toEqual([]);
    await server.close();
    expect(session.close()).toMatchObject({ file, steps: expect.any(Number) });

    // The last two episodes are the driven ones (steps the loop ran before the pause come first).
    const episodes = readDemos(file).slice(-2);
    const env = makeEnv('cartpole');
    drive.forEach(({ seed, plan }, e) => {
      const actions = plan.flatMap(([value, steps]) => Array.from({ length: steps }, () => value));
      const recorded = episodes[e]!.steps;
      expect(recorded.map((s) => Array.from(s.action))).toEqual(actions.map((a) => [a]));
      // Each observation is the one the same seed and actions give in a fresh env.
      let obs = env.reset({ seed }).observation;
      recorded.forEach((s, t) => {
        expect(Array.from(s.observation)).toEqual(Array.from(obs));
        obs = env.step([actions[t]!]).observation;
      });
    });
    env.close();
  });

  it('rejects malformed or misplaced action commands with a clear error, and changes nothing', async () => {
    const file = join(dir, 'errors.csv');
    const session = createVizFactory({ record: file, env: 'cartpole' });
    const { server, c } = await start(session, 'cartpole', 'keyboard');
    await pause(c);
    const bad = [
      { type: 'action', values: 'left' },
      { type: 'action', values: [2] },
      { type: 'action', values: [] },
      { type: 'action', values: [0], key: 'ArrowLeft' },
      { type: 'action', values: [1, 0] },
    ];
    for (const m of bad) c.send(m);
    await c.waitFor(() => c.json('error').length === bad.length, `${bad.length} errors`);
    expect(c.json('error').map((e) => `${e.code}: ${e.message}`)).toEqual([
      expect.stringMatching(/^bad_message: values: .*expected array/),
      expect.stringMatching(/^bad_message: values\.0: .*<=1/),
      expect.stringMatching(/^bad_message: values: .*>=1/),
      expect.stringMatching(/^bad_message: message: .*"key"/),
      'bad_message: values: 2 given, but cartpole has 1 action dimensions (a0)',
    ]);
    // a rejected command leaves the held one as it was: the step records 0.75, not 1 (the clamp of 2)
    c.send({ type: 'action', values: [0.75] });
    c.send({ type: 'action', values: [2] });
    const tick = server.stats().tick;
    c.send({ type: 'step' });
    await c.waitFor(() => server.stats().tick === tick + 1, 'one step');
    // With the teacher driving, the keyboard has nothing to set; a file holds one env, so no switch.
    c.send({ type: 'select', env: 'cartpole', controller: 'teacher' });
    await c.waitFor(() => c.json('hello').length === 2, 'second hello');
    expect(c.json('hello')[1]!.manual).toBeUndefined();
    c.send({ type: 'action', values: [1] });
    c.send({ type: 'select', env: 'pendulum', controller: 'teacher' });
    await c.waitFor(() => c.json('error').length === bad.length + 3, 'three more errors');
    expect(c.json('error').slice(-2)).toEqual([
      { type: 'error', code: 'not_manual', message: "'action' applies to the keyboard controller only; the body is driven by 'teacher'" },
      { type: 'error', code: 'unknown_choice', message: "env 'pendulum' is not one of cartpole" },
    ]);
    await server.close();
    session.close();
    expect(Array.from(readDemos(file).at(-1)!.steps.at(-1)!.action)).toEqual([0.75]);
  });

  it('offers every registered env, a teacher-less one with the keyboard by default', async () => {
    const session = createVizFactory();
    expect(session.controllers).toEqual(['teacher', 'keyboard']);
    expect(session.envs).toEqual(expect.arrayContaining(['cartpole', 'pendulum', 'reacher', 'walker']));
    expect(session.defaultController('cartpole')).toBe('teacher');
    // an env given by its id is the menu entry of its alias, so the page's menu shows it selected
    expect(session.menuName('CartPoleContinuous-v1')).toBe('cartpole');
    expect(session.envs).toContain(session.menuName('CartPoleContinuous-v1'));
    expect(createVizFactory({ record: join(dir, 'id.jsonl'), env: 'CartPoleContinuous-v1' }).envs).toEqual(['cartpole']);
    expect(() => createVizFactory({ record: join(dir, 'x.txt'), env: 'cartpole' })).toThrow(
      "demonstrations file must end in .jsonl or .csv, got '",
    );
  });
});

describe('keyboard command → action', () => {
  it('maps ±1 onto a Box dimension’s bounds and 0 onto 0, and −1…1 onto the Discrete choices', () => {
    const k = keyboardAction({ actionSpace: box([-2, 0, -Infinity], [1, 4, Infinity]) });
    expect(k.names).toEqual(['a0', 'a1', 'a2']);
    expect(k.toAction([1, 1, 1])).toEqual([1, 4, 1]);
    expect(k.toAction([-1, -1, -1])).toEqual([-2, 0, -1]);
    expect(k.toAction([0, 0, 0])).toEqual([0, 0, 0]);
    expect(k.toAction([-0.5, 0.5, 0.5])).toEqual([-1, 2, 0.5]);
    const d = keyboardAction({ actionSpace: discrete(3) });
    expect(d.names).toEqual(['choice']);
    expect([-1, 0, 1].map((v) => d.toAction([v])[0])).toEqual([0, 1, 2]);
  });
});

describe('demonstrations recorder', () => {
  it('replaces an old file, keeps it loadable after each episode (CSV header once), and skips empty episodes', () => {
    const file = join(dir, 'rec.csv');
    writeFileSync(file, 'an old file the first episode replaces\n');
    const r = createDemoRecorder(file);
    r.begin();
    r.begin(); // an episode without steps is not written
    r.record([0, 1], [0.5]);
    r.record([0.1, 1.1], 1); // a Discrete choice arrives as a number
    r.begin();
    expect(readDemos(file).map((e) => e.steps.length)).toEqual([2]);
    r.record([0.2, 1.2], [-1]);
    expect(r.close()).toEqual({ episodes: 2, steps: 3 });
    const episodes = readDemos(file);
    expect(episodes.map((e) => e.episode)).toEqual([0, 1]);
    expect(readFileSync(file, 'utf8').match(/^episode,/gm)).toHaveLength(1);
    expect(episodes[0]!.steps.map((s) => [Array.from(s.observation), Array.from(s.action)])).toEqual([
      [[0, 1], [0.5]],
      [[0.1, 1.1], [1]],
    ]);
    expect(() => r.record([0, 0], [0])).toThrow(/record\(\) after close\(\)/);
  });
});

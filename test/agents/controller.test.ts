import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { trainController, type RecipeProgress } from '../../agents/recipe.ts';
import {
  augmentObservation,
  CONTROLLER_FILE,
  exportController,
  loadController,
  loadPolicy,
  policyFromNetwork,
} from '../../agents/controller.ts';
import { statSync } from 'node:fs';
import { useTempDirs } from '../support/tempDirs.ts';
import { makeEnv } from '../../envs/index.ts';

const tempDir = useTempDirs();
const TINY = {
  env: 'cartpole',
  budget: 6,
  daggerRounds: 1,
  teacherEpisodes: 2,
  rolloutSteps: 40,
  daggerEpisodes: 1,
  scoreEpisodes: 1,
  hidden: [16, 16] as [number, number],
  neuronsPerDim: 4,
  batchSize: 8,
};

describe('trainController → controller folder', () => {
  const dir = join(tempDir('h4-ctrl-'), 'cartpole');
  const progress: RecipeProgress[] = [];
  const trained = trainController(TINY, { outDir: dir, progress: (p) => progress.push(p) });

  it('reports progress from the start: phases in order, the total step budget known up front, steps never going back', () => {
    expect(progress[0]).toMatchObject({ phase: 'teacher rollouts', steps: 0, totalSteps: TINY.budget, rounds: 1 });
    expect(progress.at(-1)).toMatchObject({ phase: 'done', steps: TINY.budget });
    const phases = progress.map((p) => p.phase).filter((p, i, a) => p !== a[i - 1]);
    expect(phases).toEqual(['teacher rollouts', 'training', 'scoring', 'dagger rollouts', 'training', 'scoring', 'done']);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.steps).toBeGreaterThanOrEqual(progress[i - 1]!.steps);
  });

  it('plots score and loss per round into training.svg', () => {
    const svg = readFileSync(join(dir, 'training.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('CartPoleContinuous-v1 SNN (spike-seq labels): per training round');
    expect(svg).toContain('mean training loss');
    // one marker per round in the score series, one for the best round, one per round in the loss series
    expect(svg.match(/<circle /g)?.length).toBe(2 * trained.rounds.length + 1);
  });

  it('records the rounds within the step budget and keeps the best weights', () => {
    expect(trained.rounds.map((r) => r.round)).toEqual([0, 1]);
    expect(trained.rounds.at(-1)!.steps).toBeLessThanOrEqual(TINY.budget);
    expect(trained.rounds[1]!.trajectories).toBe(3); // 2 teacher + 1 DAgger episode aggregated
    expect(trained.spec.training?.bestRound).toBe(trained.best.round);
  });

  it('round-trips: the folder alone rebuilds the same policy (encoder, network, decoder, env)', () => {
    const loaded = loadController(dir);
    expect(loaded.spec.env).toBe('CartPoleContinuous-v1');
    expect(loaded.spec.population).toEqual(trained.spec.population);
    expect(loaded.network.config).toEqual(trained.network.config);
    const a = policyFromNetwork(trained.network, trained.spec);
    const { policy: b } = loadPolicy(dir);
    const env = makeEnv('cartpole');
    let obs = env.reset({ seed: 2 }).observation;
    for (let s = 0; s < 30; s++) {
      const ra = a.step(obs);
      const rb = b.step(obs);
      expect(Array.from(rb.action)).toEqual(Array.from(ra.action));
      expect(rb.spikes.map((l) => Array.from(l.neurons))).toEqual(ra.spikes.map((l) => Array.from(l.neurons)));
      const r = env.step(ra.action);
      obs = r.observation;
      if (r.terminated || r.truncated) {
        obs = env.reset({ seed: 3 + s }).observation;
        a.reset();
        b.reset();
      }
    }
    env.close();
    loaded.network.dispose();
  });

  it('exports a slim copy (no optimiser state) that acts identically', () => {
    const slim = join(tempDir('h4-slim-'), 'c');
    exportController(dir, slim);
    expect(readFileSync(join(slim, 'training.svg'), 'utf8')).toBe(readFileSync(join(dir, 'training.svg'), 'utf8'));
    expect(statSync(join(slim, 'weights.bin')).size * 3).toBe(statSync(join(dir, 'weights.bin')).size); // Adam: m and v per weight
    const a = loadPolicy(dir).policy;
    const b = loadPolicy(slim).policy;
    const obs = Float64Array.of(0.1, -0.2, 0.05, 0.3);
    for (let s = 0; s < 10; s++) expect(Array.from(b.step(obs).action)).toEqual(Array.from(a.step(obs).action));
  });

  it('names the problem in a broken controller.json', () => {
    const file = join(dir, CONTROLLER_FILE);
    const good = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, '{ nope');
      expect(() => loadController(dir)).toThrow(/controller.json is not valid JSON/);
      writeFileSync(file, JSON.stringify({ ...JSON.parse(good), substeps: 0 }));
      expect(() => loadController(dir)).toThrow(/substeps/);
      writeFileSync(file, JSON.stringify({ ...JSON.parse(good), population: { ...JSON.parse(good).population, neuronsPerDim: 5 } }));
      expect(() => loadController(dir)).toThrow(/the network takes 16 inputs, the population code gives 20/);
      rmSync(file);
      expect(() => loadController(dir)).toThrow(/no controller.json/);
    } finally {
      writeFileSync(file, good);
    }
    expect(loadPolicy(dir).spec.env).toBe('CartPoleContinuous-v1');
  });
});

describe('motor population (P push and P pull neurons per channel)', () => {
  it('builds 2·P output neurons per channel, records P in controller.json, and the loaded policy decodes one command per channel', () => {
    const dir = join(tempDir('h4-pop-'), 'c');
    const trained = trainController({ ...TINY, motorPopulation: 3 }, { outDir: dir });
    expect(trained.spec.decoder.population).toBe(3);
    expect(trained.network.outputShape).toEqual([6]);
    const { spec, policy } = loadPolicy(dir);
    expect(spec.decoder.population).toBe(3);
    expect(policy.step(Float64Array.of(0, 0, 0.01, 0)).action.length).toBe(1);
    writeFileSync(join(dir, CONTROLLER_FILE), JSON.stringify({ ...spec, decoder: { ...spec.decoder, population: 2 } }));
    expect(() => loadController(dir)).toThrow(/the network has 6 outputs, 1 action channels need 4/);
    trained.network.dispose();
  });
});

describe('robust recipe: training under perturbations, coarse + fine input code', () => {
  it('widens the population ranges to the perturbed data, and codes fine copies over the nominal range', () => {
    const nominal = trainController({ ...TINY, daggerRounds: 0, trainPerturbations: [] });
    const robust = trainController({
      ...TINY,
      daggerRounds: 0,
      teacherEpisodes: 4,
      trainPerturbations: ['none', 'pushes=0.3'],
      nominalFineDims: [0, 2],
    });
    const span = (s: typeof nominal.spec, d: number) => s.population.high[d]! - s.population.low[d]!;
    expect(robust.spec.fine).toEqual({ dims: [0, 2] });
    expect(robust.spec.population.low.length).toBe(6);
    // the pushed episodes swing the pole further: a wider angle range than the nominal data's
    expect(span(robust.spec, 2)).toBeGreaterThan(span(nominal.spec, 2));
    // the fine copy of the angle spans the nominal episodes only (narrower than the coarse code)
    expect(span(robust.spec, 5)).toBeLessThan(span(robust.spec, 2));
    expect(robust.spec.training?.recipe).toMatchObject({ trainPerturbations: ['none', 'pushes=0.3'] });
    expect(() => trainController({ ...TINY, trainPerturbations: ['pushes=0.3'], nominalFineDims: [0] })).toThrow(
      /recipe\.input\.nominalFineDims: needs 'none' among recipe\.perturbations/,
    );
    expect(() => trainController({ ...TINY, trainPerturbations: ['shove=1'] })).toThrow(/shove/);
    nominal.network.dispose();
    robust.network.dispose();
  });
});

describe('clock input (rhythm for CPG teachers)', () => {
  it('appends sin/cos of 2π·hz·t to the observation; the policy restarts its clock on reset', () => {
    const spec = { clock: { hz: 1.5, dtS: 0.02 } };
    const x = augmentObservation(spec, [7, 8], 10);
    expect(Array.from(x.subarray(0, 2))).toEqual([7, 8]);
    expect(x[2]).toBeCloseTo(Math.sin(2 * Math.PI * 0.3), 12);
    expect(x[3]).toBeCloseTo(Math.cos(2 * Math.PI * 0.3), 12);
    expect(Array.from(augmentObservation({}, [7, 8], 10))).toEqual([7, 8]);
    const dir = join(tempDir('h4-clock-'), 'c');
    const trained = trainController({ ...TINY, clockHz: 1.5 }, { outDir: dir });
    expect(trained.spec.clock).toEqual({ hz: 1.5, dtS: 0.02 });
    expect(trained.spec.population.low.length).toBe(6);
    const { policy } = loadPolicy(dir);
    const obs = Float64Array.of(0, 0, 0.02, 0);
    const first = Array.from({ length: 40 }, () => policy.step(obs).spikes.map((l) => Array.from(l.neurons)));
    policy.reset();
    const again = Array.from({ length: 40 }, () => policy.step(obs).spikes.map((l) => Array.from(l.neurons)));
    expect(again).toEqual(first);
    trained.network.dispose();
  });
});

describe('fine copies (narrow population ranges for precision)', () => {
  it('appends the chosen dims after the clock and codes them over the fixed fine range', () => {
    expect(Array.from(augmentObservation({ clock: { hz: 1, dtS: 0.25 }, fine: { dims: [1] } }, [3, -0.02], 1))).toEqual([
      3,
      -0.02,
      1,
      expect.closeTo(0, 12) as unknown as number,
      -0.02,
    ]);
    expect(() => augmentObservation({ fine: { dims: [4] } }, [1, 2], 0)).toThrow(/dimension 4 outside the 2-value observation/);
    const dir = join(tempDir('h4-fine-'), 'c');
    const trained = trainController({ ...TINY, fineDims: [2], fineRange: 0.05 }, { outDir: dir });
    expect(trained.spec.fine).toEqual({ dims: [2] });
    expect(trained.spec.population.low.at(-1)).toBe(-0.05);
    expect(trained.spec.population.high.at(-1)).toBe(0.05);
    const { policy } = loadPolicy(dir);
    expect(policy.step(Float64Array.of(0, 0, 0.01, 0)).action.length).toBe(1);
    trained.network.dispose();
  });
});

describe('command companding (commandExponent)', () => {
  it('is recorded in controller.json and the policy expands the decoded command by the inverse power', () => {
    const dir = join(tempDir('h4-comp-'), 'c');
    // actionGain 1: the check below divides the clipped linear action by the scale, so it needs scale = the bound
    const trained = trainController({ ...TINY, commandExponent: 0.5, actionGain: 1 }, { outDir: dir });
    expect(trained.spec.commandExponent).toBe(0.5);
    // a 6-step training leaves the motor neurons silent: louder weights make the outputs non-zero
    trained.network.setWeights(trained.network.getWeights().map((w) => ({ ...w, values: w.values.map((v) => 4 * v) })));
    const linear = policyFromNetwork(trained.network, { ...trained.spec, commandExponent: undefined });
    const loaded = loadController(dir);
    loaded.network.dispose();
    const spec = loaded.spec;
    expect(spec.commandExponent).toBe(0.5);
    const policy = policyFromNetwork(trained.network, spec);
    const s = spec.actionScale[0]!;
    let expanded = 0;
    for (let k = 0; k < 40; k++) {
      const obs = Float64Array.of(0.05 * Math.sin(k), 0, 0.1 * Math.cos(k), 0);
      const u = linear.step(obs).action[0]! / s;
      const a = policy.step(obs).action[0]!;
      const want = Math.max(spec.actionLow[0]!, Math.min(spec.actionHigh[0]!, Math.sign(u) * u * u * s));
      expect(a).toBeCloseTo(want, 9);
      if (u !== 0) expanded++;
    }
    expect(expanded).toBeGreaterThan(0);
    const file = join(dir, CONTROLLER_FILE);
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), commandExponent: 2 }));
    expect(() => loadController(dir)).toThrow(/commandExponent/);
    trained.network.dispose();
  });
});

describe('trainController --resume', () => {
  it('continues from the saved weights and replaces the folder only with a round that scores at least as well', async () => {
    const { readResumeState } = await import('../../agents/controllerFolder.ts');
    const dir = join(tempDir('h4-resume-'), 'cartpole');
    const first = trainController(TINY, { outDir: dir });
    first.network.dispose();
    const before = readFileSync(join(dir, 'weights.bin'));
    const state = readResumeState(dir);
    // A bar no round can reach: the saved controller must stay as it is, byte for byte.
    const resumed = trainController(TINY, { outDir: dir, resume: { ...state, bestScore: 1e9 } });
    expect(resumed.rounds[0]).toMatchObject({ round: -1, score: 1e9 });
    expect(resumed.best.round).toBe(-1);
    expect(resumed.rounds.slice(1).map((r) => r.round)).toEqual([0, 1]);
    // The returned network is the resumed (best) one.
    const w = resumed.network.getWeights();
    state.weights.forEach((e, i) => expect(Array.from(w[i]!.values)).toEqual(Array.from(e.values)));
    resumed.network.dispose();
    expect(readFileSync(join(dir, 'weights.bin')).equals(before)).toBe(true);
    // Resumed training starts from the saved optimiser step, not from zero.
    expect(resumed.rounds[1]!.steps).toBe(state.optimizer!.step);
  });
});

const TINY_WINDOW = 4;

describe('hot teacher and hot output (teacher.gain, output.actionGain, output.substeps)', () => {
  it('scales the controller’s actionScale by actionGain and records both gains; the policy sends actionGain × its decoded command, clipped', () => {
    const dir = join(tempDir('h4-gain-'), 'c');
    const trained = trainController({ ...TINY, daggerRounds: 0, teacherGain: 1.5, actionGain: 2, deploySubsteps: 20 }, { outDir: dir });
    expect(trained.spec.actionScale).toEqual([2]);
    // the network trained on 10 sub-steps per control step; the saved controller runs 20
    expect(trained.network.config.T).toBe(TINY_WINDOW * 10);
    expect(trained.spec.substeps).toBe(20);
    expect(loadPolicy(dir).policy.substeps).toBe(20);
    expect(trained.spec.training?.recipe).toMatchObject({ teacherGain: 1.5, actionGain: 2 });
    trained.network.dispose();
    // the gain acts on the decoded command before the clip (a trained controller, so the output fires)
    const fixture = loadController('test/fixtures/controllers/cartpole');
    const plain = policyFromNetwork(fixture.network, { ...fixture.spec, actionScale: [1] });
    const hot = policyFromNetwork(fixture.network, { ...fixture.spec, actionScale: [2] });
    fixture.network.dispose();
    let compared = 0;
    for (let s = 0; s < 30; s++) {
      const obs = Float64Array.of(0.1 * Math.sin(s), 0, 0.05 * Math.cos(s), 0);
      const a = plain.step(obs).action[0]!;
      const b = hot.step(obs).action[0]!;
      expect(b).toBeCloseTo(Math.max(-1, Math.min(1, 2 * a)), 12);
      if (a !== 0 && Math.abs(a) < 0.5) compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });
});

/**
 * Training recipe of a spiking controller (issue 5): imitation of a classical teacher, then DAgger.
 *
 *   1. teacher rollouts with action noise (seeded) → trajectories of (observation, clean command)
 *   2. population-code ranges from the data (quantiles, widened), network 2 hidden dense LIF layers,
 *      output = a push/pull neuron pair per actuator channel, T = window·substeps
 *   3. train on windows (`dataset.ts`) with the spike-sequence loss (or, for the STBP baseline, the
 *      rate loss on rate labels) — same windows, steps and optimiser for both
 *   4. DAgger rounds: the SNN (event-driven, batch 1) drives, the teacher labels the visited states,
 *      the data is aggregated and training continues; after each round the closed-loop score is
 *      measured on held-out seeds and the best weights are kept; stop after `patience` rounds
 *      without improvement or when the step budget is spent
 *
 * The budget is counted in optimiser steps, so both label kinds get exactly the same training.
 */
import { makeEnv } from '../envs/index.ts';
import { DEFAULT_WALKER_TEACHER, makeTeacher, type Teacher } from './teachers/index.ts';
import { Sequential, type WeightEntry } from '../src/network/sequential.ts';
import { Trainer } from '../src/train/trainer.ts';
import { DEFAULT_MOTOR_LABELS, type MotorCode } from '../src/labels/motor.ts';
import { createRng } from '../src/util/random.ts';
import { augmentObservation, CONTROLLER_FORMAT, CONTROLLER_VERSION, policyFromNetwork, saveControllerSpec, type ControllerSpec, type LabelKind } from './controller.ts';
import { WindowDataset, windowLoss } from './dataset.ts';
import { boxAction, daggerRollouts, evaluateActor, policyActor, teacherRollouts, type EpisodeOutcome, type Trajectory } from './rollout.ts';

export interface RecipeOptions {
  env: string;
  label: LabelKind;
  seed: number;
  /** SNN sub-steps per control step. */
  substeps: number;
  /** Control steps per training window, and how many of them only warm the network up. */
  window: number;
  warmup: number;
  stride: number;
  neuronsPerDim: number;
  hidden: [number, number];
  /** Total optimiser steps (initial training + all DAgger rounds). */
  budget: number;
  /** Share of the budget spent on the teacher data before DAgger starts. */
  initialShare: number;
  batchSize: number;
  lr: number;
  teacherEpisodes: number;
  teacherNoise: number;
  /** Cap on steps per training rollout (keeps long episodes from dominating). */
  rolloutSteps: number;
  daggerRounds: number;
  daggerEpisodes: number;
  /** β of round r is beta·0.5^(r−1): the share of steps the teacher still drives. */
  beta: number;
  patience: number;
  /** Held-out episodes (seeds 20000+) that score each round. */
  scoreEpisodes: number;
  /** Quantile of the data that sets each population range (and 1 − it), and how much wider to make it. */
  rangeQuantile: number;
  rangeMargin: number;
  /** Frequency of the rhythm input (Hz); 0 = none. See `ControllerSpec.clock`. */
  clockHz: number;
  /** Observation dimensions that also get a fine copy coded over [−fineRange, fineRange]; empty = none. */
  fineDims: number[];
  fineRange: number;
  /** A unit command = this share of the env's action bound (< 1 spends the spike range on small torques). */
  commandScale: number;
  /** Labels are sign(c)·|c|^this (1 = linear): < 1 widens the spike range of small commands (src/encoding/companding.ts). */
  commandExponent: number;
  /** Push/pull label code (src/labels/motor.ts): 'balanced' keeps both neurons of a channel firing. */
  motorCode: MotorCode;
  /** Memory of both hidden layers (src/network config fields): recurrent weights, adaptive threshold, learned τ. */
  hiddenMemory?: HiddenMemory;
}

/** The dense-layer config fields that give a hidden layer memory (issue 11). */
export interface HiddenMemory {
  recurrent?: boolean;
  adaptive?: { beta: number; tauAdapt: number };
  learnTau?: 'layer' | 'neuron';
}

/** Defaults shared by all envs; `RECIPE_PRESETS` overrides them per env. */
export const DEFAULT_RECIPE: Readonly<Omit<RecipeOptions, 'env'>> = Object.freeze({
  label: 'spike-seq',
  seed: 1,
  substeps: 10,
  window: 4,
  warmup: 1,
  stride: 2,
  neuronsPerDim: 10,
  hidden: [64, 64],
  budget: 1200,
  initialShare: 0.4,
  batchSize: 32,
  lr: 3e-3,
  teacherEpisodes: 10,
  teacherNoise: 0.3,
  rolloutSteps: 500,
  daggerRounds: 6,
  daggerEpisodes: 4,
  beta: 0.5,
  patience: 3,
  scoreEpisodes: 5,
  rangeQuantile: 0.01,
  rangeMargin: 0.25,
  clockHz: 0,
  fineDims: [] as number[],
  fineRange: 0.1,
  commandScale: 1,
  commandExponent: 1,
  motorCode: 'one-sided',
}) as Readonly<Omit<RecipeOptions, 'env'>>;

export const RECIPE_PRESETS: Readonly<Record<string, Partial<RecipeOptions>>> = Object.freeze({
  'CartPoleContinuous-v1': { scoreEpisodes: 10 },
  'Pendulum-v1': { hidden: [96, 96], budget: 3000, teacherEpisodes: 30, rolloutSteps: 200, daggerEpisodes: 8, scoreEpisodes: 8 },
  // the reacher's target is positional precision (< 5 cm): finer receptive fields, more targets seen
  // and fine copies (±10 cm) of the fingertip−target offset, where a wide code goes silent near the target;
  // a unit command = half the torque bound, so the small torques of the last centimetres are not
  // left to one or two spikes per period (7/100 → 45/100 within 5 cm), and the balanced push/pull
  // code keeps both motor neurons firing, so small commands are not a dead zone (36/100 → 55/100
  // with the current-bend teacher; bench/results/controllers.md)
  'Reacher-v1': { neuronsPerDim: 16, hidden: [96, 96], budget: 4000, teacherEpisodes: 100, rolloutSteps: 100, daggerEpisodes: 20, scoreEpisodes: 20, fineDims: [8, 9], fineRange: 0.1, commandScale: 0.5, motorCode: 'balanced' },
  // the walker teacher is an open-loop CPG: its phase is time, so the SNN gets a clock at its frequency
  'Walker-v1': { neuronsPerDim: 6, hidden: [128, 128], budget: 3000, teacherEpisodes: 8, rolloutSteps: 600, daggerEpisodes: 3, scoreEpisodes: 3, clockHz: DEFAULT_WALKER_TEACHER.frequencyHz },
});

export interface RoundRecord {
  round: number;
  /** Optimiser steps so far. */
  steps: number;
  trajectories: number;
  windows: number;
  meanLoss: number;
  score: number;
  seconds: number;
}

export interface TrainedController {
  spec: ControllerSpec;
  network: Sequential;
  rounds: RoundRecord[];
  best: RoundRecord;
  seconds: number;
}

/**
 * The number a round is judged by (higher is better), matching each env's target: mean return,
 * except walker (mean forward distance) and reacher (minus the mean final fingertip distance).
 */
export function controllerScore(envId: string, outcomes: readonly EpisodeOutcome[]): number {
  const vals = outcomes.map((o) => (envId === 'Walker-v1' ? Number(o.info.x ?? 0) : envId === 'Reacher-v1' ? -Number(o.info.distance ?? Infinity) : o.return));
  return vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length);
}

/** Per-dimension population range: [q, 1−q] quantiles of the visited observations, widened by `margin`·span. */
export function observationRanges(trajectories: readonly Trajectory[], quantile: number, margin: number): { low: number[]; high: number[] } {
  const obs = trajectories.flatMap((t) => t.observations);
  if (obs.length === 0) throw new Error('observation ranges: no observations');
  const D = obs[0]!.length;
  const low: number[] = [];
  const high: number[] = [];
  for (let d = 0; d < D; d++) {
    const v = Float64Array.from(obs, (o) => o[d]!).sort();
    const lo = v[Math.floor(quantile * (v.length - 1))]!;
    const hi = v[Math.ceil((1 - quantile) * (v.length - 1))]!;
    const span = Math.max(hi - lo, 1e-3);
    low.push(lo - margin * span);
    high.push(hi + margin * span);
  }
  return { low, high };
}

export function resolveRecipe(opts: Pick<RecipeOptions, 'env'> & Partial<RecipeOptions>, envId: string): RecipeOptions {
  const o: RecipeOptions = { ...DEFAULT_RECIPE, ...RECIPE_PRESETS[envId], ...opts } as RecipeOptions;
  const posInt = (k: keyof RecipeOptions): void => {
    const v = o[k] as number;
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`recipe: ${k} must be a positive integer, got ${String(v)}`);
  };
  (['substeps', 'window', 'stride', 'neuronsPerDim', 'budget', 'batchSize', 'teacherEpisodes', 'rolloutSteps', 'daggerEpisodes', 'patience', 'scoreEpisodes'] as const).forEach(posInt);
  if (o.substeps < 10) throw new Error(`recipe: substeps must be >= 10 (T >= 10 sub-steps per control step), got ${o.substeps}`);
  if (!(Number.isInteger(o.daggerRounds) && o.daggerRounds >= 0)) throw new Error(`recipe: daggerRounds must be an integer >= 0, got ${o.daggerRounds}`);
  if (!(Number.isInteger(o.warmup) && o.warmup >= 0 && o.warmup < o.window)) throw new Error(`recipe: warmup must be an integer in 0..window−1, got ${o.warmup}`);
  if (!(o.initialShare > 0 && o.initialShare <= 1)) throw new Error(`recipe: initialShare must be in (0, 1], got ${o.initialShare}`);
  if (o.label !== 'spike-seq' && o.label !== 'rate') throw new Error(`recipe: label must be 'spike-seq' or 'rate', got '${String(o.label)}'`);
  if (o.motorCode !== 'one-sided' && o.motorCode !== 'balanced') throw new Error(`recipe: motorCode must be 'one-sided' or 'balanced', got '${String(o.motorCode)}'`);
  if (o.hidden.length !== 2 || !o.hidden.every((h) => Number.isInteger(h) && h >= 1)) throw new Error(`recipe: hidden must be two positive layer sizes, got [${o.hidden.join(', ')}]`);
  return o;
}

export interface TrainControllerHooks {
  log?: (line: string) => void;
  /** Where to write the best controller (checkpoint + controller.json) after each improving round. */
  outDir?: string;
}

/** Runs the whole recipe; the caller disposes `network`. */
export function trainController(opts: Pick<RecipeOptions, 'env'> & Partial<RecipeOptions>, hooks: TrainControllerHooks = {}): TrainedController {
  const t0 = performance.now();
  const log = hooks.log ?? (() => {});
  const probe = makeEnv(opts.env);
  const envId = probe.id;
  const box = boxAction(probe);
  const maxEpisodeSteps = probe.metadata.maxEpisodeSteps;
  const probeDtS = probe.metadata.dtS;
  probe.close();
  const o = resolveRecipe(opts, envId);
  const C = box.scale.length;
  const teacher: Teacher = makeTeacher(envId);
  const rolloutSteps = Math.min(o.rolloutSteps, maxEpisodeSteps);

  if (!(o.clockHz >= 0)) throw new Error(`recipe: clockHz must be >= 0, got ${o.clockHz}`);
  const clock = o.clockHz > 0 ? { hz: o.clockHz, dtS: probeDtS } : undefined;
  // trajectories start at an episode reset, so step s of a trajectory is the clock's step s
  if (!(o.commandScale > 0 && o.commandScale <= 1)) throw new Error(`recipe: commandScale must be in (0, 1], got ${o.commandScale}`);
  if (!(o.commandExponent > 0 && o.commandExponent <= 1)) throw new Error(`recipe: commandExponent must be in (0, 1], got ${o.commandExponent}`);
  if (!(o.fineRange > 0)) throw new Error(`recipe: fineRange must be > 0, got ${o.fineRange}`);
  const fine = o.fineDims.length > 0 ? { dims: [...o.fineDims] } : undefined;
  const extra = { ...(clock ? { clock } : {}), ...(fine ? { fine } : {}) };
  const augment = (ts: Trajectory[]): Trajectory[] => (clock || fine ? ts.map((t) => ({ commands: t.commands, observations: t.observations.map((x, s) => augmentObservation(extra, x, s)) })) : ts);
  const first = augment(teacherRollouts(envId, teacher, { episodes: o.teacherEpisodes, seed: 10_000 + 1000 * o.seed, maxSteps: rolloutSteps, noise: o.teacherNoise, commandScale: o.commandScale, commandExponent: o.commandExponent }));
  const ranges = observationRanges(first, o.rangeQuantile, o.rangeMargin);
  // the fine copies are the last dims: fixed narrow ranges instead of the data's spread
  for (let k = 0; k < o.fineDims.length; k++) {
    const d = ranges.low.length - o.fineDims.length + k;
    ranges.low[d] = -o.fineRange;
    ranges.high[d] = o.fineRange;
  }
  const spec: ControllerSpec = {
    format: CONTROLLER_FORMAT,
    version: CONTROLLER_VERSION,
    env: envId,
    label: o.label,
    substeps: o.substeps,
    population: { ...ranges, neuronsPerDim: o.neuronsPerDim, width: 1, peak: 1 },
    decoder: { gain: DEFAULT_MOTOR_LABELS.gain, psp: { ...DEFAULT_MOTOR_LABELS.psp } },
    readout: 'mean',
    ...extra,
    ...(o.commandExponent !== 1 ? { commandExponent: o.commandExponent } : {}),
    actionScale: Array.from(box.scale, (x) => x * o.commandScale),
    actionLow: Array.from(box.low),
    actionHigh: Array.from(box.high),
  };
  const data = new WindowDataset(
    { label: o.label, substeps: o.substeps, window: o.window, stride: o.stride, population: spec.population, motor: { gain: spec.decoder.gain, psp: spec.decoder.psp, encoder: DEFAULT_MOTOR_LABELS.encoder, code: o.motorCode } },
    C,
  );
  data.add(first);
  const network = Sequential.fromConfig({
    T: o.window * o.substeps,
    inputShape: [data.code.size],
    input: 'current',
    seed: o.seed,
    layers: [
      { type: 'dense', name: 'hidden1', units: o.hidden[0], bias: true, ...o.hiddenMemory },
      { type: 'dense', name: 'hidden2', units: o.hidden[1], bias: true, ...o.hiddenMemory },
      { type: 'dense', name: 'motor', units: 2 * C },
    ],
  });
  const trainer = new Trainer(network, {
    loss: windowLoss({ label: o.label, substeps: o.substeps, window: o.window, warmup: o.warmup, psp: spec.decoder.psp }),
    optimizer: { kind: 'adam', lr: o.lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
    batchSize: o.batchSize,
    clipGradNorm: 5,
    seed: o.seed,
    progress: 'never',
  });
  const rng = createRng(o.seed * 65_537 + 17);
  const trainSteps = (n: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const idx = Int32Array.from({ length: Math.min(o.batchSize, data.size) }, () => rng.int(data.size));
      const batch = data.batch(idx);
      try {
        sum += trainer.trainStep(batch).loss;
      } finally {
        batch.inputs.dispose();
        batch.targets.dispose();
      }
    }
    return n > 0 ? sum / n : NaN;
  };
  const score = (): number => controllerScore(envId, evaluateActor(envId, policyActor(policyFromNetwork(network, spec)), o.scoreEpisodes, 20_000 + 1000 * o.seed));

  const initialSteps = o.daggerRounds === 0 ? o.budget : Math.round(o.budget * o.initialShare);
  const perRound = o.daggerRounds === 0 ? 0 : Math.floor((o.budget - initialSteps) / o.daggerRounds);
  const rounds: RoundRecord[] = [];
  const record = (round: number, meanLoss: number): RoundRecord => {
    const r: RoundRecord = { round, steps: trainer.step, trajectories: data.trajectories, windows: data.size, meanLoss, score: score(), seconds: (performance.now() - t0) / 1000 };
    rounds.push(r);
    log(`round ${round}: ${r.steps} steps, ${r.windows} windows from ${r.trajectories} trajectories, loss ${meanLoss.toPrecision(4)}, score ${r.score.toFixed(2)} (${r.seconds.toFixed(1)} s)`);
    return r;
  };
  if (data.size === 0) throw new Error(`recipe: the teacher rollouts gave no ${o.window}-step window`);
  let best = record(0, trainSteps(initialSteps));
  let bestWeights: WeightEntry[] = network.getWeights();
  const save = (): void => {
    if (!hooks.outDir) return;
    const current = network.getWeights();
    network.setWeights(bestWeights);
    trainer.saveCheckpoint(hooks.outDir);
    network.setWeights(current);
    saveControllerSpec(hooks.outDir, { ...spec, training: trainingRecord(o, rounds, best, (performance.now() - t0) / 1000) });
  };
  save();
  let stale = 0;
  for (let r = 1; r <= o.daggerRounds && stale < o.patience; r++) {
    const policy = policyFromNetwork(network, spec);
    const { trajectories } = daggerRollouts(envId, policy, teacher, { episodes: o.daggerEpisodes, seed: 30_000 + 1000 * o.seed + 100 * r, maxSteps: rolloutSteps, beta: o.beta * 0.5 ** (r - 1), commandScale: o.commandScale, commandExponent: o.commandExponent });
    data.add(augment(trajectories));
    const rec = record(r, trainSteps(perRound));
    // ties go to the later round: it has seen more of its own mistakes (matters once the score saturates, e.g. cartpole at 500)
    if (rec.score >= best.score) {
      best = rec;
      bestWeights = network.getWeights();
      stale = 0;
      save();
    } else {
      stale++;
    }
  }
  network.setWeights(bestWeights);
  trainer.dispose();
  const seconds = (performance.now() - t0) / 1000;
  const finalSpec: ControllerSpec = { ...spec, training: trainingRecord(o, rounds, best, seconds) };
  if (hooks.outDir) saveControllerSpec(hooks.outDir, finalSpec);
  log(`best: round ${best.round}, score ${best.score.toFixed(2)}; ${seconds.toFixed(1)} s`);
  return { spec: finalSpec, network, rounds, best, seconds };
}

function trainingRecord(o: RecipeOptions, rounds: readonly RoundRecord[], best: RoundRecord, seconds: number): Record<string, unknown> {
  return { recipe: { ...o }, rounds: [...rounds], bestRound: best.round, seconds };
}

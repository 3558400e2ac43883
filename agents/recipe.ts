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
import { DEFAULT_WALKER_TEACHER, hasTeacher, makeTeacher, type Teacher } from './teachers/index.ts';
import { demoTrajectories, type DemoEpisode } from './demos.ts';
import { Sequential, type WeightEntry } from '../src/network/sequential.ts';
import { Trainer } from '../src/train/trainer.ts';
import { DEFAULT_MOTOR_LABELS, type MotorCode } from '../src/labels/motor.ts';
import { createRng, type Rng } from '../src/util/random.ts';
import { writeTrainingPlot } from './trainingPlot.ts';
import { saveControllerFolder, type ResumeState } from './controllerFolder.ts';
import { controllerFolderFiles, resumeLearner } from './resume.ts';
import {
  augmentObservation,
  CONTROLLER_FORMAT,
  CONTROLLER_VERSION,
  policyFromNetwork,
  saveControllerSpec,
  type ControllerSpec,
  type LabelKind,
} from './controller.ts';
import { WindowDataset, windowLoss } from './dataset.ts';
import {
  boxAction,
  daggerRollouts,
  episodeCondition,
  evaluateActor,
  policyActor,
  teacherRollouts,
  type BoxAction,
  type EpisodeOutcome,
  type Trajectory,
} from './rollout.ts';
import { parsePerturbation, perturbationSuite } from '../envs/index.ts';
import type { SpikingPolicy } from '../src/stream/events.ts';

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
  /** Step-to-step correlation of that noise (0 = white; see `TeacherRolloutOptions.noiseCorrelation`). */
  teacherNoiseCorrelation: number;
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
  /** Output neurons per side of each channel (src/labels/motor.ts `population`): P times finer commands. */
  motorPopulation: number;
  /**
   * Perturbation conditions (envs/perturb spec strings, 'none' = nominal) that teacher rollouts,
   * DAgger rollouts and the round scores cycle through, episode by episode: the teacher labels the
   * recovery states, the population ranges cover them, and the kept round is the most robust one.
   * Empty = nominal only.
   */
  trainPerturbations: string[];
  /**
   * Observation dimensions that also get a fine copy coded over the range of the nominal teacher
   * data, while the main code spans the perturbed data (coarse + fine); empty = none.
   */
  nominalFineDims: number[];
  /**
   * Per observation dimension, a half-width h (or null): the coarse population range is widened to
   * cover at least [−h, h], e.g. the cart-pole's failure bounds, so states that the teacher never
   * visits but a controller drifts into are still told apart instead of all clipping to the edge.
   */
  coverRange: Array<number | null>;
  /** Memory of both hidden layers (src/network config fields): recurrent weights, adaptive threshold, learned τ. */
  hiddenMemory?: HiddenMemory;
  /**
   * Neuron time constants of every layer (network-level `lif.tauMem`, `psp.tauSyn`, in SNN
   * sub-steps; absent = the src/neurons defaults, τm 5, τs 3). With the motor decoder's
   * `decoderTauSyn` they set the controller's response latency: each layer's filters delay a
   * change of the observation by a few sub-steps, and T sub-steps make one control step.
   */
  tauMem?: number;
  tauSyn?: number;
  /** The motor decoder's (and so the labels') PSP time constant τs in sub-steps (default 5, `DEFAULT_MOTOR_PSP`). */
  decoderTauSyn?: number;
  /**
   * The command a control step sends (`ControllerSpec.readout`): the decoder's mean over the
   * period, or its value at the period's last sub-step. The mean includes the first sub-steps,
   * in which the network still answers the previous observation, so it lags by about half a
   * control step more than 'last' (bench/notes/2026-12-02b-controllers.md).
   */
  readout: 'mean' | 'last';
}

/** The dense-layer config fields that give a hidden layer memory (issue 11). */
export interface HiddenMemory {
  recurrent?: boolean;
  adaptive?: { beta: number; tauAdapt: number };
  learnTau?: 'layer' | 'neuron';
}

/** The 'robust' evaluation suite's conditions (nominal + each perturbation at the env's chosen magnitude, envs/perturb/suites.ts): what the robust recipe trains under. */
function robustConditions(envId: string): string[] {
  return perturbationSuite('robust', envId).map((c) => c.perturb);
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
  teacherNoiseCorrelation: 0,
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
  motorPopulation: 1,
  trainPerturbations: [] as string[],
  nominalFineDims: [] as number[],
  coverRange: [] as Array<number | null>,
  readout: 'mean',
}) as Readonly<Omit<RecipeOptions, 'env'>>;

export const RECIPE_PRESETS: Readonly<Record<string, Partial<RecipeOptions>>> = Object.freeze({
  // robust recipe: teacher and DAgger episodes cycle through the nominal env and each perturbation of
  // the 'robust' suite (envs/perturb), one episode of each per DAgger round
  // cart-pole: pushes and noise a notch below the suite's (0.09 N·s, 0.2), where the teacher itself
  // starts to fail (96/100 under pushes) and its labels of unrecoverable states hurt: trained at
  // 0.08 / 0.1 the SNN keeps 48/100 under the suite's pushes, trained at the suite's 17/100
  // (bench/notes/2026-12-02-controllers.md)
  'CartPoleContinuous-v1': {
    scoreEpisodes: 4,
    teacherEpisodes: 20,
    daggerEpisodes: 5,
    trainPerturbations: ['none', 'pushes=0.08', 'noise=0.1', 'delay=3', 'mass=1.5'],
  },
  'Pendulum-v1': {
    hidden: [96, 96],
    budget: 3000,
    teacherEpisodes: 30,
    rolloutSteps: 200,
    daggerEpisodes: 10,
    scoreEpisodes: 4,
    trainPerturbations: robustConditions('Pendulum-v1'),
  },
  // the reacher's target is positional precision (< 5 cm): finer receptive fields, more targets seen
  // and fine copies (±10 cm) of the fingertip−target offset, where a wide code goes silent near the target;
  // a unit command = half the torque bound, so the small torques of the last centimetres are not
  // left to one or two spikes per period (7/100 → 45/100 within 5 cm), and the balanced push/pull
  // code keeps both motor neurons firing, so small commands are not a dead zone (36/100 → 55/100
  // with the current-bend teacher; bench/results/controllers.md)
  'Reacher-v1': {
    neuronsPerDim: 16,
    hidden: [96, 96],
    budget: 4000,
    teacherEpisodes: 100,
    rolloutSteps: 100,
    daggerEpisodes: 20,
    scoreEpisodes: 8,
    fineDims: [8, 9],
    fineRange: 0.1,
    commandScale: 0.5,
    motorCode: 'balanced',
    trainPerturbations: robustConditions('Reacher-v1'),
  },
  // the walker teacher is an open-loop CPG: its phase is time, so the SNN gets a clock at its frequency
  'Walker-v1': {
    neuronsPerDim: 6,
    hidden: [128, 128],
    budget: 3000,
    teacherEpisodes: 8,
    rolloutSteps: 600,
    daggerEpisodes: 4,
    scoreEpisodes: 2,
    clockHz: DEFAULT_WALKER_TEACHER.frequencyHz,
    trainPerturbations: robustConditions('Walker-v1'),
  },
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
  const vals = outcomes.map((o) =>
    envId === 'Walker-v1' ? Number(o.info.x ?? 0) : envId === 'Reacher-v1' ? -Number(o.info.distance ?? Infinity) : o.return,
  );
  return vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length);
}

/** Per-dimension population range: [q, 1−q] quantiles of the visited observations, widened by `margin`·span. */
export function observationRanges(
  trajectories: readonly Trajectory[],
  quantile: number,
  margin: number,
): { low: number[]; high: number[] } {
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
  (
    [
      'substeps',
      'window',
      'stride',
      'neuronsPerDim',
      'budget',
      'batchSize',
      'teacherEpisodes',
      'rolloutSteps',
      'daggerEpisodes',
      'patience',
      'scoreEpisodes',
      'motorPopulation',
    ] as const
  ).forEach(posInt);
  if (o.substeps < 10) throw new Error(`recipe: substeps must be >= 10 (T >= 10 sub-steps per control step), got ${o.substeps}`);
  if (!(Number.isInteger(o.daggerRounds) && o.daggerRounds >= 0))
    throw new Error(`recipe: daggerRounds must be an integer >= 0, got ${o.daggerRounds}`);
  if (!(Number.isInteger(o.warmup) && o.warmup >= 0 && o.warmup < o.window))
    throw new Error(`recipe: warmup must be an integer in 0..window−1, got ${o.warmup}`);
  if (!(o.initialShare > 0 && o.initialShare <= 1)) throw new Error(`recipe: initialShare must be in (0, 1], got ${o.initialShare}`);
  if (o.label !== 'spike-seq' && o.label !== 'rate')
    throw new Error(`recipe: label must be 'spike-seq' or 'rate', got '${String(o.label)}'`);
  if (o.readout !== 'mean' && o.readout !== 'last') throw new Error(`recipe: readout must be 'mean' or 'last', got '${String(o.readout)}'`);
  if (o.motorCode !== 'one-sided' && o.motorCode !== 'balanced')
    throw new Error(`recipe: motorCode must be 'one-sided' or 'balanced', got '${String(o.motorCode)}'`);
  for (const k of ['tauMem', 'tauSyn', 'decoderTauSyn'] as const) {
    const v = o[k];
    if (v !== undefined && !(Number.isFinite(v) && v >= 1))
      throw new Error(`recipe: ${k} must be a number >= 1 (sub-steps), got ${String(v)}`);
  }
  if (o.hidden.length !== 2 || !o.hidden.every((h) => Number.isInteger(h) && h >= 1))
    throw new Error(`recipe: hidden must be two positive layer sizes, got [${o.hidden.join(', ')}]`);
  return o;
}

/** Where a training run stands, for progress bars: `steps` of `totalSteps` optimiser steps are done. */
export interface RecipeProgress {
  phase: 'teacher rollouts' | 'training' | 'scoring' | 'dagger rollouts' | 'done';
  /** DAgger round (0 = the initial training on teacher data) and the most rounds there can be. */
  round: number;
  rounds: number;
  steps: number;
  totalSteps: number;
  /** Score of the best round so far (see `controllerScore`), once one is scored. */
  bestScore?: number;
}

export interface TrainControllerHooks {
  log?: (line: string) => void;
  /** Called at every phase change and every few optimiser steps. */
  progress?: (p: RecipeProgress) => void;
  /** Where to write the best controller (checkpoint + controller.json + training.svg) after each improving round. */
  outDir?: string;
  /**
   * Continue from a saved controller (`readResumeState`): its weights and optimiser state replace
   * the initial training, and its score is the bar the saved folder is only replaced above.
   */
  resume?: ResumeState;
  /**
   * Recorded episodes (agents/demos.ts) to clone instead of the teacher's rollouts; DAgger then
   * runs only when the env has a teacher (`hasTeacher`).
   */
  demos?: readonly DemoEpisode[];
}

/** Everything the recipe's steps share once the options are resolved against the env. */
interface RecipeContext {
  o: RecipeOptions;
  envId: string;
  box: BoxAction;
  channels: number;
  /** Undefined when training from demonstrations of an env without a teacher (no DAgger). */
  teacher: Teacher | undefined;
  demos: readonly DemoEpisode[] | undefined;
  rolloutSteps: number;
  /** Clock and fine-copy settings of the controller spec. */
  extra: Pick<ControllerSpec, 'clock' | 'fine'>;
  /** Appends the clock / fine features to each observation of the trajectories. */
  augment: (ts: Trajectory[]) => Trajectory[];
  log: (line: string) => void;
  progress: (p: Omit<RecipeProgress, 'rounds' | 'totalSteps'>) => void;
}

/** Step 1: probe the env, resolve and check the options, pick the teacher and the extra inputs. */
function prepareRecipe(opts: Pick<RecipeOptions, 'env'> & Partial<RecipeOptions>, hooks: TrainControllerHooks): RecipeContext {
  const probe = makeEnv(opts.env);
  const envId = probe.id;
  const box = boxAction(probe);
  const { maxEpisodeSteps, dtS } = probe.metadata;
  probe.close();
  const resolved = resolveRecipe(opts, envId);
  const teacher = hooks.demos && !hasTeacher(envId) ? undefined : makeTeacher(envId);
  const o = teacher ? resolved : { ...resolved, daggerRounds: 0 };
  if (!(o.clockHz >= 0)) throw new Error(`recipe: clockHz must be >= 0, got ${o.clockHz}`);
  if (!(o.commandScale > 0 && o.commandScale <= 1)) throw new Error(`recipe: commandScale must be in (0, 1], got ${o.commandScale}`);
  if (!(o.commandExponent > 0 && o.commandExponent <= 1))
    throw new Error(`recipe: commandExponent must be in (0, 1], got ${o.commandExponent}`);
  if (!(o.fineRange > 0)) throw new Error(`recipe: fineRange must be > 0, got ${o.fineRange}`);
  // trajectories start at an episode reset, so step s of a trajectory is the clock's step s
  const clock = o.clockHz > 0 ? { hz: o.clockHz, dtS } : undefined;
  for (const p of o.trainPerturbations) parsePerturbation(p); // a bad spec fails here, naming itself
  if (o.nominalFineDims.length > 0 && !o.trainPerturbations.includes('none') && o.trainPerturbations.length > 0)
    throw new Error(`recipe: nominalFineDims needs 'none' among trainPerturbations (the nominal data sets their range)`);
  const fineDims = [...o.fineDims, ...o.nominalFineDims];
  const fine = fineDims.length > 0 ? { dims: fineDims } : undefined;
  const extra = { ...(clock ? { clock } : {}), ...(fine ? { fine } : {}) };
  const augment = (ts: Trajectory[]): Trajectory[] =>
    clock || fine
      ? ts.map((t) => ({ commands: t.commands, observations: t.observations.map((x, s) => augmentObservation(extra, x, s)) }))
      : ts;
  const rounds = o.daggerRounds;
  const progress = (p: Omit<RecipeProgress, 'rounds' | 'totalSteps'>): void => hooks.progress?.({ ...p, rounds, totalSteps: o.budget });
  return {
    o,
    envId,
    box,
    channels: box.scale.length,
    teacher,
    demos: hooks.demos,
    rolloutSteps: Math.min(o.rolloutSteps, maxEpisodeSteps),
    extra,
    augment,
    log: hooks.log ?? (() => {}),
    progress,
  };
}

/** Step 2: noisy teacher rollouts (labels = clean teacher commands) under the training perturbations, or the demonstrations; augmented. */
function collectTeacherData(ctx: RecipeContext): Trajectory[] {
  const { o } = ctx;
  ctx.progress({ phase: 'teacher rollouts', round: 0, steps: 0 });
  if (ctx.demos) return ctx.augment(demoTrajectories(ctx.demos, ctx.box, o));
  if (!ctx.teacher) throw new Error(`recipe: ${ctx.envId} has no teacher; register one (registerTeacher) or pass demonstrations`);
  const rollouts = teacherRollouts(ctx.envId, ctx.teacher, {
    episodes: o.teacherEpisodes,
    seed: 10_000 + 1000 * o.seed,
    maxSteps: ctx.rolloutSteps,
    noise: o.teacherNoise,
    noiseCorrelation: o.teacherNoiseCorrelation,
    commandScale: o.commandScale,
    commandExponent: o.commandExponent,
    perturbations: o.trainPerturbations,
  });
  return ctx.augment(rollouts);
}

/**
 * Step 3: the controller spec: population ranges from the teacher data of all training conditions
 * (fine copies: fixed narrow ranges, or the nominal data's range), decoder, action scaling.
 */
function controllerSpecFor(ctx: RecipeContext, first: readonly Trajectory[]): ControllerSpec {
  const { o, box } = ctx;
  const ranges = observationRanges(first, o.rangeQuantile, o.rangeMargin);
  o.coverRange.forEach((h, d) => {
    if (h === null) return;
    if (!(h > 0) || d >= ranges.low.length)
      throw new Error(`recipe: coverRange[${d}] must be null or > 0 for an observation dimension, got ${h}`);
    ranges.low[d] = Math.min(ranges.low[d]!, -h);
    ranges.high[d] = Math.max(ranges.high[d]!, h);
  });
  const nominal =
    o.nominalFineDims.length > 0
      ? observationRanges(
          first.filter((_, e) => episodeCondition(o.trainPerturbations, e) === 'none'),
          o.rangeQuantile,
          o.rangeMargin,
        )
      : ranges;
  // the fine copies are the last dims, in the order of `fine.dims`: fineDims, then nominalFineDims
  const D = ranges.low.length - o.fineDims.length - o.nominalFineDims.length;
  o.fineDims.forEach((_, k) => {
    ranges.low[D + k] = -o.fineRange;
    ranges.high[D + k] = o.fineRange;
  });
  o.nominalFineDims.forEach((dim, k) => {
    ranges.low[D + o.fineDims.length + k] = nominal.low[dim]!;
    ranges.high[D + o.fineDims.length + k] = nominal.high[dim]!;
  });
  return {
    format: CONTROLLER_FORMAT,
    version: CONTROLLER_VERSION,
    env: ctx.envId,
    label: o.label,
    substeps: o.substeps,
    population: { ...ranges, neuronsPerDim: o.neuronsPerDim, width: 1, peak: 1 },
    decoder: {
      gain: DEFAULT_MOTOR_LABELS.gain,
      psp: { ...DEFAULT_MOTOR_LABELS.psp, ...(o.decoderTauSyn !== undefined ? { tauSyn: o.decoderTauSyn } : {}) },
      ...(o.motorPopulation > 1 ? { population: o.motorPopulation } : {}),
    },
    readout: o.readout,
    ...ctx.extra,
    ...(o.commandExponent !== 1 ? { commandExponent: o.commandExponent } : {}),
    actionScale: Array.from(box.scale, (x) => x * o.commandScale),
    actionLow: Array.from(box.low),
    actionHigh: Array.from(box.high),
  };
}

/** Step 4: the window dataset, the network (2 hidden dense LIF layers, push/pull output groups) and its trainer. */
function buildLearner(ctx: RecipeContext, spec: ControllerSpec): { data: WindowDataset; network: Sequential; trainer: Trainer } {
  const { o, channels: C } = ctx;
  const motor = {
    gain: spec.decoder.gain,
    psp: spec.decoder.psp,
    encoder: DEFAULT_MOTOR_LABELS.encoder,
    code: o.motorCode,
    population: o.motorPopulation,
  };
  const data = new WindowDataset(
    { label: o.label, substeps: o.substeps, window: o.window, stride: o.stride, population: spec.population, motor },
    C,
  );
  const network = Sequential.fromConfig({
    T: o.window * o.substeps,
    inputShape: [data.code.size],
    input: 'current',
    seed: o.seed,
    ...(o.tauMem !== undefined ? { lif: { tauMem: o.tauMem } } : {}),
    ...(o.tauSyn !== undefined ? { psp: { tauSyn: o.tauSyn } } : {}),
    layers: [
      { type: 'dense', name: 'hidden1', units: o.hidden[0], bias: true, ...o.hiddenMemory },
      { type: 'dense', name: 'hidden2', units: o.hidden[1], bias: true, ...o.hiddenMemory },
      { type: 'dense', name: 'motor', units: 2 * C * o.motorPopulation },
    ],
  });
  const trainer = new Trainer(network, {
    loss: windowLoss({
      label: o.label,
      substeps: o.substeps,
      window: o.window,
      warmup: o.warmup,
      psp: spec.decoder.psp,
      population: o.motorPopulation,
    }),
    optimizer: { kind: 'adam', lr: o.lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
    batchSize: o.batchSize,
    clipGradNorm: 5,
    seed: o.seed,
    progress: 'never',
  });
  return { data, network, trainer };
}

/** Step 5: n optimiser steps on random windows (seeded); returns the mean loss and reports progress. */
function optimiserSteps(ctx: RecipeContext, learner: ReturnType<typeof buildLearner>, rng: Rng, n: number, round: number): number {
  const { data, trainer } = learner;
  const every = Math.max(1, Math.round(ctx.o.budget / 200));
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const idx = Int32Array.from({ length: Math.min(ctx.o.batchSize, data.size) }, () => rng.int(data.size));
    const batch = data.batch(idx);
    try {
      sum += trainer.trainStep(batch).loss;
    } finally {
      batch.inputs.dispose();
      batch.targets.dispose();
    }
    if (trainer.step % every === 0) ctx.progress({ phase: 'training', round, steps: trainer.step });
  }
  return n > 0 ? sum / n : NaN;
}

/** The best weights so far, written to `outDir` (checkpoint, controller.json, training.svg) when it improves. */
class BestKeeper {
  best?: RoundRecord;
  private weights?: WeightEntry[];
  constructor(
    private readonly learner: ReturnType<typeof buildLearner>,
    private readonly spec: ControllerSpec,
    private readonly o: RecipeOptions,
    private readonly t0: number,
    /** All rounds so far (the record saved with each improvement). */
    private readonly rounds: readonly RoundRecord[],
    private readonly outDir?: string,
  ) {}
  /** Keeps the round if it is at least as good as the best (ties go to the later round: it has seen more of its own mistakes). */
  offer(rec: RoundRecord): boolean {
    if (this.best && rec.score < this.best.score) return false;
    this.best = rec;
    this.weights = this.learner.network.getWeights();
    if (this.outDir) {
      const { network, trainer } = this.learner;
      const spec: ControllerSpec = {
        ...this.spec,
        training: trainingRecord(this.o, this.rounds, rec, (performance.now() - this.t0) / 1000),
      };
      network.setWeights(this.weights);
      // checkpoint, controller.json and plot replace the previous best together (agents/controllerFolder.ts)
      saveControllerFolder(this.outDir, {
        writeCheckpoint: (dir, opts) => trainer.saveCheckpoint(dir, opts),
        spec,
        files: controllerFolderFiles(spec, this.rounds),
      });
    }
    return true;
  }
  /** Takes the network's current weights as the best so far without saving them (a resumed controller, already on disk). */
  adopt(rec: RoundRecord): void {
    this.best = rec;
    this.weights = this.learner.network.getWeights();
  }
  restore(): void {
    this.learner.network.setWeights(this.weights!);
  }
}

/** Step 6: DAgger rounds (the SNN drives, the teacher labels), each followed by training and a held-out score. */
function daggerRounds(
  ctx: RecipeContext,
  learner: ReturnType<typeof buildLearner>,
  spec: ControllerSpec,
  rng: Rng,
  keeper: BestKeeper,
  record: (round: number, loss: number) => RoundRecord,
): void {
  const { o, teacher } = ctx;
  if (!teacher) return;
  const perRound = o.daggerRounds === 0 ? 0 : Math.floor((o.budget - initialSteps(o)) / o.daggerRounds);
  let stale = 0;
  for (let r = 1; r <= o.daggerRounds && stale < o.patience; r++) {
    ctx.progress({ phase: 'dagger rollouts', round: r, steps: learner.trainer.step, bestScore: keeper.best?.score });
    const policy = policyFromNetwork(learner.network, spec);
    const { trajectories } = daggerRollouts(ctx.envId, policy, teacher, {
      episodes: o.daggerEpisodes,
      seed: 30_000 + 1000 * o.seed + 100 * r,
      maxSteps: ctx.rolloutSteps,
      beta: o.beta * 0.5 ** (r - 1),
      commandScale: o.commandScale,
      commandExponent: o.commandExponent,
      perturbations: o.trainPerturbations,
    });
    learner.data.add(ctx.augment(trajectories));
    stale = keeper.offer(record(r, optimiserSteps(ctx, learner, rng, perRound, r))) ? 0 : stale + 1;
  }
}

/** The held-out score of a round: `controllerScore` on seeds 20000+, averaged over the training conditions. */
function roundScore(ctx: RecipeContext, policy: SpikingPolicy): number {
  const { o, envId } = ctx;
  const conditions = o.trainPerturbations.length > 0 ? o.trainPerturbations : ['none'];
  const scores = conditions.map((p) =>
    controllerScore(
      envId,
      evaluateActor(envId, policyActor(policy), o.scoreEpisodes, 20_000 + 1000 * o.seed, p === 'none' ? undefined : p),
    ),
  );
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

function initialSteps(o: RecipeOptions): number {
  return o.daggerRounds === 0 ? o.budget : Math.round(o.budget * o.initialShare);
}

/** Runs the whole recipe (steps 1–6 above); the caller disposes `network`. */
export function trainController(
  opts: Pick<RecipeOptions, 'env'> & Partial<RecipeOptions>,
  hooks: TrainControllerHooks = {},
): TrainedController {
  const t0 = performance.now();
  const ctx = prepareRecipe(opts, hooks);
  const { o } = ctx;
  const first = collectTeacherData(ctx);
  const spec = controllerSpecFor(ctx, first);
  const learner = buildLearner(ctx, spec);
  learner.data.add(first);
  if (learner.data.size === 0) throw new Error(`recipe: the teacher rollouts gave no ${o.window}-step window`);
  const rounds: RoundRecord[] = [];
  const keeper = new BestKeeper(learner, spec, o, t0, rounds, hooks.outDir);
  if (hooks.resume) {
    const resumed = resumeLearner(learner, hooks.resume, ctx.log);
    rounds.push(resumed);
    keeper.adopt(resumed);
  }
  const rng = createRng(o.seed * 65_537 + 17);
  const record = (round: number, meanLoss: number): RoundRecord => {
    ctx.progress({ phase: 'scoring', round, steps: learner.trainer.step, bestScore: keeper.best?.score });
    const score = roundScore(ctx, policyFromNetwork(learner.network, spec));
    const r: RoundRecord = {
      round,
      steps: learner.trainer.step,
      trajectories: learner.data.trajectories,
      windows: learner.data.size,
      meanLoss,
      score,
      seconds: (performance.now() - t0) / 1000,
    };
    rounds.push(r);
    ctx.log(
      `round ${round}: ${r.steps} steps, ${r.windows} windows from ${r.trajectories} trajectories, loss ${meanLoss.toPrecision(4)}, score ${r.score.toFixed(2)} (${r.seconds.toFixed(1)} s)`,
    );
    return r;
  };
  keeper.offer(record(0, optimiserSteps(ctx, learner, rng, hooks.resume ? 0 : initialSteps(o), 0)));
  daggerRounds(ctx, learner, spec, rng, keeper, record);
  keeper.restore();
  learner.trainer.dispose();
  const seconds = (performance.now() - t0) / 1000;
  const best = keeper.best!;
  const finalSpec: ControllerSpec = { ...spec, training: trainingRecord(o, rounds, best, seconds) };
  if (hooks.outDir) {
    saveControllerSpec(hooks.outDir, finalSpec);
    writeTrainingPlot(hooks.outDir, finalSpec, rounds);
  }
  ctx.progress({ phase: 'done', round: best.round, steps: o.budget, bestScore: best.score });
  ctx.log(`best: round ${best.round}, score ${best.score.toFixed(2)}; ${seconds.toFixed(1)} s`);
  return { spec: finalSpec, network: learner.network, rounds, best, seconds };
}

function trainingRecord(o: RecipeOptions, rounds: readonly RoundRecord[], best: RoundRecord, seconds: number): Record<string, unknown> {
  return { recipe: { ...o }, rounds: [...rounds], bestRound: best.round, seconds };
}

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
import { hasTeacher, makeTeacher, scaledTeacher, type Teacher } from './teachers/index.ts';
import { demoTrajectories, type DemoEpisode } from './demos.ts';
import { Sequential, type WeightEntry } from '../src/network/sequential.ts';
import { Trainer } from '../src/train/trainer.ts';
import { DEFAULT_MOTOR_LABELS } from '../src/labels/motor.ts';
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
} from './controller.ts';
import { WindowDataset, windowLoss } from './dataset.ts';
import { featureDims } from './features.ts';
import { formatScore } from './report.ts';
import { resolveRecipe, scoreOf, type RecipeOptions } from './recipeConfig.ts';
import {
  boxAction,
  daggerRollouts,
  episodeCondition,
  evaluateActor,
  policyActor,
  teacherRollouts,
  type Actor,
  type BoxAction,
  type EpisodeOutcome,
  type Trajectory,
} from './rollout.ts';
import type { SpikingPolicy } from '../src/stream/events.ts';

export {
  DEFAULT_RECIPE,
  loadRecipeConfig,
  parseRecipeConfig,
  resolveRecipe,
  type HiddenMemory,
  type RecipeConfig,
  type RecipeOptions,
} from './recipeConfig.ts';

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
 * The number a round is judged by (higher is better): the mean over the episodes of the recipe's
 * `scoreMetric` (the built-in presets pick each env's target: mean return, the walker's forward
 * distance `info.x`, minus the reacher's final fingertip distance `-info.distance`), each episode
 * that ended by termination less `failurePenalty`.
 */
export function controllerScore(metric: string, outcomes: readonly EpisodeOutcome[], failurePenalty = 0): number {
  const vals = outcomes.map((o) => scoreOf(metric, o) - (o.terminated ? failurePenalty : 0));
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
  /** Derived-feature, clock and fine-copy settings of the controller spec. */
  extra: Pick<ControllerSpec, 'features' | 'clock' | 'fine'>;
  /** Appends the derived features, the clock and the fine copies to each observation of the trajectories. */
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
  // with demonstrations the teacher serves DAgger alone: without DAgger rounds (or a teacher) none is made
  const teacher =
    hooks.demos && (!hasTeacher(envId) || resolved.daggerRounds === 0)
      ? undefined
      : scaledTeacher(makeTeacher(envId, resolved.teacherOptions), resolved.teacherGain, box.low, box.high);
  const o = teacher ? resolved : { ...resolved, daggerRounds: 0 };
  // trajectories start at an episode reset, so step s of a trajectory is the clock's step s
  const clock = o.clockHz > 0 ? { hz: o.clockHz, dtS } : undefined;
  const fineDims = [...o.fineDims, ...o.nominalFineDims];
  const fine = fineDims.length > 0 ? { dims: fineDims } : undefined;
  try {
    featureDims(o.features); // unknown names fail here, before any rollout
  } catch (e) {
    throw new Error(`recipe: recipe.input.features: ${(e as Error).message}`, { cause: e });
  }
  const features = o.features.length > 0 ? [...o.features] : undefined;
  const extra = { ...(features ? { features } : {}), ...(clock ? { clock } : {}), ...(fine ? { fine } : {}) };
  const augment = (ts: Trajectory[]): Trajectory[] =>
    features || clock || fine
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

/** Step 4: the window dataset, the network (hidden dense LIF layers, push/pull output groups) and its trainer. */
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
    ...(o.lif ? { lif: o.lif } : {}),
    ...(o.psp ? { psp: o.psp } : {}),
    layers: [
      ...o.hidden.map((units, i) => ({ type: 'dense' as const, name: `hidden${i + 1}`, units, bias: true, ...o.hiddenMemory })),
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

/** The conditions held-out scores run under: the scoring conditions, else the training conditions, else nominal. */
export function scoreConditions(o: Pick<RecipeOptions, 'scorePerturbations' | 'trainPerturbations'>): string[] {
  if (o.scorePerturbations.length > 0) return [...o.scorePerturbations];
  return o.trainPerturbations.length > 0 ? [...o.trainPerturbations] : ['none'];
}

/**
 * `controllerScore` of an actor on `episodes` held-out episodes (seeds `firstSeed`…) under each of
 * `scoreConditions(o)`: per condition, and their mean (the number rounds and restarts are judged by).
 */
export function heldOutScore(
  envId: string,
  actor: Actor,
  o: Pick<RecipeOptions, 'scorePerturbations' | 'trainPerturbations' | 'scoreMetric' | 'scoreFailurePenalty'>,
  firstSeed: number,
  episodes: number,
): { score: number; conditions: Record<string, number> } {
  const conditions: Record<string, number> = {};
  for (const p of scoreConditions(o))
    conditions[p] = controllerScore(
      o.scoreMetric,
      evaluateActor(envId, actor, episodes, firstSeed, p === 'none' ? undefined : p),
      o.scoreFailurePenalty,
    );
  const vals = Object.values(conditions);
  return { score: vals.reduce((a, b) => a + b, 0) / vals.length, conditions };
}

/** The held-out score of a round: `heldOutScore` on seeds 20000 + 1000·seed. */
function roundScore(ctx: RecipeContext, policy: SpikingPolicy): number {
  return heldOutScore(ctx.envId, policyActor(policy), ctx.o, 20_000 + 1000 * ctx.o.seed, ctx.o.scoreEpisodes).score;
}

function initialSteps(o: RecipeOptions): number {
  return o.daggerRounds === 0 ? o.budget : Math.round(o.budget * o.initialShare);
}

/**
 * Runs the whole recipe (steps 1–6 above) once, from `seed`; the caller disposes `network`.
 * `restarts` is not applied here: `spikeloop train-controller` runs the restarts as separate
 * processes (cli/restartRuns.ts) and chooses among them (agents/restarts.ts).
 */
export function trainController(
  opts: Pick<RecipeOptions, 'env'> & Partial<RecipeOptions>,
  hooks: TrainControllerHooks = {},
): TrainedController {
  const t0 = performance.now();
  const ctx = prepareRecipe(opts, hooks);
  const { o } = ctx;
  if (o.restarts > 1)
    ctx.log(
      `recipe.restarts is ${o.restarts}: this call trains the run of seed ${o.seed} alone (spikeloop train-controller runs the restarts)`,
    );
  const first = collectTeacherData(ctx);
  // DAgger rollouts and round scores run the student as trained (`spec`); the saved controller sends
  // actionGain × its command over deploySubsteps sub-steps (`deployed`, see RecipeOptions)
  const spec = controllerSpecFor(ctx, first);
  const deployed: ControllerSpec = {
    ...spec,
    substeps: o.deploySubsteps ?? spec.substeps,
    actionScale: spec.actionScale.map((x) => x * o.actionGain),
  };
  const learner = buildLearner(ctx, spec);
  learner.data.add(first);
  if (learner.data.size === 0) throw new Error(`recipe: the teacher rollouts gave no ${o.window}-step window`);
  const rounds: RoundRecord[] = [];
  const keeper = new BestKeeper(learner, deployed, o, t0, rounds, hooks.outDir);
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
      `round ${round}: ${r.steps} steps, ${r.windows} windows from ${r.trajectories} trajectories, loss ${meanLoss.toPrecision(4)}, score ${formatScore(r.score)} (${r.seconds.toFixed(1)} s)`,
    );
    return r;
  };
  keeper.offer(record(0, optimiserSteps(ctx, learner, rng, hooks.resume ? 0 : initialSteps(o), 0)));
  daggerRounds(ctx, learner, spec, rng, keeper, record);
  keeper.restore();
  learner.trainer.dispose();
  const seconds = (performance.now() - t0) / 1000;
  const best = keeper.best!;
  const finalSpec: ControllerSpec = { ...deployed, training: trainingRecord(o, rounds, best, seconds) };
  if (hooks.outDir) {
    saveControllerSpec(hooks.outDir, finalSpec);
    writeTrainingPlot(hooks.outDir, finalSpec, rounds);
  }
  ctx.progress({ phase: 'done', round: best.round, steps: o.budget, bestScore: best.score });
  ctx.log(`best: round ${best.round}, score ${formatScore(best.score)}; ${seconds.toFixed(1)} s`);
  return { spec: finalSpec, network: learner.network, rounds, best, seconds };
}

function trainingRecord(o: RecipeOptions, rounds: readonly RoundRecord[], best: RoundRecord, seconds: number): Record<string, unknown> {
  return { recipe: { ...o }, rounds: [...rounds], bestRound: best.round, seconds };
}

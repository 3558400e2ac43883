/**
 * Episodes for the training recipe and for evaluation. A `Trajectory` is what imitation needs:
 * the observations visited and the teacher's command for each, normalised to [−1, 1] per channel
 * (command = teacher action / actionScale). Who drives differs:
 *
 *   teacher rollouts   the teacher drives; Gaussian noise (σ·actionScale) is added to the executed
 *                      action so that the data covers recoveries from small mistakes (DART-style),
 *                      while the label stays the clean teacher command
 *   DAgger rollouts    the SNN drives (with probability β per step the teacher does), the teacher
 *                      labels every visited state (Ross, Gordon & Bagnell, AISTATS 2011)
 *
 * Every episode is seeded (env reset seed, teacher seed, noise stream).
 */
import { makeEnv, type Env, type PerturbationSpec } from '../envs/index.ts';
import type { Teacher } from './teachers/index.ts';
import type { SpikingPolicy } from '../src/stream/events.ts';
import { createRng, type Rng } from '../src/util/random.ts';
import { compressCommand } from '../src/encoding/companding.ts';

export interface Trajectory {
  /** Observation at each step. */
  observations: Float64Array[];
  /** Teacher command at each step, in [−1, 1] per channel. */
  commands: Float64Array[];
}

/** Something that maps observations to env actions: teachers and wrapped spiking policies. */
export interface Actor {
  reset(seed?: number): void;
  act(observation: Float64Array): Float64Array;
}

export interface EpisodeOutcome {
  seed: number;
  return: number;
  steps: number;
  terminated: boolean;
  /** `info` of the last step (reacher: distance; walker: x, fallen). */
  info: Record<string, unknown>;
}

export interface BoxAction {
  low: Float64Array;
  high: Float64Array;
  /** Env action per unit command (largest |bound| per channel). */
  scale: Float64Array;
}

/** The env's Box action bounds and scale; errors for Discrete spaces (the SNN emits continuous commands). */
export function boxAction(env: Env): BoxAction {
  const s = env.actionSpace;
  if (s.kind !== 'box')
    throw new Error(
      `${env.id}: the action space is Discrete; spiking controllers need a Box action space (use CartPoleContinuous-v1, not the discrete variant)`,
    );
  const scale = new Float64Array(s.low.length);
  for (let c = 0; c < scale.length; c++) {
    const m = Math.max(Math.abs(s.low[c]!), Math.abs(s.high[c]!));
    if (!Number.isFinite(m) || m === 0)
      throw new Error(`${env.id}: action channel ${c} has bounds [${s.low[c]}, ${s.high[c]}]; a finite, non-zero bound is needed`);
    scale[c] = m;
  }
  return { low: Float64Array.from(s.low), high: Float64Array.from(s.high), scale };
}

const clip = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/**
 * Teacher action → label command: action / (bound·commandScale), clipped to [−1, 1], then
 * compressed as sign(c)·|c|^commandExponent (src/encoding/companding.ts; the
 * controller's policy expands the decoded command back).
 */
export function toCommand(
  action: ArrayLike<number>,
  box: Pick<BoxAction, 'scale'>,
  commandScale: number,
  commandExponent = 1,
): Float64Array {
  return Float64Array.from({ length: box.scale.length }, (_, c) =>
    compressCommand(clip(action[c]! / (box.scale[c]! * commandScale), -1, 1), commandExponent),
  );
}

/** A spiking policy as an `Actor` (its action is the decoded command times the action scale). */
export function policyActor(policy: SpikingPolicy): Actor {
  return { reset: () => policy.reset(), act: (o) => policy.step(o).action };
}

export interface RolloutOptions {
  episodes: number;
  /** Episode e uses env/teacher seed `seed + e`. */
  seed: number;
  /** Cap on steps per episode (the env's own limit applies too). */
  maxSteps: number;
  /** Env action that a unit command stands for, as a share of the action bound (labels = action / (bound·this), clipped). */
  commandScale: number;
  /** Labels are sign(c)·|c|^this (1 = linear); see `toCommand`. */
  commandExponent: number;
  /**
   * Perturbation conditions (envs/perturb spec strings, 'none' = nominal) cycled over the episodes:
   * episode e runs under `perturbations[e % length]`, seeded from its episode seed. Empty or absent:
   * all nominal. Under them the teacher labels the states that pushes, noise, delay and changed
   * bodies lead to, i.e. the recovery states a robust controller must know.
   */
  perturbations?: readonly string[];
}

/** The condition episode e of a rollout runs under. */
export function episodeCondition(perturbations: readonly string[] | undefined, e: number): string {
  return perturbations && perturbations.length > 0 ? perturbations[e % perturbations.length]! : 'none';
}

export interface TeacherRolloutOptions extends RolloutOptions {
  /** Std of the Gaussian noise added to the executed action, as a fraction of the action scale. */
  noise: number;
  /**
   * Step-to-step correlation ρ of that noise (an Ornstein–Uhlenbeck process, n_t = ρ·n_{t−1} +
   * √(1−ρ²)·σ·ε_t, same σ): 0 = white. White noise at the control rate averages out within a few
   * steps, so the teacher's states stay on its own narrow manifold (e.g. a tilted pole only right
   * after a push); correlated noise makes the sustained drifts that an imperfect student makes.
   */
  noiseCorrelation: number;
}

export const DEFAULT_TEACHER_ROLLOUTS: Readonly<TeacherRolloutOptions> = Object.freeze({
  episodes: 10,
  seed: 10_000,
  maxSteps: Infinity,
  noise: 0.2,
  noiseCorrelation: 0,
  commandScale: 1,
  commandExponent: 1,
});

/** Teacher-driven episodes with noise injection; labels are the clean teacher commands. */
export function teacherRollouts(envName: string, teacher: Teacher, opts: Partial<TeacherRolloutOptions> = {}): Trajectory[] {
  const o = { ...DEFAULT_TEACHER_ROLLOUTS, ...opts };
  if (!(o.noise >= 0)) throw new Error(`teacherRollouts: noise must be >= 0, got ${o.noise}`);
  const rho = o.noiseCorrelation;
  if (!(rho >= 0 && rho < 1)) throw new Error(`teacherRollouts: noiseCorrelation must be in [0, 1), got ${rho}`);
  return drive(envName, o, (box) => {
    const noise = actionNoise(box.scale.length, rho, createRng(o.seed ^ 0x5eed));
    return {
      reset: (seed) => {
        teacher.reset(seed);
        noise.reset();
      },
      step: (obs) => {
        const a = teacher.act(obs);
        const label = toCommand(a, box, o.commandScale, o.commandExponent);
        const n = noise.next();
        const exec = Float64Array.from(a, (x, c) => clip(x + o.noise * box.scale[c]! * n[c]!, box.low[c]!, box.high[c]!));
        return { label, exec };
      },
    };
  }).trajectories;
}

/**
 * Unit Gaussian action noise per channel: white (ρ = 0) or an Ornstein–Uhlenbeck process
 * n_t = ρ·n_{t−1} + √(1−ρ²)·ε_t whose episodes start from its stationary distribution (`reset`).
 * White noise draws nothing at `reset`, so its stream is one normal per channel and step.
 */
export function actionNoise(channels: number, rho: number, rng: Rng): { reset(): void; next(): Float64Array } {
  if (!(rho >= 0 && rho < 1)) throw new Error(`action noise: correlation must be in [0, 1), got ${rho}`);
  const n = new Float64Array(channels);
  const innovation = Math.sqrt(1 - rho * rho);
  return {
    reset() {
      if (rho > 0) for (let c = 0; c < channels; c++) n[c] = rng.normal();
    },
    next() {
      for (let c = 0; c < channels; c++) n[c] = rho === 0 ? rng.normal() : rho * n[c]! + innovation * rng.normal();
      return n;
    },
  };
}

export interface DaggerRolloutOptions extends RolloutOptions {
  /** Probability per step that the teacher's action is executed instead of the SNN's. */
  beta: number;
}

/** SNN-driven episodes labelled by the teacher; also returns each episode's return. */
export function daggerRollouts(
  envName: string,
  policy: SpikingPolicy,
  teacher: Teacher,
  opts: Partial<DaggerRolloutOptions> & Pick<DaggerRolloutOptions, 'seed'>,
): { trajectories: Trajectory[]; returns: number[] } {
  const o = { episodes: 5, maxSteps: Infinity, beta: 0, commandScale: 1, commandExponent: 1, ...opts };
  if (!(o.beta >= 0 && o.beta <= 1)) throw new Error(`daggerRollouts: beta must be in [0, 1], got ${o.beta}`);
  const rng = createRng(o.seed ^ 0xda66e7);
  return drive(envName, o, (box) => ({
    reset: (seed) => {
      teacher.reset(seed);
      policy.reset();
    },
    step: (obs) => {
      const snn = policy.step(obs).action;
      const ta = teacher.act(obs);
      const label = toCommand(ta, box, o.commandScale, o.commandExponent);
      const exec = Float64Array.from(rng.next() < o.beta ? ta : snn, (x, c) => clip(x, box.low[c]!, box.high[c]!));
      return { label, exec };
    },
  }));
}

interface Driver {
  reset(seed: number): void;
  step(observation: Float64Array): { label: Float64Array; exec: Float64Array };
}

function drive(
  envName: string,
  o: RolloutOptions,
  makeDriver: (box: BoxAction) => Driver,
): { trajectories: Trajectory[]; returns: number[] } {
  if (!(Number.isInteger(o.episodes) && o.episodes >= 1))
    throw new Error(`rollouts: episodes must be a positive integer, got ${o.episodes}`);
  if (!(o.commandScale > 0)) throw new Error(`rollouts: commandScale must be > 0, got ${o.commandScale}`);
  if (!(o.commandExponent > 0 && o.commandExponent <= 1))
    throw new Error(`rollouts: commandExponent must be in (0, 1], got ${o.commandExponent}`);
  const conditions = o.perturbations && o.perturbations.length > 0 ? o.perturbations : ['none'];
  const envs = conditions.map((p) => (p === 'none' ? makeEnv(envName) : makeEnv(envName, { perturb: p })));
  try {
    const box = boxAction(envs[0]!);
    const driver = makeDriver(box);
    const trajectories: Trajectory[] = [];
    const returns: number[] = [];
    for (let e = 0; e < o.episodes; e++) {
      const seed = o.seed + e;
      const env = envs[e % envs.length]!;
      driver.reset(seed);
      let obs = env.reset({ seed }).observation;
      const t: Trajectory = { observations: [], commands: [] };
      let ret = 0;
      for (let s = 0; s < o.maxSteps; s++) {
        const { label, exec } = driver.step(obs);
        t.observations.push(obs);
        t.commands.push(label);
        const r = env.step(exec);
        ret += r.reward;
        obs = r.observation;
        if (r.terminated || r.truncated) break;
      }
      trajectories.push(t);
      returns.push(ret);
    }
    return { trajectories, returns };
  } finally {
    envs.forEach((env) => env.close());
  }
}

/**
 * Seeded episodes `firstSeed..firstSeed+episodes−1` of any actor (teacher or SNN), to the env's own
 * limit, optionally under perturbations (envs/perturb: seeded from the episode seed, so two actors
 * evaluated with the same seeds meet the same pushes, noise and bodies). `onEpisode` hears of each
 * finished episode (e.g. a progress bar). The one episode loop of the project.
 */
export function evaluateActor(
  envName: string,
  actor: Actor,
  episodes: number,
  firstSeed = 0,
  perturb?: string | PerturbationSpec,
  onEpisode?: (outcome: EpisodeOutcome, done: number) => void,
): EpisodeOutcome[] {
  if (!(Number.isInteger(episodes) && episodes >= 1)) throw new Error(`evaluate: episodes must be a positive integer, got ${episodes}`);
  const env = perturb === undefined ? makeEnv(envName) : makeEnv(envName, { perturb });
  try {
    // a Box action is clipped to its bounds; a Discrete one (e.g. CartPole-v1's teacher) goes as given
    const box = env.actionSpace.kind === 'box' ? boxAction(env) : undefined;
    const out: EpisodeOutcome[] = [];
    for (let e = 0; e < episodes; e++) {
      const seed = firstSeed + e;
      actor.reset(seed);
      let obs = env.reset({ seed }).observation;
      let ret = 0;
      let steps = 0;
      for (;;) {
        const a = actor.act(obs);
        const r = env.step(box ? Float64Array.from(a, (x, c) => clip(x, box.low[c]!, box.high[c]!)) : a);
        ret += r.reward;
        steps++;
        obs = r.observation;
        if (r.terminated || r.truncated) {
          out.push({ seed, return: ret, steps, terminated: r.terminated, info: r.info });
          break;
        }
      }
      onEpisode?.(out[out.length - 1]!, e + 1);
    }
    return out;
  } finally {
    env.close();
  }
}

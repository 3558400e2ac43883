/**
 * Wiring for `spikeloop viz`: builds a `VizSimulation` from an env of the registry and a
 * controller. `src/viz` never sees `envs/` or `agents/`; this file joins them.
 *
 * Controllers: 'teacher' — the env's classical controller (agents/teachers) wrapped as a spike
 * source (src/viz/teacherSource.ts: population-coded observation + push/pull motor spikes);
 * 'keyboard' — a person drives the body with key pairs on the page (src/viz/manualSource.ts), for
 * any env, with or without a teacher; 'checkpoint' — a trained spiking controller folder
 * (agents/controller.ts): the real SNN runs event-driven at batch 1 and its spikes per layer and
 * decoded motor commands are streamed.
 *
 * With `record`, every step the session runs (whoever drives) is written as demonstrations
 * (agents/demoRecorder.ts); the menu then offers only the starting env, as a file holds one env.
 */
import { listAliases, listEnvs, makeEnv, resolveEnvId, type Env } from '../envs/index.ts';
import { hasTeacher, makeTeacher } from '../agents/teachers/index.ts';
import { closedLoopSimulation, type EnvLike } from '../src/viz/loop.ts';
import { teacherSpikeSource } from '../src/viz/teacherSource.ts';
import { manualSpikeSource } from '../src/viz/manualSource.ts';
import type { SimulationFactory, SpikeSource } from '../src/viz/types.ts';
import { createDemoRecorder, type DemoRecorder } from '../agents/demoRecorder.ts';
import type { SpikingPolicy } from '../src/stream/events.ts';
import { extraDims, loadPolicy, type ControllerSpec } from '../agents/controller.ts';

export interface VizSessionOptions {
  /** Spiking controller checkpoint folder (offered as controller 'checkpoint'). */
  checkpoint?: string;
  /** Receptive fields per observation dimension in the teacher's sensory layer. */
  neuronsPerDim: number;
  /** Demonstrations file (.jsonl or .csv) the session's steps are written to. */
  record?: string;
  /** The env the session starts with (with `record`, the only one offered). */
  env?: string;
}

export const DEFAULT_VIZ_SESSION: VizSessionOptions = { neuronsPerDim: 16 };

export interface VizSession {
  factory: SimulationFactory;
  envs: string[];
  controllers: string[];
  /** 'teacher' for an env that has one, else 'keyboard'. */
  defaultController(env: string): string;
  /** How the menu names an env (its first alias, else its id), so that an id given as `--env` is selected in it. */
  menuName(env: string): string;
  /** Ends the recording (if any): the file then holds every episode, the one in progress too. */
  close(): { file: string; episodes: number; steps: number } | undefined;
}

/**
 * Population-code range of an observation dimension: the space's bounds when finite, else
 * ±3 characteristic lengths (per second for rates) — wide enough for a controlled system.
 */
function codeRange(env: Env): { low: number[]; high: number[] } {
  const { low, high } = env.observationSpace;
  const fallback = 3 * env.metadata.lengthScaleM;
  return {
    low: Array.from(low, (x) => (Number.isFinite(x) ? x : -fallback)),
    high: Array.from(high, (x) => (Number.isFinite(x) ? x : fallback)),
  };
}

/** Clips a controller's action into a Box action space (the env rejects out-of-range actions). */
function clipper(env: Env): (a: ArrayLike<number>) => number[] {
  const s = env.actionSpace;
  if (s.kind !== 'box') return (a) => Array.from(a);
  return (a) => Array.from(a, (x, i) => Math.min(s.high[i]!, Math.max(s.low[i]!, x)));
}

/** Largest finite action magnitude: what the motor layer's full firing rate stands for. */
function actionScaleOf(env: Env): number {
  const s = env.actionSpace;
  if (s.kind === 'discrete') return Math.max(1, s.n - 1);
  let m = 0;
  for (const x of [...s.low, ...s.high]) if (Number.isFinite(x)) m = Math.max(m, Math.abs(x));
  return m > 0 ? m : 1;
}

/** Each step the env receives, with the observation it answers, goes to the recorder; a reset starts an episode. */
function recordingEnv(env: EnvLike, recorder: DemoRecorder): EnvLike {
  let observation: Float64Array = new Float64Array(0);
  return {
    metadata: env.metadata,
    reset(o) {
      const r = env.reset(o);
      recorder.begin();
      observation = r.observation;
      return r;
    },
    step(action) {
      recorder.record(observation, action);
      const r = env.step(action);
      observation = r.observation;
      return r;
    },
    snapshot: () => env.snapshot(),
    applyImpulse: env.applyImpulse?.bind(env),
    close: () => env.close(),
  };
}

/** For Discrete envs the controller's single output is the choice; the env (or `inner`, wrapping it) gets an integer. */
function asEnvLike(env: Env, inner: EnvLike = env): EnvLike {
  if (env.actionSpace.kind !== 'discrete') return inner;
  const n = env.actionSpace.n;
  return {
    metadata: inner.metadata,
    reset: (o) => inner.reset(o),
    step: (a) => inner.step(Math.min(n - 1, Math.max(0, Math.round(typeof a === 'number' ? a : a[0]!)))),
    snapshot: () => inner.snapshot(),
    applyImpulse: inner.applyImpulse?.bind(inner),
    close: () => inner.close(),
  };
}

/**
 * The keyboard's held command (each in [−1, 1]) as an action: for a Box dimension +1 is its upper
 * bound, −1 its lower and 0 is 0 when 0 lies inside (else the range's middle; an unbounded side
 * counts as 1); for a Discrete space −1…1 spans the choices 0…n−1.
 */
export function keyboardAction(env: Pick<Env, 'actionSpace'>): { names: string[]; toAction(held: readonly number[]): number[] } {
  const s = env.actionSpace;
  if (s.kind === 'discrete') return { names: ['choice'], toAction: (h) => [Math.round(((h[0]! + 1) / 2) * (s.n - 1))] };
  const bound = (x: number, sign: number): number => (Number.isFinite(x) ? x : sign);
  const map = (v: number, i: number): number => {
    const lo = bound(s.low[i]!, -1);
    const hi = bound(s.high[i]!, 1);
    if (lo <= 0 && hi >= 0) return v >= 0 ? v * hi : -v * lo;
    return lo + ((v + 1) / 2) * (hi - lo);
  };
  return { names: Array.from(s.low, (_, i) => `a${i}`), toAction: (h) => h.map(map) };
}

/** The env, wrapped for recording when the session records. */
function sessionEnv(env: Env, recorder: DemoRecorder | undefined): EnvLike {
  return asEnvLike(env, recorder ? recordingEnv(env, recorder) : env);
}

function teacherSimulation(envName: string, neuronsPerDim: number, recorder: DemoRecorder | undefined) {
  const env = makeEnv(envName);
  try {
    const teacher = makeTeacher(envName);
    const clip = clipper(env);
    const actionDims = env.actionSpace.kind === 'box' ? env.actionSpace.shape[0]! : 1;
    const source = teacherSpikeSource({
      act: (o) => clip(teacher.act(o)),
      resetController: (seed) => teacher.reset(seed),
      ...codeRange(env),
      actionDims,
      neuronsPerDim,
      actionScale: actionScaleOf(env),
    });
    return closedLoopSimulation({ env: sessionEnv(env, recorder), source, envName, controllerName: 'teacher', recording: recorder?.file });
  } catch (err) {
    env.close();
    throw err;
  }
}

function keyboardSimulation(envName: string, neuronsPerDim: number, recorder: DemoRecorder | undefined) {
  const env = makeEnv(envName);
  try {
    const keys = keyboardAction(env);
    const { source, manual } = manualSpikeSource({
      names: keys.names,
      toAction: keys.toAction,
      ...codeRange(env),
      neuronsPerDim,
      actionScale: actionScaleOf(env),
    });
    return closedLoopSimulation({
      env: sessionEnv(env, recorder),
      source,
      envName,
      controllerName: 'keyboard',
      manual,
      recording: recorder?.file,
    });
  } catch (err) {
    env.close();
    throw err;
  }
}

/**
 * A spiking policy as the page's spike source: one raster band per spiking layer (hidden layers
 * and the push/pull motor layer; the current-coded input does not spike), the decoded command per
 * channel as the motor trace. A neuron that fired several times in a tick is listed once.
 */
export function policySpikeSource(policy: SpikingPolicy, spec: ControllerSpec): SpikeSource {
  const sizes = policy.layerSizes;
  const names = sizes.map((_, l) => (l === 0 ? 'input' : l === sizes.length - 1 ? 'motor (push/pull)' : `hidden ${l}`));
  // the env's observation is the coded one minus the features the encoder appends itself
  const envDims = spec.population.low.length - extraDims(spec);
  const probe = policy.step(new Float64Array(envDims).map((_, d) => (spec.population.low[d]! + spec.population.high[d]!) / 2));
  const shown = probe.spikes.map((ev) => ev.layer);
  policy.reset();
  const scale = (c: number): number => spec.actionScale[spec.actionScale.length === 1 ? 0 : c]!;
  return {
    layers: shown.map((l) => ({ name: names[l]!, size: sizes[l]! })),
    motorNames: spec.actionLow.map((_, c) => `command ${c}`),
    reset: () => policy.reset(),
    step(observation) {
      const out = policy.step(observation);
      return {
        action: out.action,
        spikes: out.spikes.map((ev) => Uint32Array.from(new Set(ev.neurons))),
        motor: Float32Array.from(out.action, (a, c) => a / scale(c)),
      };
    },
  };
}

function checkpointSimulation(envName: string, dir: string, recorder: DemoRecorder | undefined) {
  const { spec, policy } = loadPolicy(dir);
  const env = makeEnv(envName);
  try {
    if (env.id !== spec.env) throw new Error(`checkpoint ${dir} drives ${spec.env}, not ${env.id}`);
    return closedLoopSimulation({
      env: sessionEnv(env, recorder),
      source: policySpikeSource(policy, spec),
      envName,
      controllerName: 'checkpoint',
      recording: recorder?.file,
    });
  } catch (err) {
    env.close();
    throw err;
  }
}

/** The factory the viz server calls, and the menu choices it offers (every registered env: the keyboard drives any). */
export function createVizFactory(options: Partial<VizSessionOptions> = {}): VizSession {
  const o = { ...DEFAULT_VIZ_SESSION, ...options };
  if (o.record !== undefined && o.env === undefined) throw new Error('createVizFactory: recording needs the env (options.env)');
  const recorder = o.record !== undefined ? createDemoRecorder(o.record) : undefined;
  // Short aliases read better in the page's menu; ids without an alias are listed as they are.
  const aliases = listAliases();
  const aliased = new Set(Object.values(aliases));
  const menuName = (env: string): string => {
    const id = resolveEnvId(env);
    return Object.keys(aliases).find((a) => aliases[a] === id) ?? id;
  };
  const envs = recorder ? [menuName(o.env!)] : [...Object.keys(aliases), ...listEnvs().filter((id) => !aliased.has(id))];
  const controllers = ['teacher', 'keyboard', ...(o.checkpoint ? ['checkpoint'] : [])];
  return {
    envs,
    controllers,
    defaultController: (env) => (hasTeacher(env) ? 'teacher' : 'keyboard'),
    menuName,
    factory: ({ env, controller }) => {
      if (recorder && resolveEnvId(env) !== resolveEnvId(o.env!))
        throw new Error(`this session records ${o.env} to ${recorder.file}; it cannot switch to ${env}`);
      if (controller === 'teacher') return teacherSimulation(env, o.neuronsPerDim, recorder);
      if (controller === 'keyboard') return keyboardSimulation(env, o.neuronsPerDim, recorder);
      if (controller === 'checkpoint' && o.checkpoint) return checkpointSimulation(env, o.checkpoint, recorder);
      throw new Error(`unknown controller '${controller}'; known: ${controllers.join(', ')}`);
    },
    close: () => (recorder ? { file: recorder.file, ...recorder.close() } : undefined),
  };
}

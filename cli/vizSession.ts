/**
 * Wiring for `spikeloop viz`: builds a `VizSimulation` from an env of the registry and a
 * controller. `src/viz` never sees `envs/` or `agents/`; this file joins them.
 *
 * Controllers: 'teacher' — the env's classical controller (agents/teachers) wrapped as a spike
 * source (src/viz/teacherSource.ts: population-coded observation + push/pull motor spikes);
 * 'checkpoint' — a trained spiking controller folder (agents/controller.ts): the real SNN runs
 * event-driven at batch 1 and its spikes per layer and decoded motor commands are streamed.
 */
import { listAliases, listEnvs, makeEnv, type Env } from '../envs/index.ts';
import { makeTeacher } from '../agents/teachers/index.ts';
import { closedLoopSimulation, type EnvLike } from '../src/viz/loop.ts';
import { teacherSpikeSource } from '../src/viz/teacherSource.ts';
import type { SimulationFactory, SpikeSource } from '../src/viz/types.ts';
import type { SpikingPolicy } from '../src/stream/events.ts';
import { extraDims, loadPolicy, type ControllerSpec } from '../agents/controller.ts';

export interface VizSessionOptions {
  /** Spiking controller checkpoint folder (offered as controller 'checkpoint'). */
  checkpoint?: string;
  /** Receptive fields per observation dimension in the teacher's sensory layer. */
  neuronsPerDim: number;
}

export const DEFAULT_VIZ_SESSION: VizSessionOptions = { neuronsPerDim: 16 };

export interface VizSession {
  factory: SimulationFactory;
  envs: string[];
  controllers: string[];
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

/** For Discrete envs the teacher's single output is the choice; the env gets an integer. */
function asEnvLike(env: Env): EnvLike {
  if (env.actionSpace.kind !== 'discrete') return env;
  const n = env.actionSpace.n;
  return {
    metadata: env.metadata,
    reset: (o) => env.reset(o),
    step: (a) => env.step(Math.min(n - 1, Math.max(0, Math.round(typeof a === 'number' ? a : a[0]!)))),
    snapshot: () => env.snapshot(),
    applyImpulse: env.applyImpulse?.bind(env),
    close: () => env.close(),
  };
}

function teacherSimulation(envName: string, neuronsPerDim: number) {
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
    return closedLoopSimulation({ env: asEnvLike(env), source, envName, controllerName: 'teacher' });
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

function checkpointSimulation(envName: string, dir: string) {
  const { spec, policy } = loadPolicy(dir);
  const env = makeEnv(envName);
  try {
    if (env.id !== spec.env) throw new Error(`checkpoint ${dir} drives ${spec.env}, not ${env.id}`);
    return closedLoopSimulation({ env, source: policySpikeSource(policy, spec), envName, controllerName: 'checkpoint' });
  } catch (err) {
    env.close();
    throw err;
  }
}

function hasTeacher(envName: string): boolean {
  try {
    makeTeacher(envName);
    return true;
  } catch {
    return false;
  }
}

/** The factory the viz server calls, and the menu choices it offers. */
export function createVizFactory(options: Partial<VizSessionOptions> = {}): VizSession {
  const o = { ...DEFAULT_VIZ_SESSION, ...options };
  // Short aliases read better in the page's menu; ids without an alias are listed as they are.
  const aliases = listAliases();
  const aliased = new Set(Object.values(aliases));
  const envs = [...Object.keys(aliases), ...listEnvs().filter((id) => !aliased.has(id))].filter(hasTeacher);
  const controllers = o.checkpoint ? ['teacher', 'checkpoint'] : ['teacher'];
  return {
    envs,
    controllers,
    factory: ({ env, controller }) => {
      if (controller === 'teacher') return teacherSimulation(env, o.neuronsPerDim);
      if (controller === 'checkpoint' && o.checkpoint) return checkpointSimulation(env, o.checkpoint);
      throw new Error(`unknown controller '${controller}'; known: ${controllers.join(', ')}`);
    },
  };
}

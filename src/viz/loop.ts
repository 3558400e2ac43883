/**
 * Closed loop for the visualizer: environment + spike source → `VizSimulation`.
 *
 *   obs[t] ──source.step──▶ {spikes[t], motor[t], action[t]} ──env.step──▶ obs[t+1], reward[t]
 *
 * `EnvLike` is the structural subset of `envs/core.ts`'s `Env` this needs, so `src/` stays free
 * of `envs/` imports. The episode is truncated at `metadata.maxEpisodeSteps` here when the env
 * itself does not apply a time limit.
 */
import type { LayerInfo, ManualControl, SpikeSource, VizSimulation, VizTick, VizWorld } from './types.ts';

export interface EnvLike {
  readonly metadata: { readonly controlHz: number; readonly maxEpisodeSteps: number };
  reset(opts?: { seed?: number }): { observation: Float64Array };
  step(action: ArrayLike<number> | number): {
    observation: Float64Array;
    reward: number;
    terminated: boolean;
    truncated: boolean;
  };
  snapshot(): VizWorld;
  applyImpulse?(bodyId: number, point: readonly [number, number], impulse: readonly [number, number]): void;
  close(): void;
}

export interface ClosedLoopOptions {
  env: EnvLike;
  source: SpikeSource;
  envName: string;
  controllerName: string;
  /** Seed of the first episode. */
  seed?: number;
  /** The keyboard's control, when a person drives the body (the source reads it). */
  manual?: ManualControl;
  /** Where the steps are recorded, shown on the page (the recording itself wraps `env`). */
  recording?: string;
}

/** Joins an environment and a spike source into a simulation the server can drive. */
export function closedLoopSimulation(opts: ClosedLoopOptions): VizSimulation {
  const { env, source } = opts;
  const layers: LayerInfo[] = source.layers.map((l) => {
    if (!Number.isInteger(l.size) || l.size <= 0) throw new Error(`closedLoopSimulation: layer '${l.name}' has invalid size ${l.size}`);
    return { name: l.name, size: l.size };
  });
  let observation: Float64Array = new Float64Array(0);
  let steps = 0;
  let motorCount = source.motorNames?.length;
  const reset = (seed: number): void => {
    observation = env.reset({ seed }).observation;
    source.reset?.(seed);
    steps = 0;
  };
  reset(opts.seed ?? 0);
  const probe = source.motorNames ? undefined : source.step(observation);
  if (probe) {
    motorCount = probe.motor.length;
    source.reset?.(opts.seed ?? 0);
  }
  const motorNames = source.motorNames ? [...source.motorNames] : Array.from({ length: motorCount ?? 0 }, (_, i) => `m${i}`);
  return {
    info: {
      env: opts.envName,
      controller: opts.controllerName,
      controlHz: env.metadata.controlHz,
      layers,
      motorNames,
      ...(opts.recording !== undefined ? { recording: opts.recording } : {}),
    },
    ...(opts.manual ? { manual: opts.manual } : {}),
    reset,
    step(): VizTick {
      const out = source.step(observation);
      if (out.spikes.length !== layers.length) {
        throw new Error(`spike source returned ${out.spikes.length} spike arrays for ${layers.length} layers`);
      }
      const action = out.action ?? Float64Array.from(out.motor);
      const r = env.step(action);
      observation = r.observation;
      steps++;
      return {
        spikes: out.spikes,
        motor: out.motor,
        reward: r.reward,
        terminated: r.terminated,
        truncated: r.truncated || (!r.terminated && steps >= env.metadata.maxEpisodeSteps),
      };
    },
    world: () => env.snapshot(),
    push(bodyId, point, impulse): boolean {
      if (!env.applyImpulse) return false;
      const body = env.snapshot().bodies.find((b) => b.id === bodyId);
      if (!body || body.isStatic) return false;
      env.applyImpulse(bodyId, point, impulse);
      return true;
    },
    close: () => env.close(),
  };
}

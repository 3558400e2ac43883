/**
 * RxJS closed loop (DESIGN §1):
 *
 *   observation ─▶ policy.step (encoder → SNN → decoder) ─▶ spikes$ (one SpikeTick per control step)
 *        ▲                                                        │
 *        └──── env.step ◀── action ◀── actuator operator ◀────────┘   (default: the policy's own action)
 *
 * `run$` is cold: subscribing drives the loop, unsubscribing cancels the scheduled work and the
 * actuator pipeline (the env keeps its state, so a later subscription resumes). The taps
 * (`observations$`, `spikes$`, `actions$`, `steps$`, `episodes$`) are hot views of private
 * Subjects: a visualizer or recorder subscribes to them without changing what the loop does.
 * `dispose()` completes the taps.
 *
 * Pacing: 'fast' runs `ticksPerChunk` ticks per scheduled task and reschedules with delay 0 (so
 * I/O such as a WebSocket still gets turns); 'realtime' runs tick n at start + n·dtS/speed on the
 * scheduler's clock, catching up at most `maxCatchUp` ticks per task and dropping the rest rather
 * than spiralling. The scheduler is injectable, so tests run on virtual time (TestScheduler).
 */
import {
  asyncScheduler,
  Observable,
  Subject,
  type OperatorFunction,
  type SchedulerAction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { SpikeTick, SpikingPolicy } from './events.ts';

/** The part of `envs/core.ts` `Env` the loop uses (structurally compatible; src never imports envs). */
export interface LoopEnv {
  readonly metadata: { readonly dtS: number };
  reset(opts?: { seed?: number }): { observation: Float64Array };
  step(action: ArrayLike<number> | number): { observation: Float64Array; reward: number; terminated: boolean; truncated: boolean };
}

export type LoopPace = { kind: 'fast'; ticksPerChunk?: number } | { kind: 'realtime'; speed?: number; maxCatchUp?: number };

export interface ClosedLoopOptions {
  env: LoopEnv;
  policy: SpikingPolicy;
  /** Spike ticks → actions; must emit exactly one action per tick, synchronously. Default: the policy's action. */
  actuator?: OperatorFunction<SpikeTick, ArrayLike<number>>;
  /** Maps the decoded command to what `env.step` takes (e.g. a sign to a discrete choice). */
  toEnvAction: (action: ArrayLike<number>) => ArrayLike<number> | number;
  pace: LoopPace;
  scheduler: SchedulerLike;
  /** Episode e is reset with seed + e. */
  seed: number;
  /** The run completes after this many episodes. */
  episodes: number;
  /** Truncates an episode after this many steps (in addition to the env's own truncation). */
  maxEpisodeSteps: number;
}

export const DEFAULT_CLOSED_LOOP = Object.freeze({
  toEnvAction: (a: ArrayLike<number>) => a,
  pace: Object.freeze({ kind: 'fast', ticksPerChunk: 128 }) as LoopPace,
  scheduler: asyncScheduler as SchedulerLike,
  seed: 0,
  episodes: Infinity,
  maxEpisodeSteps: Infinity,
});

export interface ObservationEvent {
  readonly tick: number;
  readonly episode: number;
  readonly observation: Float64Array;
  /** True for the first observation of an episode (after `reset`). */
  readonly reset: boolean;
}

export interface ActionEvent {
  readonly tick: number;
  readonly action: ArrayLike<number>;
}

export interface LoopStep {
  readonly tick: number;
  readonly episode: number;
  /** Step index within the episode, from 0. */
  readonly step: number;
  readonly action: ArrayLike<number>;
  /** Observation after the step. */
  readonly observation: Float64Array;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
}

export interface EpisodeSummary {
  readonly episode: number;
  readonly steps: number;
  readonly return: number;
  readonly terminated: boolean;
}

export interface ClosedLoop {
  readonly run$: Observable<LoopStep>;
  readonly observations$: Observable<ObservationEvent>;
  readonly spikes$: Observable<SpikeTick>;
  readonly actions$: Observable<ActionEvent>;
  readonly steps$: Observable<LoopStep>;
  readonly episodes$: Observable<EpisodeSummary>;
  /** Completes the taps; the loop cannot run afterwards. */
  dispose(): void;
}

export function createClosedLoop(opts: Pick<ClosedLoopOptions, 'env' | 'policy'> & Partial<ClosedLoopOptions>): ClosedLoop {
  const o: ClosedLoopOptions = { ...DEFAULT_CLOSED_LOOP, ...opts };
  const { env, policy, scheduler } = o;
  if (!(env.metadata.dtS > 0)) throw new Error(`closed loop: env.metadata.dtS must be > 0, got ${env.metadata.dtS}`);
  if (o.pace.kind === 'realtime' && !((o.pace.speed ?? 1) > 0))
    throw new Error(`closed loop: realtime speed must be > 0, got ${o.pace.speed}`);
  if (o.pace.kind === 'fast' && !((o.pace.ticksPerChunk ?? 128) >= 1))
    throw new Error(`closed loop: ticksPerChunk must be >= 1, got ${o.pace.ticksPerChunk}`);
  if (!(o.episodes >= 1)) throw new Error(`closed loop: episodes must be >= 1, got ${o.episodes}`);

  const observations = new Subject<ObservationEvent>();
  const spikes = new Subject<SpikeTick>();
  const actions = new Subject<ActionEvent>();
  const steps = new Subject<LoopStep>();
  const episodes = new Subject<EpisodeSummary>();

  // Loop state survives unsubscription so that a new subscription resumes where it stopped.
  let tick = 0;
  let episode = 0;
  let stepInEpisode = 0;
  let episodeReturn = 0;
  let observation: Float64Array | undefined;
  let running = false;
  let disposed = false;

  const startEpisode = (): Float64Array => {
    policy.reset();
    const r = env.reset({ seed: o.seed + episode });
    stepInEpisode = 0;
    episodeReturn = 0;
    observations.next({ tick, episode, observation: r.observation, reset: true });
    return r.observation;
  };

  const run$ = new Observable<LoopStep>((subscriber) => {
    if (disposed) {
      subscriber.error(new Error('closed loop: disposed'));
      return undefined;
    }
    if (running) {
      subscriber.error(new Error('closed loop: already running; unsubscribe the other run first'));
      return undefined;
    }
    if (episode >= o.episodes) {
      subscriber.complete();
      return undefined;
    }
    running = true;
    const ticks = new Subject<SpikeTick>();
    let pending: ArrayLike<number> | undefined;
    let actSub: Subscription | undefined;
    if (o.actuator) {
      actSub = ticks.pipe(o.actuator).subscribe({
        next: (a) => {
          pending = a;
        },
        error: (e: unknown) => subscriber.error(e),
      });
    }

    /** One control step; returns false when the run is over. */
    const doTick = (): boolean => {
      const obs = observation ?? startEpisode();
      const out = policy.step(obs);
      const spikeTick: SpikeTick = { tick, t0: tick * policy.substeps, episode, layers: out.spikes };
      spikes.next(spikeTick);
      let action: ArrayLike<number> = out.action;
      if (o.actuator) {
        pending = undefined;
        ticks.next(spikeTick);
        if (pending === undefined)
          throw new Error(`closed loop: the actuator emitted no action for tick ${tick}; it must emit one per tick, synchronously`);
        action = pending;
      }
      actions.next({ tick, action });
      const r = env.step(o.toEnvAction(action));
      episodeReturn += r.reward;
      const truncated = r.truncated || stepInEpisode + 1 >= o.maxEpisodeSteps;
      const step: LoopStep = {
        tick,
        episode,
        step: stepInEpisode,
        action,
        observation: r.observation,
        reward: r.reward,
        terminated: r.terminated,
        truncated,
      };
      observations.next({ tick: tick + 1, episode, observation: r.observation, reset: false });
      steps.next(step);
      subscriber.next(step);
      tick++;
      stepInEpisode++;
      observation = r.observation;
      if (r.terminated || truncated) {
        episodes.next({ episode, steps: stepInEpisode, return: episodeReturn, terminated: r.terminated });
        episode++;
        observation = undefined;
        if (episode >= o.episodes) {
          subscriber.complete();
          return false;
        }
      }
      return true;
    };

    const guarded = (n: number): boolean => {
      try {
        for (let i = 0; i < n; i++) if (subscriber.closed || !doTick()) return false;
        return !subscriber.closed;
      } catch (e) {
        subscriber.error(e);
        return false;
      }
    };

    let task: Subscription;
    if (o.pace.kind === 'fast') {
      const chunk = o.pace.ticksPerChunk ?? 128;
      task = scheduler.schedule(function (this: SchedulerAction<undefined>) {
        if (guarded(chunk)) this.schedule(undefined, 0);
      });
    } else {
      const periodMs = (env.metadata.dtS * 1000) / (o.pace.speed ?? 1);
      const maxCatchUp = o.pace.maxCatchUp ?? 5;
      let start = scheduler.now();
      let done = 0;
      task = scheduler.schedule(function (this: SchedulerAction<undefined>) {
        const due = Math.floor((scheduler.now() - start) / periodMs + 1e-9) + 1;
        let n = due - done;
        if (n > maxCatchUp) {
          // Too far behind (slow machine, paused debugger): drop the backlog instead of bursting.
          start += (n - maxCatchUp) * periodMs;
          n = maxCatchUp;
        }
        if (!guarded(n)) return;
        done += n;
        this.schedule(undefined, Math.max(0, start + done * periodMs - scheduler.now()));
      });
    }
    return () => {
      task.unsubscribe();
      actSub?.unsubscribe();
      ticks.complete();
      running = false;
    };
  });

  return {
    run$,
    observations$: observations.asObservable(),
    spikes$: spikes.asObservable(),
    actions$: actions.asObservable(),
    steps$: steps.asObservable(),
    episodes$: episodes.asObservable(),
    dispose() {
      disposed = true;
      for (const s of [observations, spikes, actions, steps, episodes] as Subject<unknown>[]) s.complete();
    },
  };
}

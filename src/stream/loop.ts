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
  type Subscriber,
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

/**
 * Builds the closed loop: validates the options, opens the taps, and returns a cold `run$` whose
 * subscription connects the actuator, schedules control steps at the chosen pace, and whose
 * teardown cancels both. The steps below are the recipe; each does one job.
 */
export function createClosedLoop(opts: Pick<ClosedLoopOptions, 'env' | 'policy'> & Partial<ClosedLoopOptions>): ClosedLoop {
  const o: ClosedLoopOptions = { ...DEFAULT_CLOSED_LOOP, ...opts };
  validateClosedLoop(o);
  const taps = openTaps();
  // Loop state survives unsubscription so that a new subscription resumes where it stopped.
  const state: LoopState = {
    tick: 0,
    episode: 0,
    stepInEpisode: 0,
    episodeReturn: 0,
    observation: undefined,
    running: false,
    disposed: false,
  };

  const run$ = new Observable<LoopStep>((subscriber) => {
    if (!admitRun(state, o, subscriber)) return undefined;
    state.running = true;
    const actuator = o.actuator && connectActuator(o.actuator, (e) => subscriber.error(e));
    const run: LoopRun = { o, state, taps, actuator, subscriber };
    const task = schedulePace(o, (n) => runTicks(run, n));
    return () => {
      task.unsubscribe();
      actuator?.close();
      state.running = false;
    };
  });

  return {
    run$,
    observations$: taps.observations.asObservable(),
    spikes$: taps.spikes.asObservable(),
    actions$: taps.actions.asObservable(),
    steps$: taps.steps.asObservable(),
    episodes$: taps.episodes.asObservable(),
    dispose() {
      state.disposed = true;
      for (const s of Object.values(taps) as Subject<unknown>[]) s.complete();
    },
  };
}

/** The private Subjects behind the public taps. */
interface Taps {
  readonly observations: Subject<ObservationEvent>;
  readonly spikes: Subject<SpikeTick>;
  readonly actions: Subject<ActionEvent>;
  readonly steps: Subject<LoopStep>;
  readonly episodes: Subject<EpisodeSummary>;
}

/** Where the loop stands; shared by every subscription of one loop. */
interface LoopState {
  tick: number;
  episode: number;
  stepInEpisode: number;
  episodeReturn: number;
  /** The observation the next tick acts on; undefined when the next tick starts an episode. */
  observation: Float64Array | undefined;
  running: boolean;
  disposed: boolean;
}

/** Turns spike ticks into actions through the user's actuator operator, one per tick. */
interface ActuatorBridge {
  actionFor(spikeTick: SpikeTick): ArrayLike<number>;
  close(): void;
}

/** What one subscription of `run$` works with. */
interface LoopRun {
  readonly o: ClosedLoopOptions;
  readonly state: LoopState;
  readonly taps: Taps;
  readonly actuator: ActuatorBridge | undefined;
  readonly subscriber: Subscriber<LoopStep>;
}

function validateClosedLoop(o: ClosedLoopOptions): void {
  if (!(o.env.metadata.dtS > 0)) throw new Error(`closed loop: env.metadata.dtS must be > 0, got ${o.env.metadata.dtS}`);
  if (o.pace.kind === 'realtime' && !((o.pace.speed ?? 1) > 0))
    throw new Error(`closed loop: realtime speed must be > 0, got ${o.pace.speed}`);
  if (o.pace.kind === 'fast' && !((o.pace.ticksPerChunk ?? 128) >= 1))
    throw new Error(`closed loop: ticksPerChunk must be >= 1, got ${o.pace.ticksPerChunk}`);
  if (!(o.episodes >= 1)) throw new Error(`closed loop: episodes must be >= 1, got ${o.episodes}`);
}

function openTaps(): Taps {
  return {
    observations: new Subject<ObservationEvent>(),
    spikes: new Subject<SpikeTick>(),
    actions: new Subject<ActionEvent>(),
    steps: new Subject<LoopStep>(),
    episodes: new Subject<EpisodeSummary>(),
  };
}

/** Refuses a run of a disposed or busy loop (error) and ends one whose episodes are all done (complete). */
function admitRun(state: LoopState, o: ClosedLoopOptions, subscriber: Subscriber<LoopStep>): boolean {
  if (state.disposed) {
    subscriber.error(new Error('closed loop: disposed'));
    return false;
  }
  if (state.running) {
    subscriber.error(new Error('closed loop: already running; unsubscribe the other run first'));
    return false;
  }
  if (state.episode >= o.episodes) {
    subscriber.complete();
    return false;
  }
  return true;
}

function connectActuator(actuator: OperatorFunction<SpikeTick, ArrayLike<number>>, onError: (e: unknown) => void): ActuatorBridge {
  const ticks = new Subject<SpikeTick>();
  let pending: ArrayLike<number> | undefined;
  const sub = ticks.pipe(actuator).subscribe({
    next: (a) => {
      pending = a;
    },
    error: onError,
  });
  return {
    actionFor(spikeTick) {
      pending = undefined;
      ticks.next(spikeTick);
      if (pending === undefined)
        throw new Error(`closed loop: the actuator emitted no action for tick ${spikeTick.tick}; it must emit one per tick, synchronously`);
      return pending;
    },
    close() {
      sub.unsubscribe();
      ticks.complete();
    },
  };
}

/** Runs up to n control steps; returns false when the run is over (completed, errored or unsubscribed). */
function runTicks(run: LoopRun, n: number): boolean {
  const { subscriber } = run;
  try {
    for (let i = 0; i < n; i++) if (subscriber.closed || !controlStep(run)) return false;
    return !subscriber.closed;
  } catch (e) {
    subscriber.error(e);
    return false;
  }
}

/** One control step: observe, spike, act, step the env; returns false when the run is over. */
function controlStep(run: LoopRun): boolean {
  const { state } = run;
  const observation = state.observation ?? startEpisode(run);
  const action = decide(run, observation);
  const step = stepEnv(run, action);
  run.subscriber.next(step);
  state.tick++;
  state.stepInEpisode++;
  state.observation = step.observation;
  return step.terminated || step.truncated ? endEpisode(run, step.terminated) : true;
}

function startEpisode({ o, state, taps }: LoopRun): Float64Array {
  o.policy.reset();
  const r = o.env.reset({ seed: o.seed + state.episode });
  state.stepInEpisode = 0;
  state.episodeReturn = 0;
  taps.observations.next({ tick: state.tick, episode: state.episode, observation: r.observation, reset: true });
  return r.observation;
}

/** The policy's spikes for this observation, then the action: the actuator's if there is one, else the policy's. */
function decide({ o, state, taps, actuator }: LoopRun, observation: Float64Array): ArrayLike<number> {
  const out = o.policy.step(observation);
  const spikeTick: SpikeTick = { tick: state.tick, t0: state.tick * o.policy.substeps, episode: state.episode, layers: out.spikes };
  taps.spikes.next(spikeTick);
  const action = actuator ? actuator.actionFor(spikeTick) : out.action;
  taps.actions.next({ tick: state.tick, action });
  return action;
}

/** Steps the env with the action and reports the step on the taps; truncates at `maxEpisodeSteps`. */
function stepEnv({ o, state, taps }: LoopRun, action: ArrayLike<number>): LoopStep {
  const r = o.env.step(o.toEnvAction(action));
  state.episodeReturn += r.reward;
  const step: LoopStep = {
    tick: state.tick,
    episode: state.episode,
    step: state.stepInEpisode,
    action,
    observation: r.observation,
    reward: r.reward,
    terminated: r.terminated,
    truncated: r.truncated || state.stepInEpisode + 1 >= o.maxEpisodeSteps,
  };
  taps.observations.next({ tick: state.tick + 1, episode: state.episode, observation: r.observation, reset: false });
  taps.steps.next(step);
  return step;
}

/** Reports the finished episode; completes the run after the last one (returns false then). */
function endEpisode({ o, state, taps, subscriber }: LoopRun, terminated: boolean): boolean {
  taps.episodes.next({ episode: state.episode, steps: state.stepInEpisode, return: state.episodeReturn, terminated });
  state.episode++;
  state.observation = undefined;
  if (state.episode < o.episodes) return true;
  subscriber.complete();
  return false;
}

/** Schedules `runTicks` on the scheduler at the loop's pace; unsubscribing the result cancels it. */
function schedulePace(o: ClosedLoopOptions, runTicks: (n: number) => boolean): Subscription {
  return o.pace.kind === 'fast'
    ? scheduleFast(o.scheduler, o.pace.ticksPerChunk ?? 128, runTicks)
    : scheduleRealtime(o.scheduler, (o.env.metadata.dtS * 1000) / (o.pace.speed ?? 1), o.pace.maxCatchUp ?? 5, runTicks);
}

/** `chunk` ticks per task, rescheduled with delay 0 so that I/O still gets turns. */
function scheduleFast(scheduler: SchedulerLike, chunk: number, runTicks: (n: number) => boolean): Subscription {
  return scheduler.schedule(function (this: SchedulerAction<undefined>) {
    if (runTicks(chunk)) this.schedule(undefined, 0);
  });
}

/** Tick n at start + n·periodMs on the scheduler's clock, catching up at most `maxCatchUp` ticks per task. */
function scheduleRealtime(scheduler: SchedulerLike, periodMs: number, maxCatchUp: number, runTicks: (n: number) => boolean): Subscription {
  let start = scheduler.now();
  let done = 0;
  return scheduler.schedule(function (this: SchedulerAction<undefined>) {
    const due = Math.floor((scheduler.now() - start) / periodMs + 1e-9) + 1;
    let n = due - done;
    if (n > maxCatchUp) {
      // Too far behind (slow machine, paused debugger): drop the backlog instead of bursting.
      start += (n - maxCatchUp) * periodMs;
      n = maxCatchUp;
    }
    if (!runTicks(n)) return;
    done += n;
    this.schedule(undefined, Math.max(0, start + done * periodMs - scheduler.now()));
  });
}

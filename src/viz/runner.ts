/**
 * Drives a `VizSimulation` against the wall clock: tick k is due at
 * `anchor + (k − k0) / (controlHz · speed)` seconds. When the machine falls behind by more than
 * `maxCatchUpTicks` the clock is re-anchored (simulated time slows down rather than bursting),
 * and the measured real-time factor (`rtf`, simulated s per wall s ÷ speed) shows it.
 * Episodes end on terminated/truncated and restart with the next seed of a seeded generator.
 *
 * Commands must not disturb the clock: a speed change keeps the phase of the next tick (re-anchoring
 * would throw away the partial tick, so a client sending `speed` every 34 ms would cap a 50 Hz loop
 * at 29 Hz), a reset does not touch the clock at all, and the RTF is measured over a sliding window of
 * running wall time that no command restarts (it used to freeze while commands kept arriving).
 */
import { createRng, type Rng } from '../util/random.ts';
import type { VizSimulation, VizTick } from './types.ts';

export interface RunnerOptions {
  /** Simulated seconds per wall second. */
  speed: number;
  /** Seed of the generator that hands out episode seeds. */
  seed: number;
  /** Most ticks run in one wake before the clock is re-anchored. */
  maxCatchUpTicks: number;
  /** Running wall time the reported RTF averages over, ms. */
  rtfWindowMs: number;
}

export const DEFAULT_RUNNER: RunnerOptions = Object.freeze({ speed: 1, seed: 1, maxCatchUpTicks: 8, rtfWindowMs: 2000 });

/** Below this much running wall time in the window the RTF keeps its last value. */
const MIN_RTF_WINDOW_MS = 250;

/** One point of the RTF window: running wall time and the wall time the ticks run so far were due to take. */
interface RtfSample {
  activeMs: number;
  dueMs: number;
}

export interface TickMeta {
  tick: number;
  episode: number;
  simTimeS: number;
  computedAtMs: number;
}

export interface EpisodeSummary {
  episode: number;
  steps: number;
  return: number;
  terminated: boolean;
  truncated: boolean;
}

export interface RunnerHooks {
  onTick(tick: VizTick, meta: TickMeta): void;
  onEpisode(summary: EpisodeSummary): void;
  /** Called after each batch of ticks (the server sends snapshots from here). */
  onWake(nowMs: number): void;
  onError(err: unknown): void;
}

export class RealtimeRunner {
  private sim: VizSimulation;
  private readonly hooks: RunnerHooks;
  private readonly opts: RunnerOptions;
  private readonly seeds: Rng;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private anchorMs = 0;
  private anchorTick = 0;
  /** Wall ms spent running (not paused) before the current running stretch. */
  private activeMsBefore = 0;
  /** Start of the current running stretch, or undefined while stopped or paused. */
  private activeSinceMs: number | undefined;
  /** Σ over clock-driven ticks of 1000 / (controlHz · speed): what they were due to take, ms. */
  private dueMs = 0;
  private rtfSamples: RtfSample[] = [];
  private lastRtf = 1;
  speed: number;
  paused = false;
  tick = 0;
  episode = 0;
  seed = 0;
  stepsInEpisode = 0;
  episodeReturn = 0;

  constructor(sim: VizSimulation, hooks: RunnerHooks, opts: Partial<RunnerOptions> = {}) {
    this.opts = { ...DEFAULT_RUNNER, ...opts };
    if (!(this.opts.speed > 0)) throw new Error(`RealtimeRunner: speed must be > 0, got ${this.opts.speed}`);
    this.sim = sim;
    this.hooks = hooks;
    this.speed = this.opts.speed;
    this.seeds = createRng(this.opts.seed);
    this.newEpisode();
  }

  get simulation(): VizSimulation {
    return this.sim;
  }

  /** Simulated time in the current episode, s. */
  get simTimeS(): number {
    return this.stepsInEpisode / this.sim.info.controlHz;
  }

  /**
   * Real-time factor over the last `rtfWindowMs` of running wall time (1 = keeping up with the
   * requested speed): the wall time the ticks were due to take ÷ the wall time that passed.
   */
  get rtf(): number {
    if (this.activeSinceMs === undefined) return this.lastRtf;
    const now = this.sample();
    const base = this.rtfSamples[0] ?? now;
    const spanMs = now.activeMs - base.activeMs;
    if (spanMs < MIN_RTF_WINDOW_MS) return this.lastRtf;
    return (now.dueMs - base.dueMs) / spanMs;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.reanchor();
    if (!this.paused) this.startActive();
    this.schedule(0);
  }

  stop(): void {
    this.stopActive();
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  pause(): void {
    if (this.paused) return;
    this.stopActive();
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    // The paused interval must count neither as lag nor in the RTF window.
    this.reanchor();
    if (this.running) {
      this.startActive();
      this.schedule(0);
    }
  }

  /** Changes the speed, keeping the phase of the tick in progress. */
  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new Error(`RealtimeRunner: speed must be > 0, got ${speed}`);
    const now = performance.now();
    const oldPeriodMs = this.periodMs();
    // Ticks owed since the anchor, with the fraction of the one in progress.
    const owed = (now - this.anchorMs) / oldPeriodMs - (this.tick - this.anchorTick);
    this.speed = speed;
    this.anchorTick = this.tick;
    this.anchorMs = now - Math.max(0, owed) * this.periodMs();
    if (this.running && !this.paused) this.schedule(this.anchorMs + this.periodMs() - now);
  }

  /** Starts a new episode (with `seed`, or the next seed of the generator); the clock runs on. */
  reset(seed?: number): void {
    this.newEpisode(seed);
  }

  /** Swaps in another simulation (env/controller switch) and starts a new episode on it. */
  replace(sim: VizSimulation): void {
    const old = this.sim;
    this.sim = sim;
    old.close();
    this.reset();
    // The new simulation may tick at another rate.
    this.reanchor();
  }

  /** Runs exactly one tick (used by "step" while paused). */
  stepOnce(): void {
    this.runTick();
  }

  private newEpisode(seed?: number): void {
    this.seed = seed ?? this.seeds.int(0x7fffffff);
    this.sim.reset(this.seed);
    this.episode++;
    this.stepsInEpisode = 0;
    this.episodeReturn = 0;
  }

  private periodMs(): number {
    return 1000 / (this.sim.info.controlHz * this.speed);
  }

  private reanchor(): void {
    this.anchorMs = performance.now();
    this.anchorTick = this.tick;
  }

  private startActive(): void {
    if (this.activeSinceMs === undefined) this.activeSinceMs = performance.now();
  }

  private stopActive(): void {
    if (this.activeSinceMs === undefined) return;
    this.lastRtf = this.rtf;
    this.activeMsBefore += performance.now() - this.activeSinceMs;
    this.activeSinceMs = undefined;
  }

  private sample(): RtfSample {
    const current = this.activeSinceMs === undefined ? 0 : performance.now() - this.activeSinceMs;
    return { activeMs: this.activeMsBefore + current, dueMs: this.dueMs };
  }

  /** Records a window point and forgets the ones that fell out of the window (keeping one as its base). */
  private recordRtfSample(): void {
    const now = this.sample();
    this.rtfSamples.push(now);
    const from = now.activeMs - this.opts.rtfWindowMs;
    let drop = 0;
    while (drop + 1 < this.rtfSamples.length && this.rtfSamples[drop + 1]!.activeMs <= from) drop++;
    if (drop) this.rtfSamples.splice(0, drop);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), Math.max(0, delayMs));
  }

  private runTick(): void {
    const t = this.sim.step();
    this.tick++;
    this.stepsInEpisode++;
    this.episodeReturn += t.reward;
    this.hooks.onTick(t, {
      tick: this.tick,
      episode: this.episode,
      simTimeS: this.simTimeS,
      computedAtMs: performance.timeOrigin + performance.now(),
    });
    if (t.terminated || t.truncated) {
      this.hooks.onEpisode({
        episode: this.episode,
        steps: this.stepsInEpisode,
        return: this.episodeReturn,
        terminated: t.terminated,
        truncated: t.truncated,
      });
      this.newEpisode();
    }
  }

  private wake(): void {
    this.timer = undefined;
    if (!this.running || this.paused) return;
    const periodMs = this.periodMs();
    const now = performance.now();
    const due = Math.floor((now - this.anchorMs) / periodMs) - (this.tick - this.anchorTick);
    const n = Math.min(due, this.opts.maxCatchUpTicks);
    try {
      for (let i = 0; i < n; i++) {
        this.runTick();
        this.dueMs += periodMs;
      }
    } catch (err) {
      this.pause();
      this.hooks.onError(err);
      return;
    }
    const after = performance.now();
    this.recordRtfSample();
    if (due > this.opts.maxCatchUpTicks) {
      // Too far behind: drop the backlog instead of bursting through it (the RTF shows the loss).
      this.anchorMs = after;
      this.anchorTick = this.tick;
    }
    this.hooks.onWake(after);
    if (!this.running || this.paused) return;
    const nextDueMs = this.anchorMs + (this.tick - this.anchorTick + 1) * periodMs;
    this.schedule(nextDueMs - performance.now());
  }
}

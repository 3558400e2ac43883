/**
 * Drives a `VizSimulation` against the wall clock: tick k is due at
 * `anchor + (k − k0) / (controlHz · speed)` seconds. When the machine falls behind by more than
 * `maxCatchUpTicks` the clock is re-anchored (simulated time slows down rather than bursting),
 * and the measured real-time factor (`rtf`, simulated s per wall s ÷ speed) shows it.
 * Episodes end on terminated/truncated and restart with the next seed of a seeded generator.
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
}

export const DEFAULT_RUNNER: RunnerOptions = { speed: 1, seed: 1, maxCatchUpTicks: 8 };

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
  private rtfStartMs = 0;
  private rtfStartTick = 0;
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

  /** Real-time factor over the last measurement window (1 = keeping up with the requested speed). */
  get rtf(): number {
    const wallMs = performance.now() - this.rtfStartMs;
    if (wallMs < 250 || this.paused) return this.lastRtf;
    return (this.tick - this.rtfStartTick) / this.sim.info.controlHz / (wallMs / 1000) / this.speed;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.reanchor();
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  pause(): void {
    if (this.paused) return;
    this.lastRtf = this.rtf;
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    // The paused interval must count neither as lag nor in the RTF window.
    this.anchorMs = this.rtfStartMs = performance.now();
    this.anchorTick = this.rtfStartTick = this.tick;
    if (this.running) this.schedule(0);
  }

  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new Error(`RealtimeRunner: speed must be > 0, got ${speed}`);
    this.speed = speed;
    this.reanchor();
  }

  /** Starts a new episode (with `seed`, or the next seed of the generator). */
  reset(seed?: number): void {
    this.newEpisode(seed);
    this.reanchor();
  }

  /** Swaps in another simulation (env/controller switch) and starts a new episode on it. */
  replace(sim: VizSimulation): void {
    const old = this.sim;
    this.sim = sim;
    old.close();
    this.reset();
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

  private reanchor(): void {
    this.anchorMs = performance.now();
    this.anchorTick = this.tick;
    this.restartRtfWindow();
  }

  private restartRtfWindow(): void {
    this.lastRtf = this.rtf;
    this.rtfStartMs = performance.now();
    this.rtfStartTick = this.tick;
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
    const periodMs = 1000 / (this.sim.info.controlHz * this.speed);
    const now = performance.now();
    const due = Math.floor((now - this.anchorMs) / periodMs) - (this.tick - this.anchorTick);
    const n = Math.min(due, this.opts.maxCatchUpTicks);
    try {
      for (let i = 0; i < n; i++) this.runTick();
    } catch (err) {
      this.paused = true;
      this.hooks.onError(err);
      return;
    }
    const after = performance.now();
    // Slide the RTF window so that it reflects the last couple of seconds of load.
    if (after - this.rtfStartMs > 2000) this.restartRtfWindow();
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

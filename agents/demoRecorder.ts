/**
 * Records a live session (the visualizer: a person at the keyboard, or any controller) as a
 * demonstrations file in the format `spikeloop record` writes (agents/demos.ts), step by step.
 *
 *   reset ──▶ begin()          closes the episode in progress (if it has steps) and rewrites the file
 *   step  ──▶ record(obs, a)   obs: the observation the action answered; a: what env.step received
 *   end   ──▶ close()          closes the last episode; the file then holds every episode
 *
 * The file is rewritten whole through a temp file and a rename at each episode's end, so that at
 * any moment it is a complete, loadable demonstrations file (a crash loses at most the episode in
 * progress). Episodes are numbered 0, 1, … in the order they were driven; empty ones are skipped.
 */
import { writeDemos, type DemoEpisode, type DemoStep } from './demos.ts';

export interface DemoRecorder {
  readonly file: string;
  /** A new episode starts (the env was reset). */
  begin(): void;
  /** One step: the observation before it and the action the env received (a Discrete choice as a number). */
  record(observation: ArrayLike<number>, action: ArrayLike<number> | number): void;
  /** Ends the recording; returns what the file holds. */
  close(): { episodes: number; steps: number };
}

/** A recorder writing to `file` (`.jsonl` or `.csv`, checked now). */
export function createDemoRecorder(file: string): DemoRecorder {
  if (!/\.(jsonl|csv)$/.test(file)) throw new Error(`demonstrations file must end in .jsonl or .csv, got '${file}'`);
  const done: DemoEpisode[] = [];
  let current: DemoStep[] = [];
  let closed = false;
  const finishEpisode = (): void => {
    if (current.length === 0) return;
    done.push({ episode: done.length, steps: current });
    current = [];
    writeDemos(file, done);
  };
  return {
    file,
    begin: finishEpisode,
    record(observation, action) {
      if (closed) throw new Error(`demonstrations ${file}: record() after close()`);
      current.push({
        observation: Float64Array.from(observation),
        action: typeof action === 'number' ? Float64Array.of(action) : Float64Array.from(action),
      });
    },
    close() {
      if (!closed) finishEpisode();
      closed = true;
      return { episodes: done.length, steps: done.reduce((n, e) => n + e.steps.length, 0) };
    },
  };
}

/**
 * Records a live session (the visualizer: a person at the keyboard, or any controller) as a
 * demonstrations file in the format `spikeloop record` writes (agents/demos.ts), step by step.
 *
 *   reset ──▶ begin()          closes the episode in progress (if it has steps) and rewrites the file
 *   step  ──▶ record(obs, a)   obs: the observation the action answered; a: what env.step received
 *   end   ──▶ close()          closes the last episode; the file then holds every episode
 *
 * Each episode is written when it ends: the first one creates the file (through a temp file and a
 * rename, replacing any old file), later ones are appended in one write each, so the cost of an
 * episode's end does not grow with the session. Between episodes the file is a complete, loadable
 * demonstrations file; a crash loses at most the episode in progress (or, inside that one write,
 * leaves a torn last line that the loader reports by line number). Episodes are numbered 0, 1, …
 * in the order they were driven; empty ones are skipped.
 */
import { appendFileSync } from 'node:fs';
import { demoText, writeDemos, type DemoStep } from './demos.ts';

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
  let episodes = 0;
  let steps = 0;
  let current: DemoStep[] = [];
  let closed = false;
  const finishEpisode = (): void => {
    if (current.length === 0) return;
    const episode = [{ episode: episodes, steps: current }];
    if (episodes === 0) writeDemos(file, episode);
    else appendFileSync(file, demoText(file, episode, { header: false }));
    episodes++;
    steps += current.length;
    current = [];
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
      return { episodes, steps };
    },
  };
}

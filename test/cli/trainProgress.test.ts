import { describe, expect, it } from 'vitest';
import { etaSeconds, formatSeconds, progressLine, trainProgress } from '../../cli/trainProgress.ts';
import type { RecipeProgress } from '../../agents/recipe.ts';

const at = (phase: RecipeProgress['phase'], round: number, steps: number): RecipeProgress => ({
  phase,
  round,
  rounds: 6,
  steps,
  totalSteps: 1000,
});

describe('train-controller progress', () => {
  it('estimates the time left from the step rate so far and formats it', () => {
    expect(etaSeconds({ steps: 250, totalSteps: 1000 }, 30)).toBe(90);
    expect(Number.isNaN(etaSeconds({ steps: 0, totalSteps: 1000 }, 3))).toBe(true);
    expect(formatSeconds(90)).toBe('1m30s');
    expect(formatSeconds(NaN)).toBe('?');
    expect(progressLine({ ...at('training', 2, 500), bestScore: 12.5 }, 60)).toBe(
      '[1m00s] training: round 2/6, 500/1000 optimiser steps (50%), best score 12.50, ETA 1m00s',
    );
  });

  it('off a TTY writes a line at the start, at each phase change and each tenth of the steps, not at every update', () => {
    const lines: string[] = [];
    let now = 0;
    const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
    const p = trainProgress({ stream, now: () => now });
    p.update(at('teacher rollouts', 0, 0));
    for (let s = 10; s <= 400; s += 10) {
      now += 100;
      p.update(at('training', 0, s));
    }
    p.update(at('scoring', 0, 400));
    p.stop();
    expect(lines[0]).toMatch(/^\[0s\] teacher rollouts: round 0\/6, 0\/1000 optimiser steps \(0%\), ETA \?/);
    // training: one line when the phase starts (0%), then at 10, 20, 30, 40%
    expect(lines.filter((l) => l.includes('] training:')).length).toBe(5);
    expect(lines.at(-1)).toMatch(/scoring: round 0\/6, 400\/1000 optimiser steps \(40%\), ETA 6s/);
  });
});

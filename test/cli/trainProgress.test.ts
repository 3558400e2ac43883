import { describe, expect, it } from 'vitest';
import { trainProgress } from '../../cli/trainProgress.ts';
import type { RecipeProgress } from '../../agents/recipe.ts';

const at = (phase: RecipeProgress['phase'], round: number, steps: number, bestScore?: number): RecipeProgress => ({
  phase,
  round,
  rounds: 6,
  steps,
  totalSteps: 1000,
  ...(bestScore !== undefined ? { bestScore } : {}),
});

/** A stream that records each write; a TTY or not. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, columns: 200, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('train-controller progress', () => {
  it('off a TTY writes a line at the start, at each phase change and each tenth of the steps, each with the total and the ETA', () => {
    const { stream, writes } = fakeStream(false);
    let now = 0;
    const p = trainProgress({ stream, now: () => now });
    p.update(at('teacher rollouts', 0, 0));
    for (let s = 10; s <= 400; s += 10) {
      now += 100;
      p.update(at('training', 0, s));
    }
    p.update(at('scoring', 0, 400, 12.5));
    p.stop();
    // no rate before the first step, so no ETA yet
    expect(writes[0]).toBe('teacher rollouts: round 0/6 0/1000 optimiser steps\n');
    // training: one line when the phase starts (1%), then at 10, 20, 30, 40%
    expect(writes.filter((l) => l.startsWith('training:')).length).toBe(5);
    expect(writes).toContain('training: round 0/6 200/1000 optimiser steps; ETA 8 s\n');
    // 400 steps in 4 s: 600 left at the same rate take 6 s
    expect(writes.at(-1)).toBe('scoring: round 0/6 400/1000 optimiser steps, best score 12.50; ETA 6 s\n');
  });

  it('on a TTY draws one bar over all optimiser steps with the phase, round and ETA', () => {
    const { stream, writes } = fakeStream(true);
    let now = 0;
    const p = trainProgress({ stream, now: () => now });
    p.update(at('training', 1, 0));
    now += 3000;
    p.update(at('training', 1, 300));
    p.stop();
    // 300 steps in 3 s: 700 left take 7 s
    expect(writes.join('')).toMatch(/training: round 1\/6 \S+ 300\/1000 optimiser steps {2}ETA 7 s/);
  });
});

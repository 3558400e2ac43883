import { describe, expect, it } from 'vitest';
import { bestRestart, restartSeeds, SELECTION_SEED, withGain, type RestartRecord } from '../../agents/restarts.ts';
import type { ControllerSpec } from '../../agents/controller.ts';
import { loadRecipeConfig, parseRecipeConfig, resolveRecipe } from '../../agents/recipeConfig.ts';
import { packagePath } from '../../src/util/packageRoot.ts';

const rec = (seed: number, score: number): RestartRecord => ({
  seed,
  score,
  conditions: { none: score },
  gain: 1,
  roundScore: score + 1,
  seconds: 1,
});

describe('restarts', () => {
  it('trains seeds seed … seed+count−1', () => {
    expect(restartSeeds({ seed: 3, restarts: 4 })).toEqual([3, 4, 5, 6]);
    expect(restartSeeds({ seed: 0, restarts: 1 })).toEqual([0]);
    expect(() => restartSeeds({ seed: 1, restarts: 0 })).toThrow(/restarts: count must be an integer >= 1, got 0/);
  });

  it('keeps the run with the highest selection score, ties to the lower seed', () => {
    expect(bestRestart([rec(1, 2), rec(2, 5), rec(3, 4)]).seed).toBe(2);
    expect(bestRestart([rec(1, 5), rec(2, 5)]).seed).toBe(1);
    expect(() => bestRestart([])).toThrow(/no finished run/);
  });

  it('selects on seeds that no round score, DAgger or teacher rollout and no default evaluation uses', () => {
    // round scores: 20000 + 1000·seed + e, DAgger: 30000 + 1000·seed + 100·r + e, teacher: 10000 + 1000·seed + e
    expect(SELECTION_SEED).toBeGreaterThanOrEqual(30_000 + 1000 * 30 + 1000);
    expect(SELECTION_SEED).not.toBe(50_000);
  });

  it('reads restarts from a config and names the bad field', () => {
    const c = parseRecipeConfig({ recipe: { restarts: { count: 3, episodes: 10, perturbations: ['none', 'delay=1'] } } });
    expect(c.recipe).toMatchObject({ restarts: 3, selectionEpisodes: 10, selectionPerturbations: ['none', 'delay=1'] });
    expect(() => parseRecipeConfig({ recipe: { restarts: { count: 0 } } })).toThrow(
      /recipe\.restarts\.count: must be a positive integer, got 0/,
    );
    expect(() => parseRecipeConfig({ recipe: { restarts: { perturbations: ['shove=2'] } } })).toThrow(
      /recipe\.restarts\.perturbations\[0\]/,
    );
    // an env without a preset (a user's body) gets the defaults: one run, the commands as trained
    expect(resolveRecipe({ env: 'my-body' }, 'MyBody-v0')).toMatchObject({
      restarts: 1,
      selectionEpisodes: 20,
      selectionPerturbations: [],
      selectionGains: [1],
    });
  });

  it('reads the output gains tried on each run and names a bad one', () => {
    expect(parseRecipeConfig({ recipe: { restarts: { gains: [1, 1.1] } } }).recipe).toMatchObject({ selectionGains: [1, 1.1] });
    expect(() => parseRecipeConfig({ recipe: { restarts: { gains: [1, 0] } } })).toThrow(
      /recipe\.restarts\.gains\[1\]: must be a number > 0, got 0/,
    );
    expect(() => parseRecipeConfig({ recipe: { restarts: { gains: [] } } })).toThrow(
      /recipe\.restarts\.gains: must be at least one output gain/,
    );
  });

  it('scales every action channel by the gain and leaves the rest of the controller as it was', () => {
    const spec = { env: 'Walker-v1', actionScale: [2, 4], substeps: 10 } as unknown as ControllerSpec;
    expect(withGain(spec, 1)).toBe(spec);
    expect(withGain(spec, 1.5)).toEqual({ ...spec, actionScale: [3, 6] });
    expect(spec.actionScale).toEqual([2, 4]);
    expect(() => withGain(spec, -1)).toThrow(/output gain must be a number > 0, got -1/);
  });
});

describe('configs/recipes/walker-no-clock.json', () => {
  it('trains without a clock, from a teacher that reads its phase off the body, choosing among five runs under a one-step delay too', () => {
    const c = loadRecipeConfig(packagePath('configs', 'recipes', 'walker-no-clock.json'));
    const o = resolveRecipe({ env: 'walker', ...c.recipe }, 'Walker-v1');
    expect(o).toMatchObject({
      clockHz: 0,
      features: ['walker.gaitPhase'],
      teacherOptions: { phaseFeedback: 1000 },
      restarts: 5,
      selectionPerturbations: ['none', 'delay=1'],
    });
  });
});

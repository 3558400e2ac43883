import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDirs } from '../support/tempDirs.ts';
import { runCli } from '../support/cli.ts';
import { selectionScore } from '../../agents/restarts.ts';
import { resolveRecipe } from '../../agents/recipeConfig.ts';
import { trainRestarts } from '../../cli/restartRuns.ts';

const tempDir = useTempDirs();

interface Restarts {
  runs: Array<{ seed: number; score: number; conditions: Record<string, number> }>;
  chosenSeed: number;
  selectionSeeds: [number, number];
}

describe('spikeloop train-controller --restarts', () => {
  it('trains one process per seed and keeps the run with the best selection score', async () => {
    const out = join(tempDir('restarts-'), 'cp');
    const argv = [
      'train-controller',
      '--env',
      'cartpole',
      '--budget',
      '30',
      '--rounds',
      '0',
      '--seed',
      '4',
      '--restarts',
      '2',
      '--workers',
      '2',
      '--out',
      out,
    ];
    const r = await runCli(argv);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/2 runs \(seeds 4–5\), 2 at a time/);
    expect(r.out).toMatch(/seed 4: selection score/);
    expect(r.out).toMatch(/seed 5: selection score/);
    const spec = JSON.parse(readFileSync(join(out, 'controller.json'), 'utf8')) as {
      training: { restarts: Restarts; recipe: { seed: number } };
    };
    const { runs, chosenSeed, selectionSeeds } = spec.training.restarts;
    expect(runs.map((x) => x.seed)).toEqual([4, 5]);
    const best = runs[0]!.score >= runs[1]!.score ? 4 : 5;
    expect(chosenSeed).toBe(best);
    expect(spec.training.recipe.seed).toBe(best);
    // the cart-pole preset chooses on 50 episodes per condition
    expect(selectionSeeds).toEqual([70_000, 70_049]);
    // the kept folder is the chosen run's controller, byte for byte
    const chosen = join(`${out}.restarts`, `seed-${best}`);
    expect(readFileSync(join(out, 'weights.bin')).equals(readFileSync(join(chosen, 'weights.bin')))).toBe(true);
    // and its recorded score is what the selection measures on it (deterministic)
    const o = resolveRecipe({ env: 'cartpole' }, 'CartPoleContinuous-v1');
    expect(selectionScore(out, o).score).toBeCloseTo(runs.find((x) => x.seed === best)!.score, 9);
    // a second run needs --overwrite, like a single one
    const again = await runCli(argv);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already holds a controller/);
  }, 120_000);

  it('tries each output gain on every run and keeps the best run at its best gain', async () => {
    const out = join(tempDir('restarts-gains-'), 'cp');
    const recipe = {
      ...resolveRecipe(
        { env: 'cartpole', budget: 30, daggerRounds: 0, restarts: 2, selectionEpisodes: 5, selectionGains: [1, 0.5] },
        'CartPoleContinuous-v1',
      ),
      env: 'CartPoleContinuous-v1',
    };
    const lines: string[] = [];
    const { records, chosen } = await trainRestarts({ recipe, out, workers: 2, childFlags: [], log: (l) => lines.push(l) });
    for (const r of records) {
      expect(Object.keys(r.gains!)).toEqual(['1', '0.5']);
      expect(r.score).toBe(Math.max(...Object.values(r.gains!)));
      expect(r.gains![String(r.gain)]).toBe(r.score);
    }
    expect(lines.join('\n')).toMatch(/seed 1: selection score .* at output gain (1|0\.5) \(×1 .*, ×0\.5 .*\)/);
    const kept = JSON.parse(readFileSync(join(out, 'controller.json'), 'utf8')) as {
      actionScale: number[];
      training: { restarts: { chosenGain: number } };
    };
    const run = JSON.parse(readFileSync(join(`${out}.restarts`, `seed-${chosen.seed}`, 'controller.json'), 'utf8')) as {
      actionScale: number[];
    };
    expect(kept.training.restarts.chosenGain).toBe(chosen.gain);
    expect(kept.actionScale).toEqual(run.actionScale.map((x) => x * chosen.gain));
    // the kept controller carries its gain: scored as it is, it re-measures the chosen score exactly
    expect(selectionScore(out, recipe).score).toBeCloseTo(chosen.score, 9);
  }, 120_000);

  it('says so when --resume takes over a controller its restarts kept at a gain other than 1', async () => {
    const out = join(tempDir('restarts-gain-resume-'), 'cp');
    const recipe = {
      ...resolveRecipe(
        { env: 'cartpole', budget: 20, daggerRounds: 0, restarts: 2, selectionEpisodes: 2, selectionGains: [0.5] },
        'CartPoleContinuous-v1',
      ),
      env: 'CartPoleContinuous-v1',
    };
    await trainRestarts({ recipe, out, workers: 2, childFlags: [], log: () => {} });
    const r = await runCli([
      'train-controller',
      '--env',
      'cartpole',
      '--budget',
      '10',
      '--rounds',
      '0',
      '--restarts',
      '1',
      '--resume',
      '--out',
      out,
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /was kept by its restarts at output gain 0\.5; a resumed round that beats it is saved with the recipe's own output\.actionGain \(2\)/,
    );
  }, 120_000);

  it('refuses --resume with restarts', async () => {
    const out = join(tempDir('restarts-resume-'), 'cp');
    const first = await runCli(['train-controller', '--env', 'cartpole', '--budget', '20', '--rounds', '0', '--out', out]);
    expect(first.code).toBe(0);
    const r = await runCli([
      'train-controller',
      '--env',
      'cartpole',
      '--budget',
      '20',
      '--rounds',
      '0',
      '--restarts',
      '2',
      '--resume',
      '--out',
      out,
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--resume continues one controller; it cannot be combined with restarts/);
  }, 60_000);

  it("fails with the failed run's log named when a run fails, and writes no controller", async () => {
    const out = join(tempDir('restarts-fail-'), 'cp');
    const recipe = {
      ...resolveRecipe({ env: 'cartpole', budget: 10, daggerRounds: 0, restarts: 2 }, 'CartPoleContinuous-v1'),
      env: 'CartPoleContinuous-v1',
    };
    await expect(trainRestarts({ recipe, out, workers: 2, childFlags: ['--bogus'], log: () => {} })).rejects.toThrow(
      /restart run train-controller .* ended with exit code 1 \(log .*seed-\d\.log\):[\s\S]*Unknown option '--bogus'/,
    );
    expect(existsSync(join(out, 'controller.json'))).toBe(false);
  }, 60_000);
});

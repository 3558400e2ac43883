import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  builtinRecipePresets,
  DEFAULT_RECIPE,
  loadRecipeConfig,
  parseRecipeConfig,
  RECIPE_OPTION_NAMES,
  recipeFieldPath,
  recipeJsonSchema,
  recipeSectionOf,
  resolveRecipe,
  type RecipeOptions,
} from '../../agents/recipeConfig.ts';
import { DEFAULT_WALKER_TEACHER } from '../../agents/teachers/index.ts';
import { perturbationSuite } from '../../envs/index.ts';
import { packagePath } from '../../src/util/packageRoot.ts';
import { loadController } from '../../agents/controller.ts';
import { useTempDirs } from '../support/tempDirs.ts';
import { runCli } from '../support/cli.ts';

const tempDir = useTempDirs();

/**
 * The recipe defaults and per-env presets as code held them before they became configuration
 * (agents/recipe.ts `DEFAULT_RECIPE` / `RECIPE_PRESETS` up to commit ee87e2e), with the
 * perturbation suites expanded. The JSON presets must resolve to exactly these, so training with
 * the built-in defaults gives the same weights as before.
 */
const OLD_DEFAULT = {
  label: 'spike-seq',
  seed: 1,
  substeps: 10,
  window: 4,
  warmup: 1,
  stride: 2,
  neuronsPerDim: 10,
  hidden: [64, 64],
  budget: 1200,
  initialShare: 0.4,
  batchSize: 32,
  lr: 0.003,
  teacherEpisodes: 10,
  teacherNoise: 0.3,
  rolloutSteps: 500,
  daggerRounds: 6,
  daggerEpisodes: 4,
  beta: 0.5,
  patience: 3,
  scoreEpisodes: 5,
  rangeQuantile: 0.01,
  rangeMargin: 0.25,
  clockHz: 0,
  fineDims: [],
  fineRange: 0.1,
  commandScale: 1,
  commandExponent: 1,
  motorCode: 'one-sided',
  motorPopulation: 1,
  trainPerturbations: [],
  nominalFineDims: [],
  coverRange: [],
};
const OLD_PRESETS: Record<string, object> = {
  'CartPoleContinuous-v1': {
    scoreEpisodes: 4,
    teacherEpisodes: 20,
    daggerEpisodes: 5,
    trainPerturbations: ['none', 'pushes=0.08', 'noise=0.1', 'delay=3', 'mass=1.5'],
  },
  'Pendulum-v1': {
    hidden: [96, 96],
    budget: 3000,
    teacherEpisodes: 30,
    rolloutSteps: 200,
    daggerEpisodes: 10,
    scoreEpisodes: 4,
    trainPerturbations: ['none', 'pushes=0.7', 'noise=0.06', 'delay=3', 'mass=1.5'],
  },
  'Reacher-v1': {
    neuronsPerDim: 16,
    hidden: [96, 96],
    budget: 4000,
    teacherEpisodes: 100,
    rolloutSteps: 100,
    daggerEpisodes: 20,
    scoreEpisodes: 8,
    fineDims: [8, 9],
    fineRange: 0.1,
    commandScale: 0.5,
    motorCode: 'balanced',
    trainPerturbations: ['none', 'pushes=1.2', 'noise=0.05', 'delay=1', 'mass=1.5'],
  },
  'Walker-v1': {
    neuronsPerDim: 6,
    hidden: [128, 128],
    budget: 3000,
    teacherEpisodes: 8,
    rolloutSteps: 600,
    daggerEpisodes: 4,
    scoreEpisodes: 2,
    clockHz: 1.5,
    trainPerturbations: ['none', 'pushes=5', 'noise=0.2', 'mass=1.1'],
  },
};
/** Options added since (2026-12-02b), with the defaults that keep the old behaviour. */
const ADDED_DEFAULTS = {
  teacherNoiseCorrelation: 0,
  readout: 'mean',
  scorePerturbations: [],
  features: [],
  teacherOptions: {},
  scoreFailurePenalty: 0,
  teacherGain: 1,
  actionGain: 1,
  // 2026-12-02e: one run unless a preset asks for restarts (agents/restarts.ts)
  restarts: 1,
  selectionEpisodes: 20,
  selectionPerturbations: [],
  // 2026-12-03: the commands as trained unless a preset tries output gains
  selectionGains: [1],
};
/**
 * Preset changes since (2026-12-02b, bench/notes/2026-12-02b-controllers.md): the cart-pole's
 * correlated teacher noise, end-of-period readout and larger score set; the pendulum's readout and score set;
 * (2026-12-02c, bench/notes/2026-12-02c-latency.md) the cart-pole's hot teacher and output gain, the
 * pendulum's output gain and 20 sub-steps (40 in the saved controller).
 */
const PRESET_CHANGES: Record<string, object> = {
  // 2026-12-03: ten DAgger episodes per round; five runs, chosen on 50 fresh episodes per condition at the suite's own magnitudes
  'CartPoleContinuous-v1': {
    teacherNoiseCorrelation: 0.9,
    readout: 'last',
    scoreEpisodes: 20,
    teacherGain: 1.2,
    actionGain: 2,
    daggerEpisodes: 10,
    restarts: 5,
    selectionEpisodes: 50,
    selectionPerturbations: ['none', 'pushes=0.09', 'noise=0.2', 'delay=3', 'mass=1.5'],
  },
  // 2026-12-02e: three runs, the best on fresh episodes kept; 2026-12-03: five
  'Pendulum-v1': { readout: 'last', scoreEpisodes: 10, substeps: 20, actionGain: 1.2, deploySubsteps: 40, restarts: 5 },
  // 2026-12-02c (bench/notes/2026-12-02c-reacher.md): derived features with fine copies, full-bound unit command
  // 2026-12-03: three runs, the best on fresh episodes kept
  'Reacher-v1': {
    features: ['reacher.jacobianT', 'reacher.jointError'],
    fineDims: [8, 9, 10, 11, 12, 13],
    commandScale: 1,
    restarts: 3,
  },
  // 2026-12-02c (bench/notes/2026-12-02c-walker.md): nominal rollouts, scored under the suite with falls counted
  'Walker-v1': {
    trainPerturbations: ['none'],
    scoreEpisodes: 5,
    scoreFailurePenalty: 5,
    scorePerturbations: ['none', 'pushes=5', 'noise=0.2', 'mass=1.1'],
    // 2026-12-02e (bench/notes/2026-12-02e-lead.md): five runs, the best on fresh episodes kept
    restarts: 5,
    // 2026-12-03 (bench/notes/2026-12-03-lead.md): each run at five output gains
    selectionGains: [1, 1.05, 1.1, 1.15, 1.2],
  },
};
/** What the old `controllerScore` judged each env by, now the preset's `scoring.metric`. */
const OLD_SCORE: Record<string, string> = { 'Walker-v1': 'info.x', 'Reacher-v1': '-info.distance' };

const badConfig =
  (recipe: unknown): (() => unknown) =>
  () =>
    parseRecipeConfig({ recipe }, 'my.json');

describe('built-in recipe presets are JSON configs', () => {
  const presets = builtinRecipePresets();

  it('ship one file per built-in env under configs/controllers/, read by the loader users call', () => {
    expect([...presets.keys()].sort()).toEqual(['CartPoleContinuous-v1', 'Pendulum-v1', 'Reacher-v1', 'Walker-v1']);
    for (const [env, { file }] of presets) {
      expect(file.startsWith(packagePath('configs', 'controllers'))).toBe(true);
      expect(loadRecipeConfig(file).env).toBe(env);
    }
  });

  it('keep the old defaults, with the return as the default score', () => {
    expect({ ...DEFAULT_RECIPE }).toStrictEqual({ ...OLD_DEFAULT, ...ADDED_DEFAULTS, scoreMetric: 'return' });
  });

  it.each(Object.keys(OLD_PRESETS))('%s resolves to exactly the old preset plus the changes made since', (env) => {
    const expected = {
      ...OLD_DEFAULT,
      ...ADDED_DEFAULTS,
      ...OLD_PRESETS[env],
      ...PRESET_CHANGES[env],
      scoreMetric: OLD_SCORE[env] ?? 'return',
      env,
    };
    expect(resolveRecipe({ env }, env)).toStrictEqual(expected);
  });

  it("follow the values they were derived from: the walker CPG's frequency, the 'robust' suite", () => {
    expect(presets.get('Walker-v1')!.config.recipe.clockHz).toBe(DEFAULT_WALKER_TEACHER.frequencyHz);
    for (const env of ['Pendulum-v1', 'Reacher-v1'])
      expect(presets.get(env)!.config.recipe.trainPerturbations).toEqual(perturbationSuite('robust', env).map((c) => c.perturb));
    // the walker trains on nominal rollouts and is scored under the suite (bench/notes/2026-12-02c-walker.md)
    expect(presets.get('Walker-v1')!.config.recipe.scorePerturbations).toEqual(
      perturbationSuite('robust', 'Walker-v1').map((c) => c.perturb),
    );
    // the cart-pole trains a notch below the suite and chooses among its runs at the suite's own magnitudes
    expect(presets.get('CartPoleContinuous-v1')!.config.recipe.selectionPerturbations).toEqual(
      perturbationSuite('robust', 'CartPoleContinuous-v1').map((c) => c.perturb),
    );
  });

  it('docs/recipes.md lists every option with its config path', () => {
    const docs = readFileSync(packagePath('docs', 'recipes.md'), 'utf8');
    for (const name of RECIPE_OPTION_NAMES) {
      const path = recipeFieldPath(name);
      const row = docs.split('\n').find((l) => l.includes(`\`${name}\``));
      expect(row, `docs/recipes.md has no row for ${name}`).toBeDefined();
      // the row names the path in full, or its group and the field as '.field' beside another of the group
      const [group, field] = path.split('.').slice(1);
      expect(row!.includes(`\`${path}\``) || (row!.includes(`recipe.${group}.`) && row!.includes(`.${field ?? group}\``)), row).toBe(true);
    }
  });

  it('configs/controllers/recipe.schema.json is the JSON Schema the code validates with', () => {
    const onDisk = JSON.parse(readFileSync(packagePath('configs', 'controllers', 'recipe.schema.json'), 'utf8')) as unknown;
    expect(onDisk, 'stale schema: run node bin/run-ts.mjs scripts/emit-recipe-schema.ts').toEqual(recipeJsonSchema());
  });
});

describe('parseRecipeConfig', () => {
  it('maps each group of the config onto the flat options, and back', () => {
    const { env: _env, ...all } = {
      ...DEFAULT_RECIPE,
      env: 'x',
      hiddenMemory: { recurrent: true },
      lif: { tauMem: 8 },
      psp: { tauSyn: 4 },
    };
    const section = recipeSectionOf(all);
    expect(section.network).toEqual({
      hidden: [64, 64],
      substeps: 10,
      memory: { recurrent: true },
      lif: { tauMem: 8 },
      psp: { tauSyn: 4 },
    });
    expect(section.dagger).toEqual({ rounds: 6, episodes: 4, beta: 0.5, patience: 3 });
    expect(parseRecipeConfig({ recipe: section }).recipe).toStrictEqual(all);
  });

  it('names the bad field by its path and shows the bad value', () => {
    expect(badConfig({ network: { hidden: [64, -3] } })).toThrow(
      'recipe config my.json: recipe.network.hidden[1]: must be a positive integer, got -3',
    );
    expect(badConfig({ labels: { kind: 'ratee' } })).toThrow("recipe.labels.kind: must be one of 'spike-seq', 'rate', got 'ratee'");
    expect(badConfig({ output: { commandScale: 2 } })).toThrow('recipe.output.commandScale: must be a number in (0, 1], got 2');
    expect(badConfig({ network: { substeps: 5 } })).toThrow('recipe.network.substeps: must be an integer >= 10');
    expect(badConfig({ dagger: { rounds: 'six' } })).toThrow("recipe.dagger.rounds: must be an integer >= 0, got 'six'");
    expect(badConfig({ scoring: { metric: 'distance' } })).toThrow("recipe.scoring.metric: must be 'return' or 'info.KEY'");
    expect(badConfig({ scoring: { metric: '-info.distance<0.05' } })).toThrow(
      "recipe.scoring.metric: must be a threshold metric without a leading '-'",
    );
    expect(parseRecipeConfig({ recipe: { scoring: { metric: 'info.distance<0.05' } } }).recipe.scoreMetric).toBe('info.distance<0.05');
    expect(badConfig({ scoring: { failurePenalty: -1 } })).toThrow('recipe.scoring.failurePenalty: must be a finite number >= 0');
    expect(badConfig({ perturbations: ['none', 'pushes=strong'] })).toThrow(
      "recipe.perturbations[1]: perturbation 'pushes': 'strong' is not a number",
    );
    expect(badConfig({ network: { lif: { tauMem: 0.5 } } })).toThrow(/recipe\.network\.lif\.tauMem: /);
    expect(badConfig({ scoring: { perturbations: ['pushes=0.09', 'delay=soon'] } })).toThrow(/recipe\.scoring\.perturbations\[1\]: /);
    expect(badConfig({ teacher: { noiseCorrelation: 1 } })).toThrow('recipe.teacher.noiseCorrelation: must be a number in [0, 1), got 1');
    expect(badConfig({ teacher: { gain: 0 } })).toThrow('recipe.teacher.gain: must be a number > 0, got 0');
    expect(badConfig({ output: { actionGain: -1 } })).toThrow('recipe.output.actionGain: must be a number > 0, got -1');
    expect(badConfig({ output: { substeps: 5 } })).toThrow('recipe.output.substeps: must be an integer >= 10, got 5');
    expect(badConfig({ output: { readout: 'first' } })).toThrow("recipe.output.readout: must be one of 'mean', 'last', got 'first'");
    expect(badConfig({ teacher: { options: { phaseFeedback: 'fast' } } })).toThrow(
      "recipe.teacher.options.phaseFeedback: must be a number or true/false, got 'fast'",
    );
    expect(badConfig({ teacher: { options: [2] } })).toThrow('recipe.teacher.options: must be an object of teacher option values');
  });

  it('reads the teacher options (teacherOptions), empty by default', () => {
    expect(DEFAULT_RECIPE.teacherOptions).toEqual({});
    expect(parseRecipeConfig({ recipe: { teacher: { options: { phaseFeedback: 2 } } } }).recipe).toStrictEqual({
      teacherOptions: { phaseFeedback: 2 },
    });
    expect(resolveRecipe({ env: 'Walker-v1', teacherOptions: { phaseFeedback: 2 } }, 'Walker-v1').teacherOptions).toEqual({
      phaseFeedback: 2,
    });
  });

  it('rejects unknown keys by name, listing the known ones', () => {
    expect(badConfig({ network: { hiden: [8] } })).toThrow('recipe.network.hiden: unknown key; known: hidden, substeps, memory, lif, psp');
    expect(badConfig({ optimiser: {} })).toThrow(/recipe\.optimiser: unknown key; known: seed, network, input, labels, output, budget/);
    expect(() => parseRecipeConfig({ envv: 'cartpole' })).toThrow(/envv: unknown key; known: \$schema, description, env, modules, recipe/);
    expect(badConfig({ network: { lif: { tauMemm: 3 } } })).toThrow(/recipe\.network\.lif\.tauMemm: unknown key; known: tauMem, decay/);
  });

  it('names the file when it cannot be read or is not JSON', () => {
    const dir = tempDir('recipe-cfg-');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "recipe": ');
    expect(() => loadRecipeConfig(bad)).toThrow(`recipe config ${bad}: not valid JSON`);
    expect(() => loadRecipeConfig(join(dir, 'none.json'))).toThrow(`recipe config ${join(dir, 'none.json')}: cannot read`);
  });
});

describe('resolveRecipe', () => {
  it('layers defaults < the env preset < the options given, and checks across fields', () => {
    const o = resolveRecipe({ env: 'pendulum', budget: 10 }, 'Pendulum-v1');
    expect([o.budget, o.hidden, o.lr]).toEqual([10, [96, 96], DEFAULT_RECIPE.lr]);
    expect(() => resolveRecipe({ env: 'cartpole', warmup: 4 }, 'CartPoleContinuous-v1')).toThrow(
      'recipe: recipe.training.warmup: must be an integer in 0..window−1 (window 4), got 4',
    );
    expect(() => resolveRecipe({ env: 'cartpole', hidden: [8, 0] }, 'CartPoleContinuous-v1')).toThrow(
      'recipe: recipe.network.hidden[1]: must be a positive integer, got 0',
    );
    const typo = { env: 'cartpole', budgett: 3 } as Partial<RecipeOptions> & { env: string };
    expect(() => resolveRecipe(typo, 'CartPoleContinuous-v1')).toThrow(/unknown option\(s\) 'budgett'/);
  });

  it('an env without a preset (a user body) gets the defaults', () => {
    expect(resolveRecipe({ env: 'My-v1' }, 'My-v1')).toStrictEqual({ ...DEFAULT_RECIPE, env: 'My-v1' });
  });
});

describe('spikeloop train-controller --config', () => {
  const USER = (f: string): string => fileURLToPath(new URL(`../fixtures/user/${f}`, import.meta.url));

  it('trains from a config file (its env modules, three hidden layers), flags overriding its fields', async () => {
    const dir = tempDir('recipe-cli-');
    const config = join(dir, 'heavy.json');
    const modules = [relative(dir, USER('slidingCart.mjs')), relative(dir, USER('heavyCartTeacher.mjs'))];
    writeFileSync(
      config,
      JSON.stringify({
        env: 'HeavyCart-v1',
        modules,
        recipe: {
          network: { hidden: [8, 8, 8] },
          input: { neuronsPerDim: 4 },
          budget: { steps: 50 },
          training: { batchSize: 4 },
          teacher: { episodes: 2, rolloutSteps: 30 },
          dagger: { rounds: 1, episodes: 1 },
          scoring: { episodes: 1 },
        },
      }),
    );
    const out = join(dir, 'ctrl');
    const r = await runCli(['train-controller', '--config', config, '--budget', '4', '--rounds', '0', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const { spec } = loadController(out);
    expect(spec.env).toBe('HeavyCart-v1');
    const recipe = spec.training!.recipe as RecipeOptions;
    expect([recipe.hidden, recipe.budget, recipe.daggerRounds, recipe.batchSize]).toEqual([[8, 8, 8], 4, 0, 4]);
  });

  it('--print-config prints the resolved recipe as a config that resolves to the same options', async () => {
    const r = await runCli(['train-controller', '--env', 'reacher', '--seed', '3', '--print-config']);
    expect(r.code, r.err).toBe(0);
    const printed = parseRecipeConfig(JSON.parse(r.out));
    expect(printed.env).toBe('Reacher-v1');
    expect(resolveRecipe({ env: 'My-v1', ...printed.recipe }, 'My-v1')).toStrictEqual({
      ...resolveRecipe({ env: 'reacher', seed: 3 }, 'Reacher-v1'),
      env: 'My-v1',
    });
  });

  it('a bad config fails before training, naming the file and the field', async () => {
    const dir = tempDir('recipe-cli-bad-');
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ env: 'cartpole', recipe: { network: { hidden: [64, -3] }, dagger: { round: 2 } } }));
    const r = await runCli(['train-controller', '--config', config, '--out', join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`recipe config ${config}: recipe.network.hidden[1]: must be a positive integer, got -3`);
    expect(r.err).toContain('recipe.dagger.round: unknown key; known: rounds, episodes, beta, patience');
  });
});

/**
 * Recipe options of a spiking controller as configuration (issue 16, item 3): the flat
 * `RecipeOptions` the recipe runs on, their defaults, and the JSON config users and the built-in
 * presets write them in, grouped by what they shape:
 *
 *   { "env": "Pendulum-v1", "modules": ["./my-env.ts"], "recipe": {
 *       "seed", "network": {hidden, substeps, memory, lif, psp}, "input": {neuronsPerDim, features, …},
 *       "labels": {kind}, "output": {code, population, commandScale, commandExponent},
 *       "budget": {steps, initialShare}, "training": {batchSize, lr, window, warmup, stride},
 *       "teacher": {episodes, noise, rolloutSteps}, "dagger": {rounds, episodes, beta, patience},
 *       "perturbations": [...], "scoring": {episodes, metric, failurePenalty, perturbations} } }
 *
 * Every field is optional; what a config leaves out comes from the env's built-in preset
 * (`configs/controllers/*.json`, read through this same parser) and then from `DEFAULT_RECIPE`.
 * The schema (zod) checks each field and rejects unknown keys; errors name the field's path,
 * e.g. `recipe.network.hidden[1]: must be a positive integer, got -3`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { lifSchema, pspSchema, type LayerLifOptions, type LayerPspOptions } from '../src/layers/neuronOptions.ts';
import type { MotorCode } from '../src/labels/motor.ts';
import { packagePath } from '../src/util/packageRoot.ts';
import { parsePerturbation } from '../envs/perturb/spec.ts';
import type { LabelKind } from './controller.ts';
import { readJsonFile } from '../src/util/jsonFile.ts';

export interface RecipeOptions {
  env: string;
  label: LabelKind;
  seed: number;
  /** SNN sub-steps per control step. */
  substeps: number;
  /** Control steps per training window, and how many of them only warm the network up. */
  window: number;
  warmup: number;
  stride: number;
  neuronsPerDim: number;
  /** Units of each hidden dense LIF layer (one entry per layer). */
  hidden: number[];
  /** Total optimiser steps (initial training + all DAgger rounds). */
  budget: number;
  /** Share of the budget spent on the teacher data before DAgger starts. */
  initialShare: number;
  batchSize: number;
  lr: number;
  teacherEpisodes: number;
  teacherNoise: number;
  /**
   * Step-to-step correlation ρ of that noise (an Ornstein–Uhlenbeck process; 0 = white): see
   * `TeacherRolloutOptions.noiseCorrelation` (agents/rollout.ts).
   */
  teacherNoiseCorrelation: number;
  /**
   * The labels (and the teacher's own rollouts) come from a teacher whose action is this many times
   * the env's teacher's, clipped to the action bounds (`scaledTeacher`, agents/teachers/teacher.ts);
   * 1 = the teacher as it is. An imitator comes out with a little less gain than its teacher, and
   * below the teacher's gain the cart-pole falls under pushes (bench/notes/2026-12-02c-latency.md).
   */
  teacherGain: number;
  /** Cap on steps per training rollout (keeps long episodes from dominating). */
  rolloutSteps: number;
  /**
   * Options of the teacher (`makeTeacher(env, options)`, agents/teachers): the built-in teachers'
   * own option names, e.g. the walker's `{ "phaseFeedback": 2 }`; empty = the teacher's defaults.
   */
  teacherOptions: Record<string, number | boolean>;
  daggerRounds: number;
  daggerEpisodes: number;
  /** β of round r is beta·0.5^(r−1): the share of steps the teacher still drives. */
  beta: number;
  patience: number;
  /** Held-out episodes (seeds 20000+) that score each round. */
  scoreEpisodes: number;
  /**
   * What a round is judged by (higher is better), per held-out episode, averaged: 'return', or
   * 'info.KEY' (a number in the last step's info), each optionally negated with a leading '-', or
   * compared with a threshold, 'info.KEY<X' / '>X' (1 when met, else 0: the share of successes).
   */
  scoreMetric: string;
  /**
   * Subtracted from a held-out episode's score when it ended by termination (the walker's fall, the
   * cart-pole's pole down): a score that sees only distance or return can prefer a round that goes
   * further but falls more. 0 = off.
   */
  scoreFailurePenalty: number;
  /**
   * Conditions the held-out score runs under (envs/perturb spec strings, 'none' = nominal); empty =
   * the training conditions. Training a notch below the evaluation's magnitudes can leave every
   * held-out episode a success, and a saturated score cannot tell the rounds apart.
   */
  scorePerturbations: string[];
  /**
   * Independent training runs (seeds seed, seed+1, …, seed+restarts−1), of which the one with the
   * best selection score is kept (`spikeloop train-controller`, agents/restarts.ts). The selection
   * score is the round score's metric, penalty and conditions on `selectionEpisodes` fresh held-out
   * episodes per condition (seeds 70000+, the same for every run): a kept round's own score has
   * been maximised over the rounds and is biased upwards. 1 = a single run. The training cost is
   * `restarts` × the budget.
   */
  restarts: number;
  selectionEpisodes: number;
  /**
   * Conditions of the selection score; empty = the round score's (`scoreConditions`). A recipe may
   * choose among runs by a condition its rounds are not scored under, e.g. an action delay.
   */
  selectionPerturbations: string[];
  /**
   * Output gains tried on every restart (its command × gain, the network unchanged), each scored on
   * the selection episodes; the run and gain with the best selection score are kept, and the kept
   * controller's action scale carries the gain. [1] = the commands as trained. Only with restarts ≥ 2:
   * one run has no selection stage. The walker's spike-seq students send about half the teacher's
   * command and walk shorter and safer or further and more fallible by seed; a gain chosen on fresh
   * episodes moves each run to its own trade-off (bench/notes/2026-12-03-lead.md).
   */
  selectionGains: number[];
  /** Quantile of the data that sets each population range (and 1 − it), and how much wider to make it. */
  rangeQuantile: number;
  rangeMargin: number;
  /** Frequency of the rhythm input (Hz); 0 = none. See `ControllerSpec.clock`. */
  clockHz: number;
  /**
   * Derived observation features (agents/features.ts, by registered name, e.g. 'reacher.jacobianT')
   * appended after the observation; `fineDims` may index them (observation length + k). Empty = none.
   */
  features: string[];
  /** Observation dimensions that also get a fine copy coded over [−fineRange, fineRange]; empty = none. */
  fineDims: number[];
  fineRange: number;
  /** A unit command = this share of the env's action bound (< 1 spends the spike range on small torques). */
  commandScale: number;
  /** Labels are sign(c)·|c|^this (1 = linear): < 1 widens the spike range of small commands (src/encoding/companding.ts). */
  commandExponent: number;
  /**
   * The saved controller sends this many times its decoded command (before the clip into the action
   * bounds): its `actionScale` = bound · commandScale · actionGain, while the labels keep the
   * teacher's scale. DAgger rollouts and round scores run the student as trained (gain 1): its drift
   * gives the teacher more recovery states to label, and its score does not saturate as soon. An
   * imitator's command comes out smaller than its teacher's where it is unsure (the mean of
   * conflicting labels), and the pendulum's and cart-pole's perturbed episodes need the full command
   * there (bench/notes/2026-12-02c-latency.md); 1 = as trained.
   */
  actionGain: number;
  /** Push/pull label code (src/labels/motor.ts): 'balanced' keeps both neurons of a channel firing. */
  motorCode: MotorCode;
  /**
   * The command a control step sends (`ControllerSpec.readout`): the motor decoder's mean over the
   * period, or its value at the period's last sub-step. The mean includes the first sub-steps, in
   * which the network still answers the previous observation, so it lags about half a control step
   * more than 'last' (bench/notes/2026-12-02b-controllers.md).
   */
  readout: 'mean' | 'last';
  /** The motor decoder's (and so the labels') PSP time constant τs in sub-steps; absent = `DEFAULT_MOTOR_PSP`'s 5. */
  decoderTauSyn?: number;
  /**
   * SNN sub-steps per control step of the saved controller (absent = `substeps`, the training's).
   * The same τ in sub-steps over more sub-steps lets the filters settle in a smaller share of the
   * period, so the end-of-period command lags less; training, DAgger and the round scores keep
   * `substeps`. The pendulum under a 3-step action delay needs the last fifth of a step of lag
   * removed (bench/notes/2026-12-02c-latency.md).
   */
  deploySubsteps?: number;
  /** Output neurons per side of each channel (src/labels/motor.ts `population`): P times finer commands. */
  motorPopulation: number;
  /**
   * Perturbation conditions (envs/perturb spec strings, 'none' = nominal) that teacher rollouts,
   * DAgger rollouts and the round scores cycle through, episode by episode: the teacher labels the
   * recovery states, the population ranges cover them, and the kept round is the most robust one.
   * Empty = nominal only.
   */
  trainPerturbations: string[];
  /**
   * Observation dimensions that also get a fine copy coded over the range of the nominal teacher
   * data, while the main code spans the perturbed data (coarse + fine); empty = none.
   */
  nominalFineDims: number[];
  /**
   * Per observation dimension, a half-width h (or null): the coarse population range is widened to
   * cover at least [−h, h], e.g. the cart-pole's failure bounds, so states that the teacher never
   * visits but a controller drifts into are still told apart instead of all clipping to the edge.
   */
  coverRange: Array<number | null>;
  /** Memory of every hidden layer (src/network config fields): recurrent weights, adaptive threshold, learned τ. */
  hiddenMemory?: HiddenMemory;
  /** Neuron (LIF) and synaptic trace (PSP) options of every layer, over the network defaults (src/network/config.ts). */
  lif?: Partial<LayerLifOptions>;
  psp?: Partial<LayerPspOptions>;
}

/** The dense-layer config fields that give a hidden layer memory (issue 11). */
export interface HiddenMemory {
  recurrent?: boolean;
  adaptive?: { beta: number; tauAdapt: number };
  learnTau?: 'layer' | 'neuron';
}

/** Defaults shared by all envs; each env's built-in preset (configs/controllers/) overrides some. */
export const DEFAULT_RECIPE: Readonly<Omit<RecipeOptions, 'env'>> = Object.freeze({
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
  lr: 3e-3,
  teacherEpisodes: 10,
  teacherNoise: 0.3,
  teacherNoiseCorrelation: 0,
  teacherGain: 1,
  rolloutSteps: 500,
  teacherOptions: {} as Record<string, number | boolean>,
  daggerRounds: 6,
  daggerEpisodes: 4,
  beta: 0.5,
  patience: 3,
  scoreEpisodes: 5,
  scoreMetric: 'return',
  scoreFailurePenalty: 0,
  scorePerturbations: [] as string[],
  restarts: 1,
  selectionEpisodes: 20,
  selectionPerturbations: [] as string[],
  selectionGains: [1] as number[],
  rangeQuantile: 0.01,
  rangeMargin: 0.25,
  clockHz: 0,
  features: [] as string[],
  fineDims: [] as number[],
  fineRange: 0.1,
  commandScale: 1,
  commandExponent: 1,
  actionGain: 1,
  motorCode: 'one-sided',
  readout: 'mean',
  motorPopulation: 1,
  trainPerturbations: [] as string[],
  nominalFineDims: [] as number[],
  coverRange: [] as Array<number | null>,
}) as Readonly<Omit<RecipeOptions, 'env'>>;

// ---- the schema: one zod type per field, messages that show the bad value ----

const show = (v: unknown): string => (v === undefined ? 'nothing' : typeof v === 'string' ? `'${v}'` : JSON.stringify(v));
const must = (what: string) => ({ error: (i: { input?: unknown }) => `must be ${what}, got ${show(i.input)}` });

const posInt = (what = 'a positive integer') => z.number(must(what)).int(must(what)).positive(must(what));
const nonNegInt = (what = 'an integer >= 0') => z.number(must(what)).int(must(what)).min(0, must(what));
const number = (what: string) => z.number(must(what)).refine(Number.isFinite, must(what));
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, must(`one of ${values.map(show).join(', ')}`));
/** 'return' or 'info.KEY', negated by a leading '-', or compared with a threshold ('info.distance<0.05': 1 when met, else 0). */
const SCORE_METRIC = /^(-?)(return|info\.[A-Za-z_$][\w$]*)(?:([<>])(-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?))?$/;
const SCORE_METRIC_TEXT = "'return' or 'info.KEY', optionally with a leading '-' or a threshold ('info.KEY<X', 'info.KEY>X')";

const memorySchema = z
  .object({
    recurrent: z.boolean(must('true or false')).optional(),
    adaptive: z
      .object({ beta: number('a finite number'), tauAdapt: number('a number > 0').refine((v) => v > 0, must('a number > 0')) })
      .strict()
      .optional(),
    learnTau: oneOf(['layer', 'neuron'] as const).optional(),
  })
  .strict();

/** A list of envs/perturb spec strings, each checked by the spec parser. */
function perturbationList() {
  return z.array(
    z.string(must('a perturbation spec string')).superRefine((s, ctx) => {
      try {
        parsePerturbation(s);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
    must("a list of perturbation specs ('none', 'pushes=0.5', …)"),
  );
}

/** The `recipe` section: each group of fields, every field optional. */
export const recipeSectionSchema = z
  .object({
    seed: nonNegInt(),
    network: z
      .object({
        hidden: z.array(posInt(), must('a list of layer sizes')).min(1, must('at least one hidden layer size')),
        substeps: z
          .number(must('an integer >= 10'))
          .int(must('an integer >= 10'))
          .min(10, must('an integer >= 10 (T >= 10 sub-steps per control step)')),
        memory: memorySchema,
        lif: lifSchema.partial(),
        psp: pspSchema.partial(),
      })
      .strict()
      .partial(),
    input: z
      .object({
        neuronsPerDim: posInt(),
        rangeQuantile: z.number(must('a number in [0, 0.5)')).min(0, must('a number in [0, 0.5)')).lt(0.5, must('a number in [0, 0.5)')),
        rangeMargin: z.number(must('a number >= 0')).min(0, must('a number >= 0')),
        coverRange: z.array(z.union([z.null(), z.number().positive()], must('null or a number > 0')), must('a list')),
        features: z.array(z.string(must('a feature name')).min(1, must('a feature name')), must('a list of feature names')),
        fineDims: z.array(nonNegInt('an observation index'), must('a list of observation indices')),
        fineRange: z.number(must('a number > 0')).positive(must('a number > 0')),
        nominalFineDims: z.array(nonNegInt('an observation index'), must('a list of observation indices')),
        clockHz: z.number(must('a number >= 0')).min(0, must('a number >= 0')),
      })
      .strict()
      .partial(),
    labels: z
      .object({ kind: oneOf(['spike-seq', 'rate'] as const) })
      .strict()
      .partial(),
    output: z
      .object({
        code: oneOf(['one-sided', 'balanced'] as const),
        population: posInt(),
        commandScale: z.number(must('a number in (0, 1]')).positive(must('a number in (0, 1]')).max(1, must('a number in (0, 1]')),
        commandExponent: z.number(must('a number in (0, 1]')).positive(must('a number in (0, 1]')).max(1, must('a number in (0, 1]')),
        readout: oneOf(['mean', 'last'] as const),
        actionGain: z.number(must('a number > 0')).positive(must('a number > 0')).refine(Number.isFinite, must('a number > 0')),
        decoderTauSyn: z.number(must('a number >= 1 (sub-steps)')).min(1, must('a number >= 1 (sub-steps)')),
        substeps: z.number(must('an integer >= 10')).int(must('an integer >= 10')).min(10, must('an integer >= 10')),
      })
      .strict()
      .partial(),
    budget: z
      .object({
        steps: posInt(),
        initialShare: z.number(must('a number in (0, 1]')).positive(must('a number in (0, 1]')).max(1, must('a number in (0, 1]')),
      })
      .strict()
      .partial(),
    training: z
      .object({
        batchSize: posInt(),
        lr: z.number(must('a number > 0')).positive(must('a number > 0')),
        window: posInt(),
        warmup: nonNegInt(),
        stride: posInt(),
      })
      .strict()
      .partial(),
    teacher: z
      .object({
        episodes: posInt(),
        noise: z.number(must('a number >= 0')).min(0, must('a number >= 0')),
        noiseCorrelation: z.number(must('a number in [0, 1)')).min(0, must('a number in [0, 1)')).lt(1, must('a number in [0, 1)')),
        gain: z.number(must('a number > 0')).positive(must('a number > 0')).refine(Number.isFinite, must('a number > 0')),
        rolloutSteps: posInt(),
        options: z.record(
          z.string(),
          z.union([number('a finite number'), z.boolean()], must('a number or true/false')),
          must('an object of teacher option values'),
        ),
      })
      .strict()
      .partial(),
    dagger: z
      .object({
        rounds: nonNegInt(),
        episodes: posInt(),
        beta: z.number(must('a number in [0, 1]')).min(0, must('a number in [0, 1]')).max(1, must('a number in [0, 1]')),
        patience: posInt(),
      })
      .strict()
      .partial(),
    perturbations: perturbationList(),
    scoring: z
      .object({
        episodes: posInt(),
        metric: z
          .string(must("'return' or 'info.KEY'"))
          .regex(SCORE_METRIC, must(SCORE_METRIC_TEXT))
          .refine((m) => !(m.startsWith('-') && /[<>]/.test(m)), must("a threshold metric without a leading '-'")),
        failurePenalty: number('a finite number >= 0').refine((v) => v >= 0, must('a finite number >= 0')),
        perturbations: perturbationList(),
      })
      .strict()
      .partial(),
    restarts: z
      .object({
        count: posInt(),
        episodes: posInt(),
        perturbations: perturbationList(),
        gains: z
          .array(
            z.number(must('a number > 0')).positive(must('a number > 0')).refine(Number.isFinite, must('a number > 0')),
            must('a list of output gains'),
          )
          .min(1, must('at least one output gain')),
      })
      .strict()
      .partial(),
  })
  .strict()
  .partial();

/** A whole config file. */
export const recipeConfigSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string(must('a string')).optional(),
    env: z.string(must('an env id')).min(1, must('an env id')).optional(),
    /** Files that register the env and its teacher (`--env-module`), relative to the config file. */
    modules: z.array(z.string(must('a file path')).min(1, must('a file path')), must('a list of file paths')).optional(),
    recipe: recipeSectionSchema.optional(),
  })
  .strict();

export type RecipeSection = z.infer<typeof recipeSectionSchema>;

// ---- flat options ↔ config paths ----

type Field = keyof Omit<RecipeOptions, 'env'>;

/** Where each recipe option lives in the config's `recipe` section (one group, or the top of the section). */
const FIELD_PATHS: { readonly [K in Field]-?: readonly [string] | readonly [string, string] } = Object.freeze({
  seed: ['seed'],
  hidden: ['network', 'hidden'],
  substeps: ['network', 'substeps'],
  hiddenMemory: ['network', 'memory'],
  lif: ['network', 'lif'],
  psp: ['network', 'psp'],
  neuronsPerDim: ['input', 'neuronsPerDim'],
  rangeQuantile: ['input', 'rangeQuantile'],
  rangeMargin: ['input', 'rangeMargin'],
  coverRange: ['input', 'coverRange'],
  features: ['input', 'features'],
  fineDims: ['input', 'fineDims'],
  fineRange: ['input', 'fineRange'],
  nominalFineDims: ['input', 'nominalFineDims'],
  clockHz: ['input', 'clockHz'],
  label: ['labels', 'kind'],
  motorCode: ['output', 'code'],
  motorPopulation: ['output', 'population'],
  commandScale: ['output', 'commandScale'],
  commandExponent: ['output', 'commandExponent'],
  readout: ['output', 'readout'],
  actionGain: ['output', 'actionGain'],
  decoderTauSyn: ['output', 'decoderTauSyn'],
  deploySubsteps: ['output', 'substeps'],
  budget: ['budget', 'steps'],
  initialShare: ['budget', 'initialShare'],
  batchSize: ['training', 'batchSize'],
  lr: ['training', 'lr'],
  window: ['training', 'window'],
  warmup: ['training', 'warmup'],
  stride: ['training', 'stride'],
  teacherEpisodes: ['teacher', 'episodes'],
  teacherNoise: ['teacher', 'noise'],
  teacherNoiseCorrelation: ['teacher', 'noiseCorrelation'],
  teacherGain: ['teacher', 'gain'],
  rolloutSteps: ['teacher', 'rolloutSteps'],
  teacherOptions: ['teacher', 'options'],
  daggerRounds: ['dagger', 'rounds'],
  daggerEpisodes: ['dagger', 'episodes'],
  beta: ['dagger', 'beta'],
  patience: ['dagger', 'patience'],
  trainPerturbations: ['perturbations'],
  scoreEpisodes: ['scoring', 'episodes'],
  scoreMetric: ['scoring', 'metric'],
  scoreFailurePenalty: ['scoring', 'failurePenalty'],
  scorePerturbations: ['scoring', 'perturbations'],
  restarts: ['restarts', 'count'],
  selectionEpisodes: ['restarts', 'episodes'],
  selectionPerturbations: ['restarts', 'perturbations'],
  selectionGains: ['restarts', 'gains'],
});

/** Every recipe option's name (the flat `RecipeOptions` fields but `env`), in config order. */
export const RECIPE_OPTION_NAMES: readonly Field[] = Object.freeze(Object.keys(FIELD_PATHS) as Field[]);

/** The config path of a recipe option, e.g. `recipe.network.hidden` for `hidden`. */
export function recipeFieldPath(field: Field): string {
  return ['recipe', ...FIELD_PATHS[field]].join('.');
}

/** The `recipe` section that sets these options (the inverse of `recipeOptionsOf`). */
export function recipeSectionOf(options: Partial<Omit<RecipeOptions, 'env'>>): RecipeSection {
  const unknown = Object.keys(options).filter((k) => !(k in FIELD_PATHS));
  if (unknown.length > 0)
    throw new Error(`recipe: unknown option(s) ${unknown.map(show).join(', ')}; known: env, ${Object.keys(FIELD_PATHS).join(', ')}`);
  const out: Record<string, unknown> = {};
  // in the order of FIELD_PATHS, so configs written from options read group by group
  for (const [field, path] of Object.entries(FIELD_PATHS)) {
    const value = (options as Record<string, unknown>)[field];
    if (value === undefined) continue;
    if (path.length === 1) out[path[0]] = value;
    else ((out[path[0]] ??= {}) as Record<string, unknown>)[path[1]] = value;
  }
  return out as RecipeSection;
}

/** The flat options a (validated) `recipe` section sets. */
function recipeOptionsOf(section: RecipeSection): Partial<Omit<RecipeOptions, 'env'>> {
  const out: Record<string, unknown> = {};
  const s = section as Record<string, unknown>;
  for (const [field, path] of Object.entries(FIELD_PATHS)) {
    const v = path.length === 1 ? s[path[0]] : (s[path[0]] as Record<string, unknown> | undefined)?.[path[1]];
    if (v !== undefined) out[field] = v;
  }
  return out as Partial<Omit<RecipeOptions, 'env'>>;
}

// ---- errors that name the field ----

function pathText(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `${s ? '.' : ''}${String(p)}`;
  return s || '(root)';
}

/** The keys an object of the schema knows at `path` (for "unknown key" errors). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: unknown = schema;
  for (const p of [...path, undefined]) {
    for (;;) {
      if (s instanceof z.ZodOptional) s = s.unwrap();
      else break;
    }
    if (p === undefined) break;
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, unknown>)[String(p)];
    else if (s instanceof z.ZodArray) s = s.element;
    else return [];
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape as object) : [];
}

function issuesText(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      if (i.code === 'unrecognized_keys') {
        const where = pathText(i.path);
        return i.keys
          .map((k) => `${where === '(root)' ? k : `${where}.${k}`}: unknown key; known: ${knownKeys(schema, i.path).join(', ')}`)
          .join('; ');
      }
      return `${pathText(i.path)}: ${i.message}`;
    })
    .join('; ');
}

// ---- parsing and loading ----

/** A parsed config: the options it sets (flat, as `trainController` takes them) and what surrounds them. */
export interface RecipeConfig {
  env?: string;
  description?: string;
  /** Module files that register the env / teacher, resolved against the config file's folder. */
  modules: string[];
  recipe: Partial<Omit<RecipeOptions, 'env'>>;
}

/**
 * Validates a recipe config (parsed JSON) and returns the options it sets. Throws
 * `recipe config[ <source>]: <field path>: <problem>` for each bad field and each unknown key.
 * `baseDir` resolves relative `modules` paths (default: the current folder).
 */
export function parseRecipeConfig(raw: unknown, source = '', baseDir = '.'): RecipeConfig {
  const r = recipeConfigSchema.safeParse(raw);
  if (!r.success) throw new Error(`recipe config${source ? ` ${source}` : ''}: ${issuesText(recipeConfigSchema, r.error.issues)}`);
  const c = r.data;
  return {
    ...(c.env !== undefined ? { env: c.env } : {}),
    ...(c.description !== undefined ? { description: c.description } : {}),
    modules: (c.modules ?? []).map((m) => resolve(baseDir, m)),
    recipe: recipeOptionsOf(c.recipe ?? {}),
  };
}

/** Reads and validates a recipe config file (JSON); errors name the file and the field. */
export function loadRecipeConfig(path: string): RecipeConfig {
  return parseRecipeConfig(readJsonFile(path, 'recipe config'), path, dirname(resolve(path)));
}

/** Folder of the built-in presets, one `<name>.json` per env (with its `env` field), shipped in the package. */
export const PRESET_DIR = ['configs', 'controllers'] as const;
const SCHEMA_FILE = 'recipe.schema.json';

/** The built-in preset files, by env id: each read through `loadRecipeConfig`, like a user's. */
export function builtinRecipePresets(): Map<string, { file: string; config: RecipeConfig }> {
  const dir = packagePath(...PRESET_DIR);
  const out = new Map<string, { file: string; config: RecipeConfig }>();
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json') || name === SCHEMA_FILE) continue;
    const file = join(dir, name);
    const config = loadRecipeConfig(file);
    if (config.env === undefined) throw new Error(`recipe config ${file}: env: a built-in preset must name its env`);
    const other = out.get(config.env);
    if (other) throw new Error(`recipe config ${file}: env: ${config.env} already has the preset ${other.file}`);
    out.set(config.env, { file, config });
  }
  return out;
}

/** The built-in preset's options for an env id (empty when it has none, e.g. a user's env). */
export function builtinRecipePreset(envId: string): Partial<Omit<RecipeOptions, 'env'>> {
  return builtinRecipePresets().get(envId)?.config.recipe ?? {};
}

/**
 * Defaults < the env's built-in preset < `opts`, checked field by field with the config schema and
 * across fields; errors name the config path of the bad field.
 */
export function resolveRecipe(opts: Pick<RecipeOptions, 'env'> & Partial<RecipeOptions>, envId: string): RecipeOptions {
  const { env, ...given } = opts;
  const merged = { ...DEFAULT_RECIPE, ...builtinRecipePreset(envId), ...given };
  const section = recipeSectionOf(merged); // rejects unknown option names
  const r = recipeSectionSchema.safeParse(section);
  if (!r.success) {
    throw new Error(
      `recipe: ${issuesText(
        recipeSectionSchema,
        r.error.issues.map((i) => ({ ...i, path: ['recipe', ...i.path] })),
      )}`,
    );
  }
  const o = { ...merged, env } as RecipeOptions;
  const fail = (field: Field, problem: string): never => {
    throw new Error(`recipe: ${recipeFieldPath(field)}: ${problem}`);
  };
  if (o.warmup >= o.window) fail('warmup', `must be an integer in 0..window−1 (window ${o.window}), got ${o.warmup}`);
  if (o.nominalFineDims.length > 0 && o.trainPerturbations.length > 0 && !o.trainPerturbations.includes('none'))
    fail('nominalFineDims', `needs 'none' among ${recipeFieldPath('trainPerturbations')} (the nominal data sets their range)`);
  return o;
}

/** The numbers a held-out episode is scored by, per `RecipeOptions.scoreMetric`. */
export function scoreOf(metric: string, outcome: { return: number; info: Record<string, unknown> }): number {
  const m = SCORE_METRIC.exec(metric);
  if (!m) throw new Error(`recipe: scoring.metric must be ${SCORE_METRIC_TEXT}, got '${metric}'`);
  const [, minus, what, op, threshold] = m;
  let v: number;
  if (what === 'return') v = outcome.return;
  else {
    const key = what!.slice('info.'.length);
    const x = outcome.info[key];
    if (typeof x !== 'number') throw new Error(`recipe: scoring.metric '${metric}': the episode's last info has no number '${key}'`);
    v = x;
  }
  if (op) return (op === '<' ? v < Number(threshold) : v > Number(threshold)) ? 1 : 0;
  return minus ? -v : v;
}

/** The JSON Schema of a config file, as configs/controllers/recipe.schema.json holds it (scripts/emit-recipe-schema.ts writes it). */
export function recipeJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(recipeConfigSchema, { unrepresentable: 'any', io: 'input' }),
    title: 'spikeloop controller recipe config',
    description: 'Options of `spikeloop train-controller --config FILE` (agents/recipeConfig.ts); every field is optional.',
  };
}

/**
 * A spiking controller as stored on disk: a src/train checkpoint folder (`model.json`,
 * `weights.bin`) plus `controller.json`, which carries everything else needed to drive the env
 * from the folder alone — env id, label kind, sub-steps, population code, motor decoder, action
 * scaling. `policyFromNetwork` turns a trained `Sequential` into a batch-1 event-driven
 * `SpikingPolicy` (src/inference) with that encoder and decoder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadCheckpoint, restoreNetwork, saveCheckpoint } from '../src/train/checkpoint.ts';
import type { Sequential } from '../src/network/sequential.ts';
import { fromSequential } from '../src/inference/fromSequential.ts';
import { EventDrivenNetwork } from '../src/inference/engine.ts';
import { createSpikingPolicy, type ObservationEncoder } from '../src/inference/policy.ts';
import { populationCurrentEncoder } from '../src/inference/encoders.ts';
import type { SpikingPolicy } from '../src/stream/events.ts';
import { expandCommand } from '../src/encoding/companding.ts';
import { nodeFsOps } from '../src/train/fsOps.ts';
import { resolveControllerDir, saveControllerFolder } from './controllerFolder.ts';
import { computeFeatures, featureDims } from './features.ts';

export const CONTROLLER_FORMAT = 'spikeloop-controller';
export const CONTROLLER_VERSION = 1;
export const CONTROLLER_FILE = 'controller.json';

export type LabelKind = 'spike-seq' | 'rate';

const finite = z.number().refine(Number.isFinite, 'must be finite');

export const controllerSpecSchema = z
  .object({
    format: z.literal(CONTROLLER_FORMAT),
    version: z.literal(CONTROLLER_VERSION),
    /** Versioned env id (e.g. 'CartPoleContinuous-v1'). */
    env: z.string().min(1),
    label: z.enum(['spike-seq', 'rate']),
    substeps: z.number().int().min(1).max(65535),
    population: z
      .object({
        low: z.array(finite).min(1),
        high: z.array(finite).min(1),
        neuronsPerDim: z.number().int().min(2),
        width: z.number().positive(),
        peak: finite,
      })
      .strict(),
    decoder: z
      .object({
        gain: z.number().positive(),
        psp: z
          .object({ tauSyn: z.number().min(1), alpha: z.number().min(0).lt(1).optional(), scale: z.enum(['none', 'unit-area']) })
          .strict(),
        /** Output neurons per side (push, pull) of each channel; absent = 1 (src/labels/motor.ts). */
        population: z.number().int().min(1).max(64).optional(),
      })
      .strict(),
    readout: z.enum(['mean', 'last']),
    /**
     * Optional rhythm input: sin/cos of 2π·hz·t (t = control step · dtS since the episode start)
     * appended to the observation before population coding. Imitating a CPG teacher (walker) needs
     * its phase, which the body's state does not determine.
     */
    clock: z.object({ hz: z.number().positive(), dtS: z.number().positive() }).strict().optional(),
    /**
     * Optional derived features (agents/features.ts, by registered name), computed from each
     * observation and appended right after it (before the clock); fine copies may name their dims.
     */
    features: z.array(z.string().min(1)).min(1).optional(),
    /**
     * Optional fine copies of observation dimensions (appended after the clock) whose population
     * ranges are narrow: a wide code cannot resolve the last centimetres of a reach.
     */
    fine: z
      .object({ dims: z.array(z.number().int().nonnegative()).min(1) })
      .strict()
      .optional(),
    /**
     * Optional power-law companding of the command (src/encoding/companding.ts): the network was
     * trained on sign(c)·|c|^exponent, so its decoded output is expanded by the inverse power.
     */
    commandExponent: z.number().positive().max(1).optional(),
    /** Env action per unit command, per channel. */
    actionScale: z.array(z.number().positive()).min(1),
    /** Env action bounds (the decoded action is clipped into them). */
    actionLow: z.array(finite).min(1),
    actionHigh: z.array(finite).min(1),
    /** Free-form record of how it was trained (recipe options, rounds, wall time). */
    training: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type ControllerSpec = z.infer<typeof controllerSpecSchema>;

/** Validates a parsed controller.json; errors name the field. */
export function parseControllerSpec(raw: unknown, where = CONTROLLER_FILE): ControllerSpec {
  const r = controllerSpecSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new Error(`${where}: ${lines.join('; ')}`);
  }
  const s = r.data;
  const dims = s.population.low.length;
  if (s.population.high.length !== dims)
    throw new Error(`${where}: population.low has ${dims} dims, population.high has ${s.population.high.length}`);
  const C = s.actionLow.length;
  if (s.actionHigh.length !== C) throw new Error(`${where}: actionLow has ${C} values, actionHigh has ${s.actionHigh.length}`);
  if (s.actionScale.length !== 1 && s.actionScale.length !== C)
    throw new Error(`${where}: actionScale has ${s.actionScale.length} values, need 1 or ${C}`);
  return s;
}

/**
 * Rewrites controller.json of an existing controller folder (temp file, fsync, rename, fsync): the
 * checkpoint beside it is unchanged, so either the old or the new spec is read with it. A whole
 * new controller is written with `saveControllerFolder` (agents/controllerFolder.ts).
 */
export function saveControllerSpec(dir: string, spec: ControllerSpec): void {
  parseControllerSpec(spec, 'saveControllerSpec');
  const tmp = join(dir, `${CONTROLLER_FILE}.tmp`);
  nodeFsOps.writeFileSynced(tmp, JSON.stringify(spec, null, 1));
  nodeFsOps.rename(tmp, join(dir, CONTROLLER_FILE));
  nodeFsOps.fsyncDir(dir);
}

export interface LoadedController {
  spec: ControllerSpec;
  network: Sequential;
}

/**
 * Reads a controller folder: checkpoint + controller.json, checked against each other. After a save
 * interrupted between its renames it reads the previous controller (`<dir>.prev`). The caller
 * disposes `network`.
 */
export function loadController(requested: string): LoadedController {
  const { dir, spec } = readControllerSpec(requested);
  const network = restoreNetwork(loadCheckpoint(dir));
  try {
    checkCompatible(spec, network, dir);
  } catch (e) {
    network.dispose();
    throw e;
  }
  return { spec, network };
}

/** Reads and validates a controller folder's controller.json alone (no weights, no tfjs): e.g. which env it drives. */
export function readControllerSpec(requested: string): { dir: string; spec: ControllerSpec } {
  const dir = resolveControllerDir(requested) ?? requested;
  const file = join(dir, CONTROLLER_FILE);
  if (!existsSync(file))
    throw new Error(`controller ${dir}: no ${CONTROLLER_FILE} (not a controller folder; train one with 'spikeloop train-controller')`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`controller ${dir}: ${CONTROLLER_FILE} is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  return { dir, spec: parseControllerSpec(raw, `controller ${dir}: ${CONTROLLER_FILE}`) };
}

function checkCompatible(spec: ControllerSpec, network: Sequential, dir: string): void {
  const inputs = network.config.inputShape.reduce((a, b) => a * b, 1);
  const need = spec.population.low.length * spec.population.neuronsPerDim;
  if (inputs !== need) throw new Error(`controller ${dir}: the network takes ${inputs} inputs, the population code gives ${need}`);
  const outputs = network.outputShape.reduce((a, b) => a * b, 1);
  const perChannel = 2 * (spec.decoder.population ?? 1);
  if (outputs !== perChannel * spec.actionLow.length)
    throw new Error(
      `controller ${dir}: the network has ${outputs} outputs, ${spec.actionLow.length} action channels need ${perChannel * spec.actionLow.length}`,
    );
}

/** Clock features of control step `step`: [sin, cos] of 2π·hz·step·dtS. */
export function clockFeatures(clock: NonNullable<ControllerSpec['clock']>, step: number): [number, number] {
  const a = 2 * Math.PI * clock.hz * step * clock.dtS;
  return [Math.sin(a), Math.cos(a)];
}

type Augmentation = Pick<ControllerSpec, 'clock' | 'fine' | 'features'>;

/** How many values `augmentObservation` appends. */
export function extraDims(spec: Augmentation): number {
  return (spec.features ? featureDims(spec.features) : 0) + (spec.clock ? 2 : 0) + (spec.fine?.dims.length ?? 0);
}

/**
 * The observation the population code sees: the env's, its derived features (`features`), the
 * clock features, then the fine copies (`fine.dims` index the observation followed by its features).
 */
export function augmentObservation(spec: Augmentation, observation: ArrayLike<number>, step: number): Float64Array {
  const extra = extraDims(spec);
  if (extra === 0) return Float64Array.from(observation);
  const out = new Float64Array(observation.length + extra);
  out.set(Array.from(observation));
  let k = spec.features ? computeFeatures(spec.features, observation, out, observation.length) : observation.length;
  const base = k;
  if (spec.clock) {
    const [s, c] = clockFeatures(spec.clock, step);
    out[k++] = s;
    out[k++] = c;
  }
  for (const d of spec.fine?.dims ?? []) {
    if (d >= base)
      throw new Error(`fine dims: dimension ${d} outside the ${base}-value observation${base > observation.length ? ' and features' : ''}`);
    out[k++] = out[d]!;
  }
  return out;
}

/** Population currents of the augmented observation; the clock's step counter restarts on reset. */
function controllerEncoder(spec: ControllerSpec): ObservationEncoder {
  const inner = populationCurrentEncoder(spec.population);
  if (extraDims(spec) === 0) return inner;
  let step = 0;
  return {
    size: inner.size,
    spiking: inner.spiking,
    reset: () => {
      step = 0;
      inner.reset();
    },
    setObservation: (x) => inner.setObservation(augmentObservation(spec, x, step++)),
    next: () => inner.next(),
  };
}

/** Batch-1 event-driven policy for a trained network; its action is already clipped into the env's bounds. */
export function policyFromNetwork(network: Sequential, spec: ControllerSpec): SpikingPolicy {
  const inner = createSpikingPolicy({
    network: new EventDrivenNetwork(fromSequential(network)),
    encoder: controllerEncoder(spec),
    substeps: spec.substeps,
    decoder: spec.decoder,
    readout: spec.readout,
    actionScale: spec.actionScale,
  });
  const lo = spec.actionLow;
  const hi = spec.actionHigh;
  const gamma = spec.commandExponent ?? 1;
  const scale = (c: number): number => spec.actionScale[spec.actionScale.length === 1 ? 0 : c]!;
  return {
    layerSizes: inner.layerSizes,
    substeps: inner.substeps,
    reset: () => inner.reset(),
    step(observation) {
      const out = inner.step(observation);
      for (let c = 0; c < out.action.length; c++) {
        const a = gamma === 1 ? out.action[c]! : expandCommand(out.action[c]! / scale(c), gamma) * scale(c);
        out.action[c] = Math.min(hi[c]!, Math.max(lo[c]!, a));
      }
      return out;
    },
  };
}

/** Loads a controller folder straight into a policy (the tfjs network is released once copied). */
export function loadPolicy(dir: string): { spec: ControllerSpec; policy: SpikingPolicy } {
  const { spec, network } = loadController(dir);
  try {
    return { spec, policy: policyFromNetwork(network, spec) };
  } finally {
    network.dispose();
  }
}

/**
 * Copies a controller folder without the optimiser and trainer state (a third of the size): what
 * is committed as a fixture or a result. The copy drives the env exactly like the original.
 */
export function exportController(src: string, dst: string): void {
  const { spec, network } = loadController(src);
  network.dispose();
  const from = resolveControllerDir(src) ?? src;
  const ckpt = loadCheckpoint(from);
  // the plot of the training rounds (agents/trainingPlot.ts) travels with the controller
  const plot = join(from, 'training.svg');
  saveControllerFolder(dst, {
    writeCheckpoint: (dir, opts) => saveCheckpoint(dir, { network: ckpt.network, weights: ckpt.weights, metrics: ckpt.metrics }, opts),
    spec,
    ...(existsSync(plot) ? { files: { 'training.svg': readFileSync(plot, 'utf8') } } : {}),
  });
}

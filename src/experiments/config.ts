/**
 * Classification experiment configs (JSON, validated with zod; errors name the field):
 *
 *   { name, dataset: 'cifar10' | 'nmnist', network: <network config>, data: {...}, train: {...}, label: {...} }
 *
 * `network` is the schema of src/network/config.ts. `data.frames` (N-MNIST) must give as many
 * bins as the network's T; CIFAR-10 images are static currents repeated over T (input: 'current').
 * `label.type` picks the objective: 'spike-seq' (desired trains + PSP loss, TSSL-BP) or 'rate'
 * (firing-rate targets + STBP rate loss); everything else stays the same, so the two compare.
 */
import { z } from 'zod';
import { networkConfigSchema, parseNetworkConfig, type ResolvedNetworkConfig } from '../network/config.ts';
import { pspSchema } from '../layers/neuronOptions.ts';
import { issueTexts, readJsonFile } from '../util/jsonFile.ts';

const posInt = z.number().int().positive();

export const optimizerSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('sgd'),
      lr: z.number().positive(),
      momentum: z.number().min(0).lt(1).optional(),
      weightDecay: z.number().min(0).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.enum(['adam', 'adamw']),
      lr: z.number().positive(),
      beta1: z.number().min(0).lt(1).optional(),
      beta2: z.number().min(0).lt(1).optional(),
      epsilon: z.number().positive().optional(),
      weightDecay: z.number().min(0).optional(),
    })
    .strict(),
]);

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant') }).strict(),
  z.object({ kind: z.literal('step'), stepSize: posInt, gamma: z.number().positive().max(1) }).strict(),
  // totalSteps absent: the runner sets it to the planned number of optimizer steps
  z.object({ kind: z.literal('cosine'), totalSteps: posInt.optional(), minLr: z.number().min(0).optional() }).strict(),
]);

const dataSchema = z
  .object({
    /** N-MNIST framing (src/data/nmnist.ts FrameOptions); `steps` must equal network.T. */
    windowMs: z.number().positive().optional(),
    steps: posInt.optional(),
    mode: z.enum(['binary', 'count']).optional(),
    downsample: posInt.optional(),
    flatten: z.boolean().optional(),
    /** CIFAR-10: random crop (pad 4) + horizontal flip on training batches. */
    augment: z.boolean().optional(),
    /** CIFAR-10 training files to read (data_batch_<i>.bin). */
    trainBatches: z.array(z.number().int().min(1).max(5)).min(1).optional(),
  })
  .strict();

const trainSchema = z
  .object({
    batchSize: posInt,
    epochs: posInt,
    optimizer: optimizerSchema,
    schedule: scheduleSchema.optional(),
    clipGradNorm: z.number().positive().optional(),
    weightClamp: z.number().positive().optional(),
    /** Use only the first N training / test samples (after a seeded shuffle for training). */
    trainLimit: posInt.optional(),
    testLimit: posInt.optional(),
    /** Samples per epoch; successive epochs take successive chunks of the (shuffled) training set. */
    epochSamples: posInt.optional(),
    /** Stop after the epoch during which this many minutes of training have passed. */
    timeLimitMin: z.number().positive().optional(),
    seed: z.number().int().nonnegative().optional(),
  })
  .strict();

const labelSchema = z
  .object({
    type: z.enum(['spike-seq', 'rate']),
    /** Desired train of the target neuron (src/labels/classification.ts). */
    pattern: z.union([z.enum(['tssl', 'every-k']), z.array(z.union([z.literal(0), z.literal(1)]))]).optional(),
    k: posInt.optional(),
    /** PSP of the spike-sequence loss and of the readout. */
    psp: pspSchema.partial().optional(),
    reduction: z.enum(['sum', 'mean']).optional(),
    /** Rate targets in spikes per step; high defaults to the spike-seq pattern's density (same spike budget). */
    rateHigh: z.number().min(0).max(1).optional(),
    rateLow: z.number().min(0).max(1).optional(),
  })
  .strict();

export const experimentConfigSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    description: z.string().optional(),
    dataset: z.enum(['cifar10', 'nmnist']),
    network: networkConfigSchema,
    data: dataSchema.optional(),
    train: trainSchema,
    label: labelSchema,
  })
  .strict();

export type ExperimentConfig = z.infer<typeof experimentConfigSchema>;

export interface ResolvedExperiment extends ExperimentConfig {
  /** The network config with every default filled in. */
  resolvedNetwork: ResolvedNetworkConfig;
}

/** Validates `raw`; throws `experiment config[ <source>]: <field path>: <problem>`. */
export function parseExperimentConfig(raw: unknown, source = ''): ResolvedExperiment {
  const where = source ? `experiment config ${source}` : 'experiment config';
  const r = experimentConfigSchema.safeParse(raw);
  if (!r.success) throw new Error(`${where}: ${issueTexts(r.error.issues).join('; ')}`);
  const c = r.data;
  let resolvedNetwork: ResolvedNetworkConfig;
  try {
    resolvedNetwork = parseNetworkConfig(c.network);
  } catch (e) {
    throw new Error(`${where}: network: ${(e as Error).message}`, { cause: e });
  }
  const T = c.network.T;
  const last = c.network.layers.at(-1)!;
  if (last.type !== 'dense')
    throw new Error(
      `${where}: network.layers.${c.network.layers.length - 1}: the output layer must be dense (one neuron per class), got ${last.type}`,
    );
  if (last.units !== 10)
    throw new Error(`${where}: network.layers.${c.network.layers.length - 1}.units: ${c.dataset} has 10 classes, got ${last.units}`);
  if (c.dataset === 'nmnist') {
    const steps = c.data?.steps ?? 30;
    if (steps !== T) throw new Error(`${where}: data.steps: N-MNIST frames give ${steps} bins, network.T is ${T}`);
    if (resolvedNetwork.input !== 'spikes')
      throw new Error(`${where}: network.input: N-MNIST frames are spikes, got '${resolvedNetwork.input}'`);
    const side = Math.ceil(34 / (c.data?.downsample ?? 1));
    const want = c.data?.flatten ? [side * side * 2] : [side, side, 2];
    if (c.network.inputShape.join(',') !== want.join(','))
      throw new Error(
        `${where}: network.inputShape: N-MNIST frames with these data options are [${want.join(', ')}], got [${c.network.inputShape.join(', ')}]`,
      );
    if (c.data?.augment || c.data?.trainBatches) throw new Error(`${where}: data: augment and trainBatches are CIFAR-10 options`);
  } else {
    if (c.network.inputShape.join(',') !== '32,32,3')
      throw new Error(`${where}: network.inputShape: CIFAR-10 images are [32, 32, 3], got [${c.network.inputShape.join(', ')}]`);
    if (resolvedNetwork.input !== 'current')
      throw new Error(`${where}: network.input: CIFAR-10 images are fed as currents, set input: 'current'`);
    for (const f of ['windowMs', 'steps', 'mode', 'downsample', 'flatten'] as const) {
      if (c.data?.[f] !== undefined) throw new Error(`${where}: data.${f}: an N-MNIST option, not valid for CIFAR-10`);
    }
  }
  if (c.label.pattern !== undefined && typeof c.label.pattern !== 'string' && c.label.pattern.length !== T) {
    throw new Error(`${where}: label.pattern: has ${c.label.pattern.length} steps, network.T is ${T}`);
  }
  return { ...c, resolvedNetwork };
}

/** Reads and validates a JSON config file; errors name the file. */
export function loadExperimentConfig(path: string): ResolvedExperiment {
  return parseExperimentConfig(readJsonFile(path, 'experiment config'), path);
}

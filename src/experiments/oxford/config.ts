/**
 * Oxford spike-to-spike regression configs (JSON, validated with zod; errors name the field):
 *
 *   { name, network, train: {budgetSec, optimizer, ...}, spikeSeq: {psp, kernel, reduction}, rate: {reduction}, metrics }
 *
 * One network config serves both objectives, trained from the same initial weights for the same
 * wall-clock budget: 'spike-seq' (the spike-sequence loss against the target raster) and 'rate'
 * (the rate loss against each neuron's target spike count / T). The network's input width is the
 * input raster's neuron count, its last dense layer the target's.
 */
import { z } from 'zod';
import { pspSchema } from '../../layers/neuronOptions.ts';
import { networkConfigSchema, parseNetworkConfig, type ResolvedNetworkConfig } from '../../network/config.ts';
import { optimizerSchema } from '../config.ts';
import { issueTexts, readJsonFile } from '../../util/jsonFile.ts';

const trainSchema = z
  .object({
    /** Wall-clock seconds of training per objective; the loop stops before a step that would start past it. */
    budgetSec: z.number().positive(),
    /** Also stop after this many epochs (one epoch = one optimizer step on the one example). */
    maxEpochs: z.number().int().positive().optional(),
    optimizer: optimizerSchema,
    /**
     * Learning rate over the budget: 'constant', or 'cosine' from lr to minLr as the elapsed share
     * of the budget goes from 0 to 1 (a time-based horizon, since the step count is not known ahead).
     */
    schedule: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('constant') }).strict(),
        z.object({ kind: z.literal('cosine'), minLr: z.number().min(0) }).strict(),
      ])
      .optional(),
    clipGradNorm: z.number().positive().optional(),
    /** Seconds of training between metric snapshots (recorded in results.json); absent: none. */
    snapshotEverySec: z.number().positive().optional(),
  })
  .strict();

export const oxfordConfigSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    description: z.string().optional(),
    network: networkConfigSchema,
    train: trainSchema,
    spikeSeq: z
      .object({
        psp: pspSchema.partial(),
        kernel: z.enum(['first-order', 'alpha']).optional(),
        reduction: z.enum(['sum', 'mean']).optional(),
      })
      .strict(),
    rate: z
      .object({ reduction: z.enum(['sum', 'mean']).optional() })
      .strict()
      .optional(),
    metrics: z
      .object({ tauSteps: z.number().positive().optional(), windowSteps: z.number().int().min(0).optional() })
      .strict()
      .optional(),
  })
  .strict();

export type OxfordConfig = z.infer<typeof oxfordConfigSchema>;

export interface ResolvedOxfordConfig extends OxfordConfig {
  resolvedNetwork: ResolvedNetworkConfig;
  inputNeurons: number;
  outputNeurons: number;
}

/** Validates `raw`; throws `oxford config[ <source>]: <field path>: <problem>`. */
export function parseOxfordConfig(raw: unknown, source = ''): ResolvedOxfordConfig {
  const where = source ? `oxford config ${source}` : 'oxford config';
  const r = oxfordConfigSchema.safeParse(raw);
  if (!r.success) throw new Error(`${where}: ${issueTexts(r.error.issues).join('; ')}`);
  const c = r.data;
  let resolvedNetwork: ResolvedNetworkConfig;
  try {
    resolvedNetwork = parseNetworkConfig(c.network);
  } catch (e) {
    throw new Error(`${where}: network: ${(e as Error).message}`, { cause: e });
  }
  if (c.network.inputShape.length !== 1)
    throw new Error(`${where}: network.inputShape: the input raster is [neurons], got [${c.network.inputShape.join(', ')}]`);
  if (resolvedNetwork.input !== 'spikes') throw new Error(`${where}: network.input: the input is a spike raster, set input: 'spikes'`);
  const last = c.network.layers.at(-1)!;
  if (last.type !== 'dense')
    throw new Error(
      `${where}: network.layers.${c.network.layers.length - 1}: the output layer must be dense (one neuron per target neuron), got ${last.type}`,
    );
  return { ...c, resolvedNetwork, inputNeurons: c.network.inputShape[0]!, outputNeurons: last.units };
}

/** Reads and validates a JSON config file; errors name the file. */
export function loadOxfordConfig(path: string): ResolvedOxfordConfig {
  return parseOxfordConfig(readJsonFile(path, 'oxford config'), path);
}

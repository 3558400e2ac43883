/**
 * JSON-serialisable network configs, validated with zod at the edge (errors name the field).
 *
 *   { T, inputShape, input: 'spikes' | 'current', seed, lif?, psp?, layers: [{type, ...}] }
 *
 * `lif` / `psp` at the top are the defaults of every layer; a layer's own `lif` / `psp` override
 * them field by field. Layer types: dense, conv2d, avgpool, maxpool, flatten, dropout. A dense layer
 * may be recurrent (`recurrent: true`), adaptive (`adaptive: {beta, tauAdapt}`), train its leak
 * (`learnTau: 'layer' | 'neuron'`) and delay its output (`delay: k` steps); a dense or conv2d layer
 * may train its PSP decay (`learnPspAlpha: true`, α = sigmoid(w) per layer).
 */
import { z } from 'zod';
import {
  DEFAULT_LAYER_LIF,
  DEFAULT_LAYER_PSP,
  lifSchema,
  pspSchema,
  type LayerLifOptions,
  type LayerPspOptions,
} from '../layers/neuronOptions.ts';
import { issueTexts } from '../util/jsonFile.ts';

const posInt = z.number().int().positive();
const neuronOverrides = {
  lif: lifSchema.partial().optional(),
  psp: pspSchema.partial().optional(),
};
const name = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only')
  .optional();
const synapseInput = z.enum(['psp', 'spike']).optional();
const batchNorm = z
  .union([z.boolean(), z.object({ momentum: z.number().gt(0).max(1).optional(), epsilon: z.number().positive().optional() }).strict()])
  .optional();

const denseSchema = z
  .object({
    type: z.literal('dense'),
    name,
    units: posInt,
    bias: z.boolean().optional(),
    weightScale: z.number().positive().optional(),
    synapseInput,
    batchNorm,
    ...neuronOverrides,
    recurrent: z.boolean().optional(),
    recurrentScale: z.number().positive().optional(),
    adaptive: z.object({ beta: z.number().finite(), tauAdapt: z.number().positive() }).strict().optional(),
    learnTau: z.enum(['layer', 'neuron']).optional(),
    delay: z.number().int().nonnegative().optional(),
    learnPspAlpha: z.boolean().optional(),
  })
  .strict();

const conv2dSchema = z
  .object({
    type: z.literal('conv2d'),
    name,
    filters: posInt,
    kernelSize: z.union([posInt, z.tuple([posInt, posInt])]),
    stride: z.union([posInt, z.tuple([posInt, posInt])]).optional(),
    padding: z.union([z.enum(['same', 'valid']), z.number().int().nonnegative()]).optional(),
    bias: z.boolean().optional(),
    weightScale: z.number().positive().optional(),
    synapseInput,
    batchNorm,
    ...neuronOverrides,
    learnPspAlpha: z.boolean().optional(),
  })
  .strict();

const poolFields = {
  name,
  poolSize: posInt.optional(),
  stride: posInt.optional(),
  on: z.enum(['spikes', 'psp']).optional(),
  scale: z.number().positive().optional(),
  psp: pspSchema.partial().optional(),
};
const avgPoolSchema = z.object({ type: z.literal('avgpool'), ...poolFields }).strict();
const maxPoolSchema = z.object({ type: z.literal('maxpool'), ...poolFields }).strict();
const flattenSchema = z.object({ type: z.literal('flatten'), name }).strict();
const dropoutSchema = z.object({ type: z.literal('dropout'), name, rate: z.number().min(0).lt(1) }).strict();

export const layerConfigSchema = z.discriminatedUnion('type', [
  denseSchema,
  conv2dSchema,
  avgPoolSchema,
  maxPoolSchema,
  flattenSchema,
  dropoutSchema,
]);

export const networkConfigSchema = z
  .object({
    T: posInt,
    inputShape: z.array(posInt).min(1),
    input: z.enum(['spikes', 'current']).optional(),
    seed: z.number().int().optional(),
    ...neuronOverrides,
    layers: z.array(layerConfigSchema).min(1),
  })
  .strict();

export type LayerConfig = z.infer<typeof layerConfigSchema>;
export type NetworkConfig = z.infer<typeof networkConfigSchema>;

/** A config with every default filled in (what checkpoints store). */
export interface ResolvedNetworkConfig extends Omit<NetworkConfig, 'input' | 'seed' | 'lif' | 'psp'> {
  input: 'spikes' | 'current';
  seed: number;
  lif: LayerLifOptions;
  psp: LayerPspOptions;
}

/** Validates `raw` and fills in defaults; throws `network config: <field path>: <problem>`. */
export function parseNetworkConfig(raw: unknown): ResolvedNetworkConfig {
  const r = networkConfigSchema.safeParse(raw);
  if (!r.success) throw new Error(`network config: ${issueTexts(r.error.issues).join('; ')}`);
  const c = r.data;
  return {
    ...c,
    input: c.input ?? 'spikes',
    seed: c.seed ?? 0,
    lif: { ...DEFAULT_LAYER_LIF, ...c.lif } as LayerLifOptions,
    psp: { ...DEFAULT_LAYER_PSP, ...c.psp } as LayerPspOptions,
  };
}

/**
 * Adapter from a trained `src/network` `Sequential` to the plain-data spec of the event-driven
 * engine. Typed against the few members it reads (structurally satisfied by `Sequential`), so the
 * inference code never loads tfjs.
 *
 *   dense    → DenseLayerSpec (kernel `<name>/kernel` [in, out], optional `<name>/bias`,
 *              lif/psp = network defaults overridden field by field by the layer's own;
 *              `recurrent` → `<name>/recurrent`, `adaptive` → β and ρ = exp(−1/τa),
 *              `learnTau` → λ = sigmoid(`<name>/decayLogit`) per neuron, `delay` as is)
 *   dropout  → dropped (identity at inference)
 *   flatten  → dropped (row-major flattening is how the engine reads its flat input anyway)
 *   conv2d, avgpool, maxpool → error: the engine runs dense layers only
 */
import type { PspOptions } from '../neurons/defaults.ts';
import type { DenseLayerSpec, EventNetworkSpec, LifParams } from './spec.ts';

/** The synapse a dense layer uses when its config does not say (`DEFAULT_DENSE.synapseInput` in src/layers/dense.ts). */
const DEFAULT_DENSE_SYNAPSE = 'psp';

export interface SequentialLike {
  readonly config: {
    readonly inputShape: readonly number[];
    readonly lif: LifParams;
    readonly psp: PspOptions;
    readonly layers: ReadonlyArray<{
      readonly type: string;
      readonly synapseInput?: 'psp' | 'spike' | undefined;
      readonly lif?: Partial<LifParams> | undefined;
      readonly psp?: Partial<PspOptions> | undefined;
      readonly recurrent?: boolean | undefined;
      readonly adaptive?: { readonly beta: number; readonly tauAdapt: number } | undefined;
      readonly learnTau?: 'layer' | 'neuron' | undefined;
      readonly delay?: number | undefined;
      readonly learnPspAlpha?: boolean | undefined;
    }>;
  };
  readonly layers: ReadonlyArray<{ readonly name: string; readonly type: string; readonly outputShape: readonly number[] }>;
  getWeights(): Array<{ name: string; shape: number[]; values: Float32Array }>;
}

type LayerConfigLike = SequentialLike['config']['layers'][number];

/** The optional memory of a dense layer (recurrence, adaptation, trained leak, delay) as spec fields. */
function memoryOf(
  cfg: LayerConfigLike,
  name: string,
  units: number,
  weights: Map<string, { name: string; shape: number[]; values: Float32Array }>,
): Partial<DenseLayerSpec> {
  const need = (suffix: string, size: number): Float32Array => {
    const w = weights.get(`${name}/${suffix}`);
    if (!w) throw new Error(`fromSequential: layer '${name}' has no weight '${name}/${suffix}'`);
    if (w.values.length !== size) throw new Error(`fromSequential: '${name}/${suffix}' has ${w.values.length} values, expected ${size}`);
    return w.values;
  };
  const out: Partial<DenseLayerSpec> = {};
  if (cfg.recurrent) out.recurrent = Float32Array.from(need('recurrent', units * units));
  if (cfg.adaptive) out.adaptation = { beta: cfg.adaptive.beta, rho: Math.exp(-1 / cfg.adaptive.tauAdapt) };
  if (cfg.learnTau) {
    const logit = need('decayLogit', cfg.learnTau === 'neuron' ? units : 1);
    out.decays = Float32Array.from({ length: units }, (_, j) => 1 / (1 + Math.exp(-logit[cfg.learnTau === 'neuron' ? j : 0]!)));
  }
  if (cfg.delay) out.delay = cfg.delay;
  return out;
}

/** Builds the engine spec of a dense (MLP) network; throws naming the first layer it cannot run. */
export function fromSequential(network: SequentialLike): EventNetworkSpec {
  const weights = new Map(network.getWeights().map((w) => [w.name, w]));
  const layers: DenseLayerSpec[] = [];
  let inSize = network.config.inputShape.reduce((a, b) => a * b, 1);
  network.config.layers.forEach((cfg, i) => {
    const layer = network.layers[i];
    if (!layer) throw new Error(`fromSequential: config has layer ${i} but the network has ${network.layers.length} layers`);
    switch (cfg.type) {
      case 'dropout':
      case 'flatten':
        return;
      case 'dense': {
        const kernel = weights.get(`${layer.name}/kernel`);
        if (!kernel) throw new Error(`fromSequential: layer ${i} '${layer.name}' has no weight '${layer.name}/kernel'`);
        const [rows, outSize] = kernel.shape;
        if (kernel.shape.length !== 2 || rows !== inSize || outSize === undefined) {
          throw new Error(`fromSequential: '${layer.name}/kernel' has shape [${kernel.shape.join(', ')}], expected [${inSize}, units]`);
        }
        const bias = weights.get(`${layer.name}/bias`);
        if (bias && bias.values.length !== outSize)
          throw new Error(`fromSequential: '${layer.name}/bias' has ${bias.values.length} values, expected ${outSize}`);
        const lifIn = { ...network.config.lif, ...cfg.lif };
        const lif: LifParams = {
          tauMem: lifIn.tauMem,
          threshold: lifIn.threshold,
          reset: lifIn.reset,
          ...(lifIn.decay !== undefined ? { decay: lifIn.decay } : {}),
        };
        const pspIn = { ...network.config.psp, ...cfg.psp };
        // a trained α (sigmoid of `<layer>/pspAlphaLogit`) replaces the configured one
        const learned = cfg.learnPspAlpha ? weights.get(`${layer.name}/pspAlphaLogit`) : undefined;
        if (cfg.learnPspAlpha && learned?.values.length !== 1)
          throw new Error(`fromSequential: layer '${layer.name}' needs one value in '${layer.name}/pspAlphaLogit'`);
        const alpha = learned ? 1 / (1 + Math.exp(-learned.values[0]!)) : pspIn.alpha;
        const psp: PspOptions = { tauSyn: pspIn.tauSyn, scale: pspIn.scale, ...(alpha !== undefined ? { alpha } : {}) };
        layers.push({
          kind: 'dense',
          inSize,
          outSize,
          W: Float32Array.from(kernel.values),
          ...(bias ? { bias: Float32Array.from(bias.values) } : {}),
          lif,
          synapseInput: cfg.synapseInput ?? DEFAULT_DENSE_SYNAPSE,
          psp,
          ...memoryOf(cfg, layer.name, outSize, weights),
        });
        inSize = outSize;
        return;
      }
      default:
        throw new Error(
          `fromSequential: layer ${i} '${layer.name}' is ${cfg.type}; the event-driven engine runs dense, dropout and flatten layers only`,
        );
    }
  });
  if (layers.length === 0) throw new Error('fromSequential: the network has no dense layer');
  return { layers };
}

/**
 * A feed-forward SNN over time-major tensors, built from a validated JSON config:
 *
 *   x [T, B, ...inputShape] (spikes or currents) or static [B, ...inputShape] (repeated over T)
 *     → layer_1 → … → layer_L → output spikes [T, B, ...]
 *
 * Each spiking layer is synapse (one product over T·B) + fused LIF; see `src/layers/`.
 * Weights are seeded from `config.seed`; dropout masks come from a generator whose state is
 * part of the network's snapshot (`rngState`), so a resumed run draws the same masks.
 * Reference: Wu et al., STBP, Front. Neurosci. 2018; Zhang & Li, TSSL-BP, NeurIPS 2020.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, DEFAULT_CONV2D } from '../layers/conv2d.ts';
import { Dense, DEFAULT_DENSE } from '../layers/dense.ts';
import { Dropout } from '../layers/dropout.ts';
import { Flatten } from '../layers/flatten.ts';
import { DEFAULT_BATCH_NORM, type BatchNormOptions } from '../layers/batchNorm.ts';
import { DEFAULT_POOL, Pool } from '../layers/pool.ts';
import type { LayerTrace, NamedVariable, SnnLayer } from '../layers/types.ts';
import { createRng, type Rng } from '../util/random.ts';
import { parseNetworkConfig, type LayerConfig, type ResolvedNetworkConfig } from './config.ts';

export interface ForwardOptions {
  training: boolean;
  /** Also return every spiking layer's spikes, PSP and membrane. */
  record?: boolean;
}

export interface ForwardResult {
  spikes: tf.Tensor;
  traces?: LayerTrace[];
}

/** A weight as plain data, e.g. for the event-driven inference engine. Dense kernels are `[in, out]`. */
export interface WeightEntry {
  name: string;
  shape: number[];
  values: Float32Array;
}

function batchNormOf(
  cfg: boolean | Partial<BatchNormOptions> | undefined,
  T: number,
): { batchNorm: BatchNormOptions & { T: number } } | Record<string, never> {
  if (cfg === undefined || cfg === false) return {};
  return { batchNorm: { ...DEFAULT_BATCH_NORM, ...(cfg === true ? {} : cfg), T } };
}

function buildLayer(cfg: LayerConfig, index: number, inputShape: readonly number[], net: ResolvedNetworkConfig, rng: Rng): SnnLayer {
  const name = cfg.name ?? `${cfg.type}_${index}`;
  switch (cfg.type) {
    case 'dense':
      return new Dense(
        name,
        inputShape,
        {
          ...DEFAULT_DENSE,
          units: cfg.units,
          ...(cfg.bias !== undefined ? { bias: cfg.bias } : {}),
          ...(cfg.weightScale !== undefined ? { weightScale: cfg.weightScale } : {}),
          ...(cfg.synapseInput !== undefined ? { synapseInput: cfg.synapseInput } : {}),
          ...batchNormOf(cfg.batchNorm, net.T),
          ...(cfg.recurrent !== undefined ? { recurrent: cfg.recurrent } : {}),
          ...(cfg.recurrentScale !== undefined ? { recurrentScale: cfg.recurrentScale } : {}),
          ...(cfg.adaptive !== undefined ? { adaptive: cfg.adaptive } : {}),
          ...(cfg.learnTau !== undefined ? { learnTau: cfg.learnTau } : {}),
          ...(cfg.delay !== undefined ? { delay: cfg.delay } : {}),
          ...(cfg.learnPspAlpha !== undefined ? { learnPspAlpha: cfg.learnPspAlpha } : {}),
          lif: { ...net.lif, ...cfg.lif },
          psp: { ...net.psp, ...cfg.psp },
        },
        rng,
      );
    case 'conv2d':
      return new Conv2d(
        name,
        inputShape,
        {
          ...DEFAULT_CONV2D,
          filters: cfg.filters,
          kernelSize: cfg.kernelSize,
          ...(cfg.stride !== undefined ? { stride: cfg.stride } : {}),
          ...(cfg.padding !== undefined ? { padding: cfg.padding } : {}),
          ...(cfg.bias !== undefined ? { bias: cfg.bias } : {}),
          ...(cfg.weightScale !== undefined ? { weightScale: cfg.weightScale } : {}),
          ...(cfg.synapseInput !== undefined ? { synapseInput: cfg.synapseInput } : {}),
          ...batchNormOf(cfg.batchNorm, net.T),
          ...(cfg.learnPspAlpha !== undefined ? { learnPspAlpha: cfg.learnPspAlpha } : {}),
          lif: { ...net.lif, ...cfg.lif },
          psp: { ...net.psp, ...cfg.psp },
        },
        rng,
      );
    case 'avgpool':
    case 'maxpool':
      return new Pool(name, cfg.type, inputShape, {
        ...DEFAULT_POOL,
        ...(cfg.poolSize !== undefined ? { poolSize: cfg.poolSize } : {}),
        ...(cfg.stride !== undefined ? { stride: cfg.stride } : {}),
        ...(cfg.on !== undefined ? { on: cfg.on } : {}),
        ...(cfg.scale !== undefined ? { scale: cfg.scale } : {}),
        psp: { ...net.psp, ...cfg.psp },
      });
    case 'flatten':
      return new Flatten(name, inputShape);
    case 'dropout':
      return new Dropout(name, inputShape, { rate: cfg.rate });
  }
}

export class Sequential {
  readonly config: ResolvedNetworkConfig;
  readonly layers: readonly SnnLayer[];
  readonly outputShape: readonly number[];
  private rng: Rng;

  private constructor(config: ResolvedNetworkConfig) {
    this.config = config;
    const init = createRng(config.seed);
    const layers: SnnLayer[] = [];
    const names = new Set<string>();
    let shape: readonly number[] = config.inputShape;
    config.layers.forEach((lc, i) => {
      let layer: SnnLayer;
      try {
        layer = buildLayer(lc, i, shape, config, init);
      } catch (e) {
        layers.forEach((l) => l.dispose());
        throw new Error(`network config: layers.${i}: ${(e as Error).message}`, { cause: e });
      }
      if (names.has(layer.name)) {
        layers.forEach((l) => l.dispose());
        layer.dispose();
        throw new Error(`network config: layers.${i}.name: '${layer.name}' is used twice`);
      }
      names.add(layer.name);
      layers.push(layer);
      shape = layer.outputShape;
    });
    this.layers = layers;
    this.outputShape = shape;
    this.rng = init.fork();
  }

  /** Builds a network from a JSON config (validated; errors name the field). */
  static fromConfig(raw: unknown): Sequential {
    return new Sequential(parseNetworkConfig(raw));
  }

  /**
   * Runs all layers. `x`: `[T, B, ...inputShape]`, or `[B, ...inputShape]` for an input that is the
   * same at every step. Returns output spikes `[T, B, ...outputShape]`; with `record`, per-layer
   * traces that the caller disposes.
   */
  forward(x: tf.Tensor, opts: ForwardOptions): ForwardResult {
    const { T, inputShape } = this.config;
    const isStatic = x.rank === inputShape.length + 1;
    const sampleShape = x.shape.slice(isStatic ? 1 : 2);
    if ((!isStatic && x.rank !== inputShape.length + 2) || sampleShape.some((d, i) => d !== inputShape[i])) {
      throw new Error(
        `forward: input shape [${x.shape.join(', ')}] is not [T=${T}, B, ${inputShape.join(', ')}] nor [B, ${inputShape.join(', ')}]`,
      );
    }
    if (!isStatic && x.shape[0] !== T) throw new Error(`forward: input has ${x.shape[0]} steps, the network's T is ${T}`);
    if (isStatic && this.config.input === 'spikes') {
      throw new Error(
        `forward: a static [B, ${inputShape.join(', ')}] input is a direct current; the config says input: 'spikes' (set input: 'current')`,
      );
    }
    const traces: LayerTrace[] | undefined = opts.record ? [] : undefined;
    const ctx = { T, training: opts.training, rng: this.rng, ...(traces ? { traces } : {}) };
    const spikes = tf.tidy(() => {
      let sig = {
        x: x.dtype === 'float32' ? x : tf.cast(x, 'float32'),
        filtered: false,
        static: isStatic,
        binary: this.config.input === 'spikes',
      };
      for (const layer of this.layers) sig = layer.forward(sig, ctx);
      if (sig.static) throw new Error('forward: the network has no spiking layer, its output would be static');
      return sig.x;
    });
    return traces ? { spikes, traces } : { spikes };
  }

  /** Weights with stable logical names (`<layer>/kernel`, `<layer>/bias`), in layer order. */
  namedVariables(): NamedVariable[] {
    return this.layers.flatMap((l) => l.weights);
  }

  /** What the optimizer updates (all weights except saved state such as running statistics). */
  get trainableVariables(): tf.Variable[] {
    return this.namedVariables()
      .filter((w) => w.trainable !== false)
      .map((w) => w.variable);
  }

  /** Copies of all weights as typed arrays. */
  getWeights(): WeightEntry[] {
    return this.namedVariables().map(({ name, variable }) => ({
      name,
      shape: [...variable.shape],
      values: new Float32Array(variable.dataSync() as Float32Array),
    }));
  }

  /** Sets every weight; names and shapes must match exactly (the error names the mismatch). */
  setWeights(weights: readonly WeightEntry[]): void {
    const byName = new Map(weights.map((w) => [w.name, w]));
    const vars = this.namedVariables();
    for (const { name, variable } of vars) {
      const w = byName.get(name);
      if (!w) throw new Error(`setWeights: weight '${name}' is missing`);
      const want = variable.shape.join(',');
      if (w.shape.join(',') !== want)
        throw new Error(`setWeights: '${name}' has shape [${w.shape.join(', ')}], the network needs [${want.split(',').join(', ')}]`);
      if (w.values.length !== variable.size)
        throw new Error(`setWeights: '${name}' has ${w.values.length} values, shape [${w.shape.join(', ')}] needs ${variable.size}`);
    }
    const known = new Set(vars.map((v) => v.name));
    for (const w of weights) if (!known.has(w.name)) throw new Error(`setWeights: unknown weight '${w.name}'`);
    tf.tidy(() => {
      for (const { name, variable } of vars) {
        const w = byName.get(name)!;
        variable.assign(tf.tensor(w.values, w.shape, 'float32'));
      }
    });
  }

  /** State of the dropout generator (four uint32), for checkpoints. */
  rngState(): [number, number, number, number] {
    return this.rng.state();
  }

  setRngState(state: readonly [number, number, number, number]): void {
    this.rng = createRng(state);
  }

  /** One line per layer: name, what it is, output shape, parameter count. */
  summary(): string {
    const lines = [`input [${this.config.inputShape.join(', ')}] (${this.config.input}), T=${this.config.T}`];
    let total = 0;
    for (const l of this.layers) {
      const n = l.weights.reduce((a, w) => a + w.variable.size, 0);
      total += n;
      lines.push(`${l.name.padEnd(12)} ${l.describe().padEnd(60)} → [${l.outputShape.join(', ')}]  ${n} params`);
    }
    lines.push(`total ${total} params`);
    return lines.join('\n');
  }

  dispose(): void {
    for (const l of this.layers) l.dispose();
  }
}

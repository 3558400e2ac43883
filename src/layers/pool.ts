/**
 * Spatial pooling over `[T, B, H, W, C]`, per step (one op on `[T·B, H, W, C]`):
 *
 *   avg:  y = scale · mean of each window     (linear: commutes with the PSP filter)
 *   max:  y = scale · max of each window      (not linear: pooling spikes and pooling PSPs differ)
 *
 * `on: 'psp'` filters the input first (ε∗o) and passes the pooled PSP on, so the next PSP synapse
 * does not filter again; `on: 'spikes'` pools the raw trains. TSSL-BP pools PSPs with a fixed
 * 2×2 sum ×1.1, i.e. avg with scale 4.4. Reference: Zhang & Li, TSSL-BP, NeurIPS 2020.
 */
import * as tf from '@tensorflow/tfjs-core';
import { pspTB } from './neuronOps.ts';
import { resolvePsp, type LayerPspOptions, type ResolvedPsp } from './neuronOptions.ts';
import { mapSamples } from './reshape.ts';
import type { ForwardContext, Signal, SnnLayer } from './types.ts';

export interface PoolOptions {
  poolSize: number;
  /** Defaults to poolSize. */
  stride?: number;
  on: 'spikes' | 'psp';
  scale: number;
  psp: LayerPspOptions;
}

export const DEFAULT_POOL: Readonly<Omit<PoolOptions, 'psp'>> = Object.freeze({ poolSize: 2, on: 'spikes', scale: 1 });

export class Pool implements SnnLayer {
  readonly outputShape: readonly number[];
  readonly weights = [];
  private readonly stride: number;
  private readonly psp: ResolvedPsp;

  constructor(
    readonly name: string,
    readonly type: 'avgpool' | 'maxpool',
    inputShape: readonly number[],
    private readonly opts: PoolOptions,
  ) {
    if (inputShape.length !== 3) throw new Error(`${name}: ${type} input must be [H, W, C], got [${inputShape.join(', ')}]`);
    const [H, W, C] = inputShape as [number, number, number];
    this.stride = opts.stride ?? opts.poolSize;
    const oh = Math.floor((H - opts.poolSize) / this.stride) + 1;
    const ow = Math.floor((W - opts.poolSize) / this.stride) + 1;
    if (oh < 1 || ow < 1) throw new Error(`${name}: pool ${opts.poolSize} does not fit input ${H}×${W}`);
    this.outputShape = [oh, ow, C];
    this.psp = resolvePsp(opts.psp);
  }

  forward(input: Signal, _ctx: ForwardContext): Signal {
    let sig = input;
    if (this.opts.on === 'psp' && !sig.filtered) {
      if (sig.static) throw new Error(`${this.name}: pooling 'on: psp' needs a time-major input, got a static one`);
      sig = { x: pspTB(sig.x, this.psp), filtered: true, static: false, binary: false };
    }
    const k = this.opts.poolSize;
    const y = mapSamples(sig, (x) =>
      this.type === 'avgpool'
        ? tf.avgPool(x as tf.Tensor4D, k, this.stride, 'valid')
        : tf.maxPool(x as tf.Tensor4D, k, this.stride, 'valid'),
    );
    // an average of spikes is fractional; a max of spikes is still a spike
    const binary = sig.binary && this.type === 'maxpool' && this.opts.scale === 1;
    return { ...sig, x: this.opts.scale === 1 ? y : tf.mul(y, this.opts.scale), binary };
  }

  describe(): string {
    return `${this.type} ${this.opts.poolSize}×${this.opts.poolSize}/${this.stride} on ${this.opts.on}${this.opts.scale !== 1 ? ` ×${this.opts.scale}` : ''}`;
  }

  dispose(): void {}
}

/**
 * Plain-data description of a trained feed-forward SNN for batch-1 inference: no tfjs, only
 * typed arrays, so it can be built from a checkpoint or from `src/network` and run anywhere.
 *
 * Per dense layer l (equations of ARCHITECTURE "Neuron model"):
 *   a[t] = α·a[t−1] + c·x[t]                  when synapseInput = 'psp' (a = x when 'spike')
 *   I[t] = a[t]·W + b                          W is [inSize, outSize] row-major
 *   u[t] = λ·r(u[t−1], o[t−1]) + I[t]          hard r = u·(1−o), soft r = u − θ·o
 *   o[t] = H(u[t] − θ)                          strict '>'
 * x is the previous layer's spikes (or, for the first layer, the encoded observation).
 * Optional memory (DESIGN §6, src/neurons/alif.ts): recurrent weights V ([outSize, outSize], added
 * one step late as o[t−1]·V), an adaptive threshold θ[t] = θ + β·a[t] with a[t] = ρ·a[t−1] + o[t−1],
 * a leak λ per neuron, and an axonal delay of k steps on the layer's output spikes.
 */
import type { PspOptions } from '../neurons/defaults.ts';

/** LIF parameters the engine needs; `LifOptions` from src/neurons is assignable to it. */
export interface LifParams {
  /** Membrane time constant in steps. */
  tauMem: number;
  /** Leak per step λ; defaults to 1 − 1/tauMem. */
  decay?: number;
  threshold: number;
  reset: 'hard' | 'soft';
}

export interface DenseLayerSpec {
  kind: 'dense';
  inSize: number;
  outSize: number;
  /** [inSize, outSize] row-major: row i is input i's outgoing weights. */
  W: Float32Array;
  bias?: Float32Array;
  lif: LifParams;
  synapseInput: 'psp' | 'spike';
  psp: PspOptions;
  /** Recurrent weights [outSize, outSize] row-major (row i: neuron i's outgoing weights). */
  recurrent?: Float32Array;
  /** Adaptive threshold: β and ρ. */
  adaptation?: { beta: number; rho: number };
  /** Leak λ per neuron [outSize]; overrides `lif`'s λ. */
  decays?: Float32Array;
  /** Axonal delay of the output spikes, whole steps (default 0). */
  delay?: number;
}

export interface EventNetworkSpec {
  layers: readonly DenseLayerSpec[];
}

/** Resolved leak λ of a LIF layer. */
export function lifDecay(lif: LifParams): number {
  const decay = lif.decay ?? 1 - 1 / lif.tauMem;
  if (!(decay >= 0 && decay <= 1)) throw new Error(`lif: decay must be in [0, 1], got ${decay} (tauMem ${lif.tauMem})`);
  return decay;
}

/** Checks sizes, chaining and values; throws naming the layer and field. */
export function validateSpec(spec: EventNetworkSpec): void {
  if (spec.layers.length === 0) throw new Error('network spec: at least one layer is needed');
  spec.layers.forEach((L, l) => {
    const where = `network spec: layers[${l}]`;
    if (L.kind !== 'dense') throw new Error(`${where}.kind must be 'dense', got ${String(L.kind)}`);
    if (!Number.isInteger(L.inSize) || L.inSize < 1) throw new Error(`${where}.inSize must be a positive integer, got ${L.inSize}`);
    if (!Number.isInteger(L.outSize) || L.outSize < 1) throw new Error(`${where}.outSize must be a positive integer, got ${L.outSize}`);
    if (l > 0 && L.inSize !== spec.layers[l - 1]!.outSize) {
      throw new Error(`${where}.inSize ${L.inSize} != layers[${l - 1}].outSize ${spec.layers[l - 1]!.outSize}`);
    }
    if (!(L.W instanceof Float32Array) || L.W.length !== L.inSize * L.outSize) {
      throw new Error(`${where}.W must be a Float32Array of ${L.inSize}×${L.outSize} = ${L.inSize * L.outSize}, got length ${L.W?.length}`);
    }
    if (L.bias !== undefined && L.bias.length !== L.outSize)
      throw new Error(`${where}.bias has ${L.bias.length} values, outSize is ${L.outSize}`);
    for (let k = 0; k < L.W.length; k++) if (!Number.isFinite(L.W[k]!)) throw new Error(`${where}.W[${k}] is ${L.W[k]}`);
    if (!Number.isFinite(L.lif.threshold)) throw new Error(`${where}.lif.threshold must be finite, got ${L.lif.threshold}`);
    if (L.lif.reset !== 'hard' && L.lif.reset !== 'soft')
      throw new Error(`${where}.lif.reset must be 'hard' or 'soft', got ${String(L.lif.reset)}`);
    if (L.synapseInput !== 'psp' && L.synapseInput !== 'spike')
      throw new Error(`${where}.synapseInput must be 'psp' or 'spike', got ${String(L.synapseInput)}`);
    lifDecay(L.lif);
    if (L.recurrent !== undefined && (!(L.recurrent instanceof Float32Array) || L.recurrent.length !== L.outSize * L.outSize)) {
      throw new Error(`${where}.recurrent must be a Float32Array of ${L.outSize}×${L.outSize}, got length ${L.recurrent?.length}`);
    }
    if (L.recurrent)
      for (let k = 0; k < L.recurrent.length; k++)
        if (!Number.isFinite(L.recurrent[k]!)) throw new Error(`${where}.recurrent[${k}] is ${L.recurrent[k]}`);
    if (L.adaptation && !(Number.isFinite(L.adaptation.beta) && L.adaptation.rho >= 0 && L.adaptation.rho <= 1)) {
      throw new Error(`${where}.adaptation needs a finite beta and rho in [0, 1], got beta ${L.adaptation.beta}, rho ${L.adaptation.rho}`);
    }
    if (L.decays !== undefined && (L.decays.length !== L.outSize || L.decays.some((d) => !(d >= 0 && d <= 1)))) {
      throw new Error(`${where}.decays must hold ${L.outSize} values in [0, 1]`);
    }
    if (L.delay !== undefined && !(Number.isInteger(L.delay) && L.delay >= 0))
      throw new Error(`${where}.delay must be a non-negative integer, got ${L.delay}`);
  });
}

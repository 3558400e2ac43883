/**
 * Event-driven batch-1 SNN inference on typed arrays (DESIGN §3): per SNN step, each layer adds
 * the weight rows of the inputs that are non-zero — for hidden layers only the neurons that
 * spiked — instead of a dense product, then updates its LIF state. Equations: `spec.ts`.
 *
 * PSP synapses stay event-driven because the filter is linear, W·(ε∗x) = ε∗(W·x): the layer keeps
 * the filtered current J[t] = α·J[t−1] + c·(x[t]·W) rather than the filtered inputs.
 *
 * Arithmetic is float64 (JS numbers) while the tensor path is float32, and the sums run in another
 * order; membranes therefore differ from `src/network` by rounding only (~1e-6 relative). Spikes
 * are identical unless a membrane lands within that distance of the threshold; the parity test
 * checks bit-equal spikes on random inputs.
 */
import { resolvePsp } from '../neurons/defaults.ts';
import { lifDecay, validateSpec, type EventNetworkSpec } from './spec.ts';

interface LayerState {
  readonly inSize: number;
  readonly outSize: number;
  /** c·W as float64 (c = 1 for plain-spike synapses). */
  readonly cW: Float64Array;
  readonly bias: Float64Array;
  /** PSP decay of the filtered current; 0 for plain-spike synapses (the current restarts each step). */
  readonly alpha: number;
  /** λ per neuron. */
  readonly decay: Float64Array;
  readonly threshold: number;
  /** Recurrent weights [outSize, outSize] (float64), or undefined. */
  readonly V: Float64Array | undefined;
  /** Recurrent input of this step, o[t−1]·V. */
  readonly rec: Float64Array;
  readonly beta: number;
  readonly rho: number;
  /** Adaptation a per neuron. */
  readonly a: Float64Array;
  /** Output delay line: `delay + 1` slots of spike indices; the slot after the newest is the oldest. */
  readonly delay: number;
  readonly slots: Uint32Array[];
  readonly slotCounts: Uint32Array;
  head: number;
  readonly soft: boolean;
  readonly current: Float64Array;
  readonly u: Float64Array;
  /** 0/1 spikes of the previous step (for the reset). */
  readonly fired: Uint8Array;
  /** Indices of the neurons that fired this step, first `count` valid. */
  readonly spiked: Uint32Array;
  count: number;
}

export class EventDrivenNetwork {
  readonly inputSize: number;
  readonly outputSize: number;
  /** [input, layer 1, ..., output] neuron counts. */
  readonly layerSizes: readonly number[];
  private readonly layers: LayerState[];
  private readonly inIdx: Uint32Array;
  private readonly inVal: Float64Array;
  /** The last input and its product with layer 0's weights: encoders hold an observation over a control period. */
  private readonly lastInput: Float64Array;
  private readonly inputProduct: Float64Array;
  private haveProduct = false;
  private steps = 0;

  constructor(spec: EventNetworkSpec) {
    validateSpec(spec);
    this.layers = spec.layers.map((L) => {
      const k = resolvePsp(L.psp);
      const filtered = L.synapseInput === 'psp';
      const c = filtered ? k.c : 1;
      const cW = new Float64Array(L.W.length);
      for (let i = 0; i < cW.length; i++) cW[i] = c * L.W[i]!;
      return {
        inSize: L.inSize,
        outSize: L.outSize,
        cW,
        bias: L.bias ? Float64Array.from(L.bias) : new Float64Array(L.outSize),
        alpha: filtered ? k.alpha : 0,
        decay: L.decays ? Float64Array.from(L.decays) : new Float64Array(L.outSize).fill(lifDecay(L.lif)),
        threshold: L.lif.threshold,
        V: L.recurrent ? Float64Array.from(L.recurrent) : undefined,
        rec: new Float64Array(L.outSize),
        beta: L.adaptation?.beta ?? 0,
        rho: L.adaptation?.rho ?? 0,
        a: new Float64Array(L.outSize),
        delay: L.delay ?? 0,
        slots: Array.from({ length: (L.delay ?? 0) + 1 }, () => new Uint32Array(L.outSize)),
        slotCounts: new Uint32Array((L.delay ?? 0) + 1),
        head: 0,
        soft: L.lif.reset === 'soft',
        current: new Float64Array(L.outSize),
        u: new Float64Array(L.outSize),
        fired: new Uint8Array(L.outSize),
        spiked: new Uint32Array(L.outSize),
        count: 0,
      };
    });
    this.inputSize = spec.layers[0]!.inSize;
    this.outputSize = spec.layers[spec.layers.length - 1]!.outSize;
    this.layerSizes = Object.freeze([this.inputSize, ...spec.layers.map((L) => L.outSize)]);
    this.inIdx = new Uint32Array(this.inputSize);
    this.inVal = new Float64Array(this.inputSize);
    this.lastInput = new Float64Array(this.inputSize);
    this.inputProduct = new Float64Array(this.layers[0]!.outSize);
  }

  /** Clears every membrane, PSP and spike (start of an episode). */
  reset(): void {
    for (const L of this.layers) {
      L.current.fill(0);
      L.u.fill(0);
      L.fired.fill(0);
      L.a.fill(0);
      L.slotCounts.fill(0);
      L.head = 0;
      L.count = 0;
    }
    this.haveProduct = false;
    this.steps = 0;
  }

  /** SNN steps run since the last reset. */
  get time(): number {
    return this.steps;
  }

  /**
   * One SNN step. `input` is the first layer's x[t] (spikes or real currents; zeros are skipped).
   * Returns the indices of the output neurons that fired (a view, valid until the next step).
   */
  step(input: ArrayLike<number>): Uint32Array {
    if (input.length !== this.inputSize)
      throw new Error(`EventDrivenNetwork.step: input has ${input.length} values, the network expects ${this.inputSize}`);
    let same = this.haveProduct;
    for (let i = 0; same && i < input.length; i++) same = input[i] === this.lastInput[i];
    if (!same) {
      let n = 0;
      for (let i = 0; i < input.length; i++) {
        const x = input[i]!;
        this.lastInput[i] = x;
        if (x !== 0) {
          this.inIdx[n] = i;
          this.inVal[n] = x;
          n++;
        }
      }
      accumulateRows(this.layers[0]!.cW, this.layers[0]!.outSize, this.inIdx, this.inVal, n, this.inputProduct);
      this.haveProduct = true;
    }
    stepLayerWithProduct(this.layers[0]!, this.inputProduct);
    for (let l = 1; l < this.layers.length; l++) {
      const prev = emitted(this.layers[l - 1]!);
      stepLayer(this.layers[l]!, prev, prev.length);
    }
    this.steps++;
    return emitted(this.layers[this.layers.length - 1]!);
  }

  /**
   * Indices of the neurons of layer `l` (0 = first layer after the input) that fired on the last
   * step. With an output delay, `step` returns (and the next layer receives) the spikes of `delay`
   * steps ago instead.
   */
  spikes(l: number): Uint32Array {
    const L = this.layers[l];
    if (!L) throw new Error(`EventDrivenNetwork: no layer ${l} (have ${this.layers.length})`);
    return L.spiked.subarray(0, L.count);
  }

  /** Membrane potentials of layer `l` after the last step (a live view; copy to keep). */
  membrane(l: number): Float64Array {
    const L = this.layers[l];
    if (!L) throw new Error(`EventDrivenNetwork: no layer ${l} (have ${this.layers.length})`);
    return L.u;
  }

  /** Number of layers (excluding the input). */
  get depth(): number {
    return this.layers.length;
  }
}

/** out = Σ_k val[k]·cW[idx[k], :] (the rows of the non-zero inputs), eight columns at a time as in `stepLayer`. */
function accumulateRows(cW: Float64Array, m: number, idx: Uint32Array, val: Float64Array, n: number, out: Float64Array): void {
  const m8 = m - (m % 8);
  let j = 0;
  for (; j < m8; j += 8) {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0,
      s4 = 0,
      s5 = 0,
      s6 = 0,
      s7 = 0;
    for (let k = 0; k < n; k++) {
      const r = idx[k]! * m + j;
      const x = val[k]!;
      s0 += x * cW[r]!;
      s1 += x * cW[r + 1]!;
      s2 += x * cW[r + 2]!;
      s3 += x * cW[r + 3]!;
      s4 += x * cW[r + 4]!;
      s5 += x * cW[r + 5]!;
      s6 += x * cW[r + 6]!;
      s7 += x * cW[r + 7]!;
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
    out[j + 4] = s4;
    out[j + 5] = s5;
    out[j + 6] = s6;
    out[j + 7] = s7;
  }
  for (; j < m; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += val[k]! * cW[idx[k]! * m + j]!;
    out[j] = s;
  }
}

/** Filters the layer current and adds a precomputed input product, then the LIF update. */
function stepLayerWithProduct(L: LayerState, product: Float64Array): void {
  const { current, outSize: m } = L;
  const alpha = L.alpha;
  for (let j = 0; j < m; j++) current[j] = alpha * current[j]! + product[j]!;
  fire(L);
}

/**
 * Filters the layer current and adds the weight rows of the spiking inputs, then the LIF update.
 * Eight output columns are summed at a time in locals over all spiking rows: this keeps the
 * partial sums in registers and runs ~3× faster under V8 than adding one row at a time.
 */
function stepLayer(L: LayerState, idx: Uint32Array, n: number): void {
  const { current, cW, outSize: m } = L;
  const alpha = L.alpha;
  const m8 = m - (m % 8);
  let j = 0;
  for (; j < m8; j += 8) {
    let s0 = alpha * current[j]!,
      s1 = alpha * current[j + 1]!,
      s2 = alpha * current[j + 2]!,
      s3 = alpha * current[j + 3]!;
    let s4 = alpha * current[j + 4]!,
      s5 = alpha * current[j + 5]!,
      s6 = alpha * current[j + 6]!,
      s7 = alpha * current[j + 7]!;
    for (let k = 0; k < n; k++) {
      const r = idx[k]! * m + j;
      s0 += cW[r]!;
      s1 += cW[r + 1]!;
      s2 += cW[r + 2]!;
      s3 += cW[r + 3]!;
      s4 += cW[r + 4]!;
      s5 += cW[r + 5]!;
      s6 += cW[r + 6]!;
      s7 += cW[r + 7]!;
    }
    current[j] = s0;
    current[j + 1] = s1;
    current[j + 2] = s2;
    current[j + 3] = s3;
    current[j + 4] = s4;
    current[j + 5] = s5;
    current[j + 6] = s6;
    current[j + 7] = s7;
  }
  for (; j < m; j++) {
    let s = alpha * current[j]!;
    for (let k = 0; k < n; k++) s += cW[idx[k]! * m + j]!;
    current[j] = s;
  }
  fire(L);
}

/** Spikes a layer sends on: this step's, or those of `delay` steps ago (a view). */
function emitted(L: LayerState): Uint32Array {
  if (L.delay === 0) return L.spiked.subarray(0, L.count);
  const oldest = (L.head + 1) % (L.delay + 1);
  return L.slots[oldest]!.subarray(0, L.slotCounts[oldest]!);
}

/** Pushes this step's spikes into the delay line. */
function record(L: LayerState): void {
  if (L.delay === 0) return;
  L.head = (L.head + 1) % (L.delay + 1);
  L.slots[L.head]!.set(L.spiked.subarray(0, L.count));
  L.slotCounts[L.head] = L.count;
}

/** o[t−1]·V: the rows of V of the neurons that fired on the previous step. */
function recurrentInput(L: LayerState): void {
  const { rec, V, outSize: m, spiked } = L;
  rec.fill(0);
  if (V === undefined) return;
  for (let k = 0; k < L.count; k++) {
    const r = spiked[k]! * m;
    for (let j = 0; j < m; j++) rec[j] += V[r + j]!;
  }
}

/**
 * LIF update u = λ·r(u, o) + I + b (+ o[t−1]·V) against the threshold θ + β·a, recording the
 * indices that fired.
 */
function fire(L: LayerState): void {
  if (L.V !== undefined || L.beta !== 0) {
    fireWithMemory(L);
    record(L);
    return;
  }
  const { current, outSize: m, u, fired, spiked, bias, decay, threshold } = L;
  let count = 0;
  if (L.soft) {
    for (let j = 0; j < m; j++) {
      const v = decay[j]! * (fired[j] ? u[j]! - threshold : u[j]!) + current[j]! + bias[j]!;
      u[j] = v;
      if (v > threshold) {
        fired[j] = 1;
        spiked[count++] = j;
      } else fired[j] = 0;
    }
  } else {
    for (let j = 0; j < m; j++) {
      const v = (fired[j] ? 0 : decay[j]! * u[j]!) + current[j]! + bias[j]!;
      u[j] = v;
      if (v > threshold) {
        fired[j] = 1;
        spiked[count++] = j;
      } else fired[j] = 0;
    }
  }
  L.count = count;
  record(L);
}

/** `fire` with recurrent input and an adaptive threshold (a[t] = ρ·a[t−1] + o[t−1]). */
function fireWithMemory(L: LayerState): void {
  recurrentInput(L);
  const { current, outSize: m, u, fired, spiked, bias, decay, threshold, rec, a, beta, rho } = L;
  let count = 0;
  for (let j = 0; j < m; j++) {
    const o = fired[j]!;
    const aPrev = a[j]!;
    const r = o === 0 ? u[j]! : L.soft ? u[j]! - (threshold + beta * aPrev) : 0;
    const adapt = rho * aPrev + o;
    a[j] = adapt;
    const v = decay[j]! * r + current[j]! + bias[j]! + rec[j]!;
    u[j] = v;
    if (v > threshold + beta * adapt) {
      fired[j] = 1;
      spiked[count++] = j;
    } else fired[j] = 0;
  }
  L.count = count;
}

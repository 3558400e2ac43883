/**
 * The PyTorch reference model of /work/shared/bench/torch_snn.py expressed as a spikeloop config:
 * LIF decay exp(−1/5), soft reset (detached), θ = 1, fast-sigmoid surrogate slope 10, no bias,
 * spike synapses, loss mean((K·s − K·d)²) with α = exp(−1/5). Checked against an independent
 * loop of the PyTorch docstring's equations (forward, loss and all weight gradients).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { spikeSequenceLoss } from '../../src/loss/index.ts';
import { Sequential } from '../../src/network/sequential.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const BETA = Math.exp(-1 / 5);
const torchLif = { tauMem: 5, decay: BETA, threshold: 1, reset: 'soft', detachReset: true, surrogate: { kind: 'fastSigmoid', slope: 10 } };
const torchLoss = { psp: { tauSyn: 5, alpha: Math.exp(-1 / 5), scale: 'none' as const }, reduction: 'mean' as const };

/** torch_snn.py's MLP in plain loops: returns output spikes, loss and dL/dW per layer ([in, out] layout). */
function torchReference(x: Float32Array, T: number, B: number, sizes: number[], Ws: Float32Array[], des: Float32Array) {
  const xs: Float32Array[] = [x];
  const Vs: Float32Array[] = [];
  for (let l = 0; l < Ws.length; l++) {
    const [nin, nout] = [sizes[l]!, sizes[l + 1]!];
    const inp = xs[l]!;
    const V = new Float32Array(T * B * nout);
    const S = new Float32Array(T * B * nout);
    for (let b = 0; b < B; b++)
      for (let j = 0; j < nout; j++) {
        let v = 0,
          s = 0;
        for (let t = 0; t < T; t++) {
          let I = 0;
          for (let i = 0; i < nin; i++) I += inp[(t * B + b) * nin + i]! * Ws[l]![i * nout + j]!;
          v = BETA * (v - s) + I;
          s = v > 1 ? 1 : 0;
          V[(t * B + b) * nout + j] = v;
          S[(t * B + b) * nout + j] = s;
        }
      }
    Vs.push(V);
    xs.push(S);
  }
  const out = xs.at(-1)!;
  const N = sizes.at(-1)!;
  const alpha = Math.exp(-1 / 5);
  // loss = mean((K s − K d)²); dL/ds = (2/n)·Kᵀ(K(s − d))
  const e = new Float64Array(T * B * N);
  let loss = 0;
  for (let k = 0; k < B * N; k++) {
    let a = 0;
    for (let t = 0; t < T; t++) {
      a = alpha * a + out[t * B * N + k]! - des[t * B * N + k]!;
      e[t * B * N + k] = a;
      loss += a * a;
    }
  }
  loss /= T * B * N;
  let gS = new Float64Array(T * B * N);
  for (let k = 0; k < B * N; k++) {
    let acc = 0;
    for (let t = T - 1; t >= 0; t--) {
      acc = e[t * B * N + k]! + alpha * acc;
      gS[t * B * N + k] = (2 / (T * B * N)) * acc;
    }
  }
  const grads: Float64Array[] = [];
  for (let l = Ws.length - 1; l >= 0; l--) {
    const [nin, nout] = [sizes[l]!, sizes[l + 1]!];
    const gI = new Float64Array(T * B * nout);
    for (let k = 0; k < B * nout; k++) {
      let g = 0;
      for (let t = T - 1; t >= 0; t--) {
        const v = Vs[l]![t * B * nout + k]!;
        g = gS[t * B * nout + k]! / (1 + 10 * Math.abs(v - 1)) ** 2 + BETA * g;
        gI[t * B * nout + k] = g;
      }
    }
    const gW = new Float64Array(nin * nout);
    const gX = new Float64Array(T * B * nin);
    for (let r = 0; r < T * B; r++)
      for (let i = 0; i < nin; i++) {
        const xi = xs[l]![r * nin + i]!;
        for (let j = 0; j < nout; j++) {
          gW[i * nout + j] += xi * gI[r * nout + j]!;
          gX[r * nin + i] += gI[r * nout + j]! * Ws[l]![i * nout + j]!;
        }
      }
    grads.unshift(gW);
    gS = gX;
  }
  return { out, loss, grads };
}

describe('the PyTorch bench model', () => {
  it('nmnist-mlp / control-mlp (small): forward spikes, loss and weight gradients equal the PyTorch equations', () => {
    const T = 12,
      B = 3,
      sizes = [16, 20, 4];
    const net = Sequential.fromConfig({
      T,
      inputShape: [sizes[0]!],
      lif: torchLif,
      layers: [
        { type: 'dense', units: sizes[1]!, weightScale: 8, synapseInput: 'spike' },
        { type: 'dense', units: sizes[2]!, weightScale: 4, synapseInput: 'spike' },
      ],
    });
    const rng = createRng(1);
    const xv = Float32Array.from({ length: T * B * sizes[0]! }, () => (rng.next() < 0.3 ? 1 : 0));
    const dv = new Float32Array(T * B * sizes[2]!);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) if (t % 3 === 1) dv[(t * B + b) * sizes[2]! + (b % sizes[2]!)] = 1;
    const x = tf.tensor3d(xv, [T, B, sizes[0]!]);
    const d = tf.tensor3d(dv, [T, B, sizes[2]!]);
    const ref = torchReference(
      xv,
      T,
      B,
      sizes,
      net.getWeights().map((w) => w.values),
      dv,
    );
    expect(ref.out.reduce((a, v) => a + v, 0)).toBeGreaterThan(0);
    const { value, grads } = tf.variableGrads(() => {
      const out = net.forward(x, { training: true }).spikes;
      expect(Array.from(out.dataSync())).toEqual(Array.from(ref.out));
      return spikeSequenceLoss(out, d, torchLoss);
    }, net.trainableVariables);
    expect(value.dataSync()[0]).toBeCloseTo(ref.loss, 6);
    net.trainableVariables.forEach((v, l) => {
      const g = grads[v.name]!.dataSync();
      const r = ref.grads[l]!;
      const scale = Math.max(...Array.from(r, Math.abs));
      expect(scale).toBeGreaterThan(0);
      for (let i = 0; i < g.length; i++) expect(Math.abs(g[i]! - r[i]!)).toBeLessThan(1e-5 * scale + 1e-9);
    });
    net.dispose();
  });

  it('cifar-conv (small): direct-current conv → avgpool → conv → avgpool → flatten → dense → dense builds and trains', () => {
    const net = Sequential.fromConfig({
      T: 5,
      inputShape: [8, 8, 3],
      input: 'current',
      lif: torchLif,
      layers: [
        { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', weightScale: 3, synapseInput: 'spike' },
        { type: 'avgpool', poolSize: 2 },
        { type: 'conv2d', filters: 6, kernelSize: 3, padding: 'same', weightScale: 3, synapseInput: 'spike' },
        { type: 'avgpool', poolSize: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 8, weightScale: 3, synapseInput: 'spike' },
        { type: 'dense', units: 10, weightScale: 3, synapseInput: 'spike' },
      ],
    });
    // same parameter count as torch's conv(3→4, 3×3) + conv(4→6) + linear(2·2·6→8) + linear(8→10), no biases
    expect(net.trainableVariables.reduce((a, v) => a + v.size, 0)).toBe(3 * 4 * 9 + 4 * 6 * 9 + 24 * 8 + 8 * 10);
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1);
    const d = tf.zeros([5, 2, 10]);
    const { grads } = tf.variableGrads(
      () => spikeSequenceLoss(net.forward(x, { training: true }).spikes, d, torchLoss),
      net.trainableVariables,
    );
    expect(Object.keys(grads)).toHaveLength(4);
    net.dispose();
  });
});

describe('Sequential', () => {
  it('summary lists each layer with its output shape and parameter count', () => {
    const net = Sequential.fromConfig({
      T: 4,
      inputShape: [6],
      layers: [
        { type: 'dense', units: 5, bias: true },
        { type: 'dense', units: 2, name: 'readout' },
      ],
    });
    const s = net.summary();
    expect(s).toMatch(/dense_0 .*dense 6→5, psp synapse, bias .*→ \[5\] {2}35 params/);
    expect(s).toMatch(/readout .*→ \[2\] {2}10 params/);
    expect(s).toMatch(/total 45 params/);
    net.dispose();
  });

  it('forward names a wrong input shape or step count', () => {
    const net = Sequential.fromConfig({ T: 4, inputShape: [6], layers: [{ type: 'dense', units: 2 }] });
    expect(() => net.forward(tf.zeros([4, 2, 5]), { training: false })).toThrow(/\[4, 2, 5\] is not \[T=4, B, 6\]/);
    expect(() => net.forward(tf.zeros([3, 2, 6]), { training: false })).toThrow(/3 steps, the network's T is 4/);
    expect(() => net.forward(tf.zeros([2, 6]), { training: false })).toThrow(/set input: 'current'/);
    net.dispose();
  });
});

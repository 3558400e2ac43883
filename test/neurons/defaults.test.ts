/**
 * One source of neuron defaults: the ops, layers, network configs, losses, label readouts and
 * encoders all take their LIF, PSP and surrogate defaults from src/neurons/defaults.ts, and the
 * committed checkpoints and configs agree with them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as api from '../../src/index.ts';
import { DEFAULT_SIGMA_DELTA } from '../../src/encoding/sigmaDelta.ts';
import { DEFAULT_MOTOR_DECODER } from '../../src/encoding/motorDecoder.ts';
import { DEFAULT_MOTOR_LABELS } from '../../src/labels/motor.ts';
import {
  DEFAULT_LAYER_LIF,
  DEFAULT_LAYER_PSP,
  resolveLif as layerResolveLif,
  resolvePsp as layerResolvePsp,
} from '../../src/layers/neuronOptions.ts';
import { DEFAULT_SPIKE_SEQUENCE_LOSS, spikeSequenceLoss } from '../../src/loss/spikeSequence.ts';
import { parseNetworkConfig } from '../../src/network/config.ts';
import {
  DEFAULT_LIF,
  DEFAULT_MOTOR_PSP,
  DEFAULT_PSP,
  DEFAULT_SIGMOID,
  DEFAULT_SURROGATE,
  lifSchema,
  pspSchema,
} from '../../src/neurons/defaults.ts';
import { lifMultiStep, resolveLif } from '../../src/neurons/lif.ts';
import { pspFilter, resolvePsp } from '../../src/neurons/psp.ts';
import { resolveSurrogate, sigmoid } from '../../src/neurons/surrogate.ts';
import { DEFAULT_MOTOR_ACTUATOR } from '../../src/stream/actuator.ts';

const root = resolve(import.meta.dirname, '../..');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('neuron defaults', () => {
  it('a sigmoid surrogate without α, the factory, the LIF default and the layer default are one and the same α', () => {
    expect(DEFAULT_SURROGATE).toEqual({ kind: 'sigmoid', alpha: DEFAULT_SIGMOID.alpha });
    expect(resolveSurrogate({ kind: 'sigmoid' })).toEqual(DEFAULT_SURROGATE);
    expect(sigmoid()).toEqual(DEFAULT_SURROGATE);
    expect(resolveLif().surrogate).toEqual(DEFAULT_SURROGATE);
    expect(layerResolveLif().surrogate).toEqual(DEFAULT_SURROGATE);
    expect(parseNetworkConfig({ T: 4, inputShape: [2], layers: [{ type: 'dense', units: 1 }] }).lif.surrogate).toEqual(DEFAULT_SURROGATE);
  });

  it('layers, network configs, losses and the public API share the objects, and one resolveLif / resolvePsp each', () => {
    expect(DEFAULT_LAYER_LIF).toBe(DEFAULT_LIF);
    expect(DEFAULT_LAYER_PSP).toBe(DEFAULT_PSP);
    expect(DEFAULT_SPIKE_SEQUENCE_LOSS.psp).toBe(DEFAULT_PSP);
    expect(layerResolveLif).toBe(resolveLif);
    expect(layerResolvePsp).toBe(resolvePsp);
    expect(api.resolveLif).toBe(resolveLif);
    expect(api.resolvePsp).toBe(resolvePsp);
    expect(api.DEFAULT_LIF).toBe(DEFAULT_LIF);
    expect(api.DEFAULT_LAYER_PSP).toBe(DEFAULT_PSP);
    const net = parseNetworkConfig({ T: 4, inputShape: [2], layers: [{ type: 'dense', units: 1 }] });
    expect(net.lif).toEqual(DEFAULT_LIF);
    expect(net.psp).toEqual(DEFAULT_PSP);
  });

  it('the motor trace (decoder, sigma-delta labels, actuator) is the one DEFAULT_MOTOR_PSP', () => {
    expect(DEFAULT_MOTOR_DECODER.psp).toBe(DEFAULT_MOTOR_PSP);
    expect(DEFAULT_SIGMA_DELTA.psp).toBe(DEFAULT_MOTOR_PSP);
    expect(DEFAULT_MOTOR_LABELS.psp).toBe(DEFAULT_MOTOR_PSP);
    expect(DEFAULT_MOTOR_ACTUATOR.psp).toBe(DEFAULT_MOTOR_PSP);
  });

  it('the ops without options behave exactly as with the defaults spelled out (forward and surrogate gradient)', () => {
    const x = tf.randomNormal([6, 2, 3], 0.8, 0.6, 'float32', 5);
    const w = tf.randomNormal([6, 2, 3], 0, 1, 'float32', 6);
    const grad = (opts: Parameters<typeof lifMultiStep>[1]) =>
      tf
        .grad((v: tf.Tensor) => tf.sum(tf.mul(lifMultiStep(v, opts), w)))(x)
        .dataSync();
    const g0 = grad(undefined);
    expect(Array.from(g0)).toEqual(Array.from(grad({ ...DEFAULT_LIF })));
    expect(Array.from(g0)).toEqual(Array.from(grad({ surrogate: { kind: 'sigmoid' } })));
    expect(Array.from(g0)).not.toEqual(Array.from(grad({ surrogate: { kind: 'fastSigmoid' } })));
    expect(Array.from(pspFilter(x).dataSync())).toEqual(Array.from(pspFilter(x, DEFAULT_PSP).dataSync()));
    const o = tf.cast(tf.greater(x, 1), 'float32');
    const d = tf.cast(tf.greater(w, 0.5), 'float32');
    expect(spikeSequenceLoss(o, d).dataSync()[0]).toBe(spikeSequenceLoss(o, d, { psp: DEFAULT_PSP }).dataSync()[0]);
  });

  it('the schema accepts the defaults, and the committed checkpoints and configs agree with them', () => {
    expect(() => lifSchema.parse(DEFAULT_LIF)).not.toThrow();
    expect(() => pspSchema.parse(DEFAULT_PSP)).not.toThrow();
    const models = [join(root, 'test/fixtures/controllers/cartpole/model.json')];
    const results = join(root, 'bench/results/controllers');
    for (const d of readdirSync(results)) models.push(join(results, d, 'model.json'));
    for (const f of models) {
      const net = JSON.parse(readFileSync(f, 'utf8')).network;
      expect(net.lif, f).toEqual(DEFAULT_LIF);
      expect(net.psp, f).toEqual(DEFAULT_PSP);
    }
    // the classification configs (committed results) name no surrogate: they train with DEFAULT_SURROGATE
    for (const f of readdirSync(join(root, 'configs')).filter((n) => /^(cifar10|nmnist)-.*\.json$/.test(n))) {
      const c = JSON.parse(readFileSync(join(root, 'configs', f), 'utf8'));
      expect(c.network.lif?.surrogate, f).toBeUndefined();
    }
  });
});

/**
 * A `SpikingPolicy` made of the three one-job parts: an observation encoder, the event-driven
 * network, and the push/pull motor decoder. Per control step the observation is encoded once,
 * then the network runs `substeps` SNN steps; the decoder integrates the output spikes and the
 * action is its readout ('mean' over the period or 'last'), times `actionScale`, per channel.
 */
import { MotorDecoder, type ControlReadout, type MotorDecoderOptions } from '../encoding/motorDecoder.ts';
import type { SpikeLayerEvents, SpikingPolicy } from '../stream/events.ts';
import type { EventDrivenNetwork } from './engine.ts';

/** Turns an observation into the first layer's input for each sub-step. */
export interface ObservationEncoder {
  readonly size: number;
  /** Whether the encoder emits 0/1 spikes (then they are reported as layer 0 events). */
  readonly spiking: boolean;
  reset(): void;
  setObservation(observation: ArrayLike<number>): void;
  /** Input for the next sub-step (may return the same array every time). */
  next(): Float32Array;
}

export interface SpikingPolicyOptions {
  network: EventDrivenNetwork;
  encoder: ObservationEncoder;
  substeps: number;
  decoder: Omit<MotorDecoderOptions, 'channels' | 'population'> & Partial<Pick<MotorDecoderOptions, 'population'>>;
  readout: ControlReadout;
  /** Multiplies each decoded command (e.g. newtons per unit command); length = channels, or one value for all. */
  actionScale: ArrayLike<number>;
}

export const DEFAULT_SPIKING_POLICY = Object.freeze({
  substeps: 10,
  readout: 'mean' as ControlReadout,
  actionScale: Object.freeze([1]) as ArrayLike<number>,
});

type PolicyArgs = Pick<SpikingPolicyOptions, 'network' | 'encoder'> & Partial<SpikingPolicyOptions>;

/** Growable (neuron, sub-step) lists reused across ticks; copied out per tick. */
class EventBuffer {
  neurons = new Uint32Array(64);
  times = new Uint16Array(64);
  n = 0;
  push(ids: ArrayLike<number>, t: number): void {
    if (this.n + ids.length > this.neurons.length) {
      const cap = Math.max(2 * this.neurons.length, this.n + ids.length);
      const nn = new Uint32Array(cap);
      nn.set(this.neurons.subarray(0, this.n));
      const tt = new Uint16Array(cap);
      tt.set(this.times.subarray(0, this.n));
      this.neurons = nn;
      this.times = tt;
    }
    for (let k = 0; k < ids.length; k++) {
      this.neurons[this.n] = ids[k]!;
      this.times[this.n] = t;
      this.n++;
    }
  }
  take(layer: number): SpikeLayerEvents {
    const ev = { layer, neurons: this.neurons.slice(0, this.n), times: this.times.slice(0, this.n) };
    this.n = 0;
    return ev;
  }
}

export function createSpikingPolicy(args: PolicyArgs): SpikingPolicy {
  const o = { ...DEFAULT_SPIKING_POLICY, ...args };
  const net = o.network;
  if (o.encoder.size !== net.inputSize)
    throw new Error(`spiking policy: encoder gives ${o.encoder.size} inputs, the network takes ${net.inputSize}`);
  const P = o.decoder?.population ?? 1;
  if (net.outputSize % (2 * P) !== 0)
    throw new Error(
      `spiking policy: the output layer needs a push/pull pair of ${P}-neuron groups per channel (2·${P} neurons each), it has ${net.outputSize} neurons`,
    );
  if (!Number.isInteger(o.substeps) || o.substeps < 1 || o.substeps > 65535)
    throw new Error(`spiking policy: substeps must be an integer in 1..65535, got ${o.substeps}`);
  const channels = net.outputSize / (2 * P);
  if (o.actionScale.length !== 1 && o.actionScale.length !== channels) {
    throw new Error(`spiking policy: actionScale has ${o.actionScale.length} values, need 1 or ${channels}`);
  }
  const decoder = new MotorDecoder({ ...o.decoder, channels });
  const buffers = net.layerSizes.map(() => new EventBuffer());
  const inputIds = new Uint32Array(net.inputSize);
  const acc = new Float64Array(channels);
  return {
    layerSizes: net.layerSizes,
    substeps: o.substeps,
    reset() {
      net.reset();
      decoder.reset();
      o.encoder.reset();
    },
    step(observation) {
      o.encoder.setObservation(observation);
      acc.fill(0);
      for (let k = 0; k < o.substeps; k++) {
        const x = o.encoder.next();
        if (o.encoder.spiking) {
          let n = 0;
          for (let i = 0; i < x.length; i++) if (x[i] !== 0) inputIds[n++] = i;
          buffers[0]!.push(inputIds.subarray(0, n), k);
        }
        const out = net.step(x);
        for (let l = 0; l < net.depth - 1; l++) buffers[l + 1]!.push(net.spikes(l), k);
        buffers[net.depth]!.push(out, k);
        const m = decoder.stepEvents(out);
        if (o.readout === 'last') acc.set(m);
        else for (let c = 0; c < channels; c++) acc[c] = acc[c]! + m[c]! / o.substeps;
      }
      const action = new Float64Array(channels);
      for (let c = 0; c < channels; c++) action[c] = acc[c]! * o.actionScale[o.actionScale.length === 1 ? 0 : c]!;
      const spikes = buffers.map((b, l) => b.take(l)).filter((ev) => ev.layer > 0 || o.encoder.spiking);
      return { action, spikes };
    },
  };
}

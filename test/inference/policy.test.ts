import { describe, expect, it } from 'vitest';
import { firstValueFrom, toArray } from 'rxjs';
import { EventDrivenNetwork } from '../../src/inference/engine.ts';
import { createSpikingPolicy } from '../../src/inference/policy.ts';
import { populationCurrentEncoder, populationSpikeEncoder } from '../../src/inference/encoders.ts';
import { createClosedLoop } from '../../src/stream/loop.ts';
import { motorActuator } from '../../src/stream/actuator.ts';
import { PointMassEnv } from '../stream/fakes.ts';
import { randomSpec } from './fixtures.ts';

const LOW = [-1.5, -1];
const HIGH = [1.5, 1];

describe('spiking policy (encoder → event-driven SNN → motor decoder)', () => {
  it("reports every layer's spikes per sub-step in firing order, input layer included for spike encoders", () => {
    const net = new EventDrivenNetwork(randomSpec([20, 32, 4], 7));
    const policy = createSpikingPolicy({ network: net, encoder: populationSpikeEncoder({ low: LOW, high: HIGH }), substeps: 6 });
    expect(policy.layerSizes).toEqual([20, 32, 4]);
    const { action, spikes } = policy.step(Float64Array.of(0.3, -0.2));
    expect(action.length).toBe(2);
    expect(spikes.map((s) => s.layer)).toEqual([0, 1, 2]);
    for (const ev of spikes) {
      expect(ev.neurons.length).toBe(ev.times.length);
      for (let k = 1; k < ev.times.length; k++) expect(ev.times[k]!).toBeGreaterThanOrEqual(ev.times[k - 1]!);
      for (const t of ev.times) expect(t).toBeLessThan(6);
      for (const n of ev.neurons) expect(n).toBeLessThan(policy.layerSizes[ev.layer]!);
    }
    expect(spikes[0]!.neurons.length).toBeGreaterThan(0);
    expect(spikes[1]!.neurons.length).toBeGreaterThan(0);
  });

  it('is deterministic across reset: the same observations give the same actions and spikes', () => {
    const net = new EventDrivenNetwork(randomSpec([20, 32, 4], 8));
    const policy = createSpikingPolicy({ network: net, encoder: populationCurrentEncoder({ low: LOW, high: HIGH }) });
    const obs = [Float64Array.of(0.1, 0.2), Float64Array.of(-0.5, 0.9), Float64Array.of(1.2, -0.3)];
    const run = () => obs.map((o) => policy.step(o));
    const a = run();
    policy.reset();
    const b = run();
    expect(b.map((r) => Array.from(r.action))).toEqual(a.map((r) => Array.from(r.action)));
    expect(b.map((r) => r.spikes.map((s) => Array.from(s.neurons)))).toEqual(a.map((r) => r.spikes.map((s) => Array.from(s.neurons))));
    expect(a[0]!.spikes.map((s) => s.layer)).toEqual([1, 2]);
  });

  it("in the closed loop, the motor actuator operator on the spike stream gives exactly the policy's own actions", async () => {
    const make = () =>
      createSpikingPolicy({
        network: new EventDrivenNetwork(randomSpec([20, 48, 2], 9)),
        encoder: populationSpikeEncoder({ low: LOW, high: HIGH }),
        substeps: 10,
        actionScale: [3],
      });
    const own = await firstValueFrom(
      createClosedLoop({ env: new PointMassEnv(), policy: make(), episodes: 3, maxEpisodeSteps: 30 }).run$.pipe(toArray()),
    );
    const viaStream = await firstValueFrom(
      createClosedLoop({
        env: new PointMassEnv(),
        policy: make(),
        actuator: motorActuator({ layer: 2, channels: 1, substeps: 10, scale: [3] }),
        episodes: 3,
        maxEpisodeSteps: 30,
      }).run$.pipe(toArray()),
    );
    expect(viaStream.length).toBe(own.length);
    expect(own.some((s) => s.action[0] !== 0)).toBe(true);
    viaStream.forEach((s, i) => expect(s.action[0]).toBeCloseTo(own[i]!.action[0]!, 12));
  });

  it('rejects an encoder that does not fit the network and an odd output layer', () => {
    const net = new EventDrivenNetwork(randomSpec([20, 8, 3], 1));
    expect(() => createSpikingPolicy({ network: net, encoder: populationCurrentEncoder({ low: LOW, high: HIGH }) })).toThrow(
      /push\/pull pair/,
    );
    const net2 = new EventDrivenNetwork(randomSpec([30, 8, 2], 1));
    expect(() => createSpikingPolicy({ network: net2, encoder: populationCurrentEncoder({ low: LOW, high: HIGH }) })).toThrow(
      /encoder gives 20 inputs, the network takes 30/,
    );
  });
});

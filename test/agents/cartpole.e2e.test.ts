import { describe, expect, it } from 'vitest';
import { firstValueFrom, toArray } from 'rxjs';
import { fileURLToPath } from 'node:url';
import { makeEnv } from '../../envs/index.ts';
import { loadPolicy } from '../../agents/controller.ts';
import { createClosedLoop } from '../../src/stream/loop.ts';
import { motorActuator } from '../../src/stream/actuator.ts';
import type { SpikeTick } from '../../src/stream/events.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/controllers/cartpole', import.meta.url));

describe('trained cartpole spiking controller (committed fixture) in the RxJS closed loop', () => {
  it('balances the real cartpole for >= 475 steps on 3 seeded episodes, driven by its decoded spikes', async () => {
    const { spec, policy } = loadPolicy(FIXTURE);
    expect(spec.env).toBe('CartPoleContinuous-v1');
    expect(spec.substeps).toBeGreaterThanOrEqual(10);
    expect(policy.layerSizes.length).toBe(4); // input, 2 hidden, motor
    const env = makeEnv('cartpole');
    const motorLayer = policy.layerSizes.length - 1;
    // the actuator decodes the motor layer's spike events itself (not the policy's own action)
    const loop = createClosedLoop({
      env,
      policy,
      actuator: motorActuator({
        layer: motorLayer,
        channels: 1,
        substeps: spec.substeps,
        gain: spec.decoder.gain,
        psp: spec.decoder.psp,
        readout: spec.readout,
        scale: spec.actionScale,
      }),
      toEnvAction: (a) => Array.from(a, (x, c) => Math.min(spec.actionHigh[c]!, Math.max(spec.actionLow[c]!, x))),
      episodes: 3,
      seed: 100,
    });
    const episodes: number[] = [];
    let hiddenSpikes = 0;
    loop.episodes$.subscribe((e) => episodes.push(e.steps));
    loop.spikes$.subscribe((t: SpikeTick) => {
      hiddenSpikes += t.layers.find((l) => l.layer === 1)?.neurons.length ?? 0;
    });
    const steps = await firstValueFrom(loop.run$.pipe(toArray()));
    loop.dispose();
    env.close();
    expect(episodes.length).toBe(3);
    for (const n of episodes) expect(n).toBeGreaterThanOrEqual(475);
    expect(steps.length).toBe(episodes.reduce((a, b) => a + b, 0));
    expect(hiddenSpikes / steps.length).toBeGreaterThan(1); // the network really spikes every tick
    expect(new Set(steps.map((s) => Math.sign(s.action[0]!))).size).toBeGreaterThan(1); // pushes both ways
  });
});

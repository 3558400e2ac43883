import { describe, expect, it } from 'vitest';
import { firstValueFrom, toArray } from 'rxjs';
import { makeEnv } from '../../envs/index.ts';
import { createClosedLoop } from '../../src/stream/loop.ts';
import { motorActuator } from '../../src/stream/actuator.ts';
import { EventDrivenNetwork } from '../../src/inference/engine.ts';
import { createSpikingPolicy } from '../../src/inference/policy.ts';
import { populationSpikeEncoder } from '../../src/inference/encoders.ts';
import type { SpikeTick } from '../../src/stream/events.ts';
import { randomSpec } from '../inference/fixtures.ts';

const LOW = [-2.4, -3, -0.21, -3.5];
const HIGH = [2.4, 3, 0.21, 3.5];

async function rollout(): Promise<{ xs: number[]; ticks: SpikeTick[]; episodes: number[]; actions: number[] }> {
  const env = makeEnv('cartpole', { maxEpisodeSteps: 60, outOfBounds: 'clip' });
  const policy = createSpikingPolicy({
    network: new EventDrivenNetwork(randomSpec([40, 64, 64, 2], 21)),
    encoder: populationSpikeEncoder({ low: LOW, high: HIGH }),
    substeps: 10,
  });
  const loop = createClosedLoop({ env, policy, actuator: motorActuator({ layer: 3, channels: 1, substeps: 10 }), episodes: 2, seed: 4 });
  const ticks: SpikeTick[] = [];
  const episodes: number[] = [];
  loop.spikes$.subscribe((t) => ticks.push(t));
  loop.episodes$.subscribe((e) => episodes.push(e.steps));
  const steps = await firstValueFrom(loop.run$.pipe(toArray()));
  loop.dispose();
  env.close();
  return { xs: steps.map((s) => s.observation[0]!), ticks, episodes, actions: steps.map((s) => s.action[0]!) };
}

describe('closed loop with the real cartpole env (envs/)', () => {
  it('runs two seeded episodes end to end: one spike tick per step, decoded actions drive the cart, same seed same trajectory', async () => {
    const a = await rollout();
    expect(a.episodes.length).toBe(2);
    expect(a.xs.length).toBe(a.episodes[0]! + a.episodes[1]!);
    expect(a.ticks.length).toBe(a.xs.length);
    expect(a.ticks.every((t) => t.layers.length === 4)).toBe(true);
    expect(a.actions.some((x) => x !== 0)).toBe(true);
    expect(new Set(a.xs.map((x) => x.toFixed(6))).size).toBeGreaterThan(10);
    const b = await rollout();
    expect(b.xs).toEqual(a.xs);
  });
});

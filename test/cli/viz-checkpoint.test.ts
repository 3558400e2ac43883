import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createVizFactory } from '../../cli/vizSession.ts';
import { startVizServer } from '../../src/viz/server.ts';
import { TestClient } from '../viz/wsClient.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/controllers/cartpole', import.meta.url));

describe('viz --checkpoint: the trained SNN drives the visualizer', () => {
  it('streams the real spikes of each SNN layer and the decoded command, and balances the pole', async () => {
    const session = createVizFactory({ checkpoint: FIXTURE });
    expect(session.controllers).toEqual(['teacher', 'keyboard', 'checkpoint']);
    const sim = await session.factory({ env: 'cartpole', controller: 'checkpoint' });
    try {
      expect(sim.info.layers).toEqual([
        { name: 'hidden 1', size: 64 },
        { name: 'hidden 2', size: 64 },
        { name: 'motor (push/pull)', size: 2 },
      ]);
      expect(sim.info.motorNames).toEqual(['command 0']);
      sim.reset(5);
      const spikes = [0, 0, 0];
      const motor: number[] = [];
      for (let t = 0; t < 300; t++) {
        const tick = sim.step();
        expect(tick.terminated).toBe(false);
        tick.spikes.forEach((s, l) => {
          spikes[l] += s.length;
          for (const n of s) expect(n).toBeLessThan(sim.info.layers[l]!.size);
        });
        motor.push(tick.motor[0]!);
      }
      expect(spikes.every((n) => n > 0)).toBe(true);
      expect(Math.min(...motor)).toBeLessThan(0);
      expect(Math.max(...motor)).toBeGreaterThan(0);
    } finally {
      sim.close();
    }
  });

  it('refuses a checkpoint trained on another env, naming both', async () => {
    const session = createVizFactory({ checkpoint: FIXTURE });
    await expect(async () => session.factory({ env: 'pendulum', controller: 'checkpoint' })).rejects.toThrow(
      /drives CartPoleContinuous-v1, not Pendulum-v1/,
    );
  });

  it('serves it over the WebSocket: hello lists the SNN layers, binary spike frames arrive', async () => {
    const session = createVizFactory({ checkpoint: FIXTURE });
    const server = await startVizServer(
      session.factory,
      { env: 'cartpole', controller: 'checkpoint' },
      { port: 0, allowedOrigins: [], speed: 4, seed: 1, envs: session.envs, controllers: session.controllers },
    );
    try {
      const c = await TestClient.open(server.url);
      await c.waitFor(() => c.spikes().length > 5, 'spike frames from the SNN', 20000);
      const hello = c.json('hello')[0]!;
      expect(hello.controller).toBe('checkpoint');
      expect(hello.layers.map((l) => l.name)).toEqual(['hidden 1', 'hidden 2', 'motor (push/pull)']);
      c.ws.close();
    } finally {
      await server.close();
    }
  });
});

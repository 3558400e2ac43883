/**
 * End to end: the committed robust cartpole controller (what `npm start`'s demo trains) served by
 * the visualizer; a client pushes the pole through the WebSocket protocol (docs/protocol.md `push`)
 * with impulses the teacher survives (0.08 N·s, the 'robust' suite's magnitude, envs/perturb), and
 * the SNN recovers: the episode goes on and the pole is upright again after each push.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createVizFactory } from '../../cli/vizSession.ts';
import { startVizServer } from '../../src/viz/server.ts';
import type { ServerMessage } from '../../src/viz/protocol.ts';
import { TestClient } from '../viz/wsClient.ts';

const CONTROLLER = fileURLToPath(new URL('../../bench/results/controllers/cartpole-spike-seq', import.meta.url));
type Snapshot = Extract<ServerMessage, { type: 'snapshot' }>;

describe('demo controller under pushes through the WebSocket protocol', () => {
  it('recovers from 0.08 N·s pushes on the pole, both ways: no fall, pole upright again', async () => {
    const session = createVizFactory({ checkpoint: CONTROLLER });
    const server = await startVizServer(
      session.factory,
      { env: 'cartpole', controller: 'checkpoint' },
      { port: 0, allowedOrigins: [], speed: 20, seed: 7, envs: session.envs, controllers: session.controllers },
    );
    try {
      const c = await TestClient.open(server.url);
      const last = (): Snapshot | undefined => c.json('snapshot').at(-1);
      await c.waitFor(() => (last()?.tick ?? 0) >= 50, 'the controller running for 1 s', 30_000);
      const episode = last()!.episode;
      for (const [k, jx] of [0.08, -0.08].entries()) {
        const pole = last()!.bodies.find((b) => b.label === 'pole')!;
        expect(pole, 'the pole body in the snapshot').toBeDefined();
        c.send({ type: 'push', bodyId: pole.id, point: pole.position, impulse: [jx, 0] });
        await c.waitFor(() => c.json('pushed').length > k, `push ${k} accepted`, 10_000);
        const pushed = c.json('pushed')[k]!;
        expect(pushed.impulse).toEqual([jx, 0]); // within maxImpulseNs: not clamped
        // 3 s of simulated time after the push
        await c.waitFor(() => (last()?.tick ?? 0) >= pushed.tick + 150, '3 s after the push', 30_000);
        const after = last()!;
        expect(c.json('episode').filter((e) => e.episode === episode)).toEqual([]); // the episode did not end
        expect(after.episode).toBe(episode);
        expect(Math.abs(after.bodies.find((b) => b.label === 'pole')!.angle)).toBeLessThan(0.05);
      }
      c.ws.close();
    } finally {
      await server.close();
    }
  }, 90_000);
});

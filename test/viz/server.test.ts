import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startVizServer, type VizServer, type VizServerOptions } from '../../src/viz/server.ts';
import { fakeSledSimulation, SLED_ID, GROUND_ID, type FakeSledEnv } from './fakeWorld.ts';
import { TestClient } from './wsClient.ts';

let server: VizServer | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
});

async function start(opts: Partial<VizServerOptions> = {}): Promise<{ server: VizServer; env: () => FakeSledEnv }> {
  let env: FakeSledEnv | undefined;
  server = await startVizServer(
    ({ env: name }) => {
      if (name === 'broken') throw new Error('cannot build broken');
      const s = fakeSledSimulation();
      env = s.env;
      return s.sim;
    },
    { env: 'sled', controller: 'pd' },
    { port: 0, envs: ['sled', 'broken'], controllers: ['pd'], ...opts },
  );
  return { server, env: () => env! };
}

async function client(s: VizServer, headers?: Record<string, string>): Promise<TestClient> {
  const c = await TestClient.open(s.url, headers);
  clients.push(c);
  return c;
}

describe('viz server with a real ws client', () => {
  it('binds 127.0.0.1 by default and serves the page with a strict CSP', async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<canvas id="world">');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(server.url + 'app.js')).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(server.url + '../package.json')).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('sends hello, state and snapshots, then binary spike frames that reflect the state', async () => {
    const { server } = await start();
    const c = await client(server);
    await c.waitFor(() => c.spikes().length >= 20 && c.json('snapshot').length >= 3, '20 spike frames and 3 snapshots');
    const hello = c.json('hello')[0]!;
    expect(hello.version).toBe(1);
    expect(hello.layers).toEqual([
      { name: 'sensory', size: 32 },
      { name: 'motor', size: 2 },
    ]);
    expect(hello.motorNames).toEqual(['force']);
    expect(c.received[0]).toMatchObject({ kind: 'json', msg: { type: 'hello' } });
    const snap = c.json('snapshot').at(-1)!;
    expect(snap.bodies.map((b) => b.id)).toEqual([GROUND_ID, SLED_ID]);
    const frames = c.spikes();
    // Ticks arrive in order, one frame per control tick.
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.tick).toBe(frames[i - 1]!.tick + 1);
    // The sensory layer fires in the receptive fields around the sled's position x ∈ [−0.5, 0.5]:
    // the x-population (neurons 0..15 over [−3, 3]) fires only near its middle.
    const xNeurons = frames.flatMap((f) => [...f.spikes[0]!].filter((i) => i < 16));
    expect(xNeurons.length).toBeGreaterThan(0);
    for (const i of xNeurons) expect(Math.abs(i - 7.5)).toBeLessThan(4);
  });

  it('push changes the pushed body in the following snapshots and is announced to every tab', async () => {
    const { server, env } = await start();
    const a = await client(server);
    const b = await client(server);
    await a.waitFor(() => a.json('snapshot').length >= 1, 'snapshot');
    a.send({ type: 'pause' });
    await a.waitFor(() => a.json('state').some((s) => s.paused), 'paused state');
    const x0 = env().state.x;
    a.send({ type: 'push', bodyId: SLED_ID, point: [x0, 0], impulse: [2, 0] });
    await b.waitFor(() => b.json('pushed').length === 1, 'pushed broadcast');
    expect(b.json('pushed')[0]).toMatchObject({ bodyId: SLED_ID, impulse: [2, 0] });
    a.send({ type: 'step' });
    await a.waitFor(() => a.json('snapshot').some((s) => s.bodies[1]!.position[0] > x0 + 0.03), 'snapshot showing the sled moved right');
    // One 0.02 s tick after a +2 m/s kick: x moves by about 0.04 m (the PD force is small next to it).
    const after = a.json('snapshot').at(-1)!.bodies[1]!.position[0];
    expect(after - x0).toBeGreaterThan(0.03);
    expect(after - x0).toBeLessThan(0.05);
  });

  it('clamps push impulses to maxImpulseNs', async () => {
    const { server, env } = await start({ maxImpulseNs: 1 });
    const c = await client(server);
    c.send({ type: 'push', bodyId: SLED_ID, point: [env().state.x, 0], impulse: [30, 40] });
    await c.waitFor(() => c.json('pushed').length === 1, 'pushed');
    const [ix, iy] = env().impulses[0]!;
    expect(ix).toBeCloseTo(0.6, 12);
    expect(iy).toBeCloseTo(0.8, 12);
  });

  it('refuses a push point off the body or out of the world, naming the problem, and changes nothing', async () => {
    const { server, env } = await start();
    const c = await client(server);
    c.send({ type: 'pause' });
    await c.waitFor(() => c.json('state').some((s) => s.paused), 'paused state');
    const v0 = env().state.v;
    c.send({ type: 'push', bodyId: SLED_ID, point: [1.7e308, 0], impulse: [1, 0] });
    c.send({ type: 'push', bodyId: SLED_ID, point: [env().state.x + 2, 0], impulse: [1, 0] });
    await c.waitFor(() => c.json('error').length === 2, 'two errors');
    const [far, off] = c.json('error');
    expect(far).toMatchObject({ code: 'bad_message' });
    expect(far!.message).toMatch(/point\.0: .*10000/);
    expect(off).toMatchObject({ code: 'out_of_reach' });
    expect(off!.message).toMatch(/is 2\.00 m from body 7's centre; it must be within 0\.29\d m/);
    expect(env().impulses).toHaveLength(0);
    expect(env().state.v).toBe(v0);
    expect(server.stats().paused).toBe(true);
  });

  it('reset starts a new episode with a new seed; pause stops ticks; speed is applied', async () => {
    const { server } = await start();
    const c = await client(server);
    await c.waitFor(() => c.json('state').length >= 1, 'state');
    const first = c.json('state')[0]!;
    c.send({ type: 'reset' });
    await c.waitFor(() => c.json('state').length >= 2, 'state after reset');
    const second = c.json('state')[1]!;
    expect(second.episode).toBe(first.episode + 1);
    expect(second.seed).not.toBe(first.seed);
    c.send({ type: 'reset', seed: 1234 });
    await c.waitFor(() => c.json('state').some((s) => s.seed === 1234), 'state with seed 1234');
    c.send({ type: 'speed', factor: 4 });
    await c.waitFor(() => c.json('state').some((s) => s.speed === 4), 'speed 4');
    c.send({ type: 'pause' });
    await c.waitFor(() => c.json('state').some((s) => s.paused), 'paused');
    const ticks = server.stats().tick;
    await new Promise((r) => setTimeout(r, 200));
    expect(server.stats().tick).toBe(ticks);
    c.send({ type: 'resume' });
    await c.waitFor(() => server.stats().tick > ticks + 5, 'ticks after resume');
  });

  it('answers malformed, unknown, binary and oversized messages with an error frame and changes nothing', async () => {
    const { server, env } = await start({ maxMessageBytes: 256 });
    const c = await client(server);
    await c.waitFor(() => c.json('state').length >= 1, 'state');
    c.send({ type: 'pause' });
    await c.waitFor(() => c.json('state').some((s) => s.paused), 'paused');
    const before = { ...env().state, ...server.stats(), states: c.json('state').length };
    c.send('{oops');
    c.send({ type: 'launch' });
    c.send({ type: 'speed', factor: -1 });
    c.send({ type: 'push', bodyId: 999, point: [0, 0], impulse: [1, 0] });
    c.send({ type: 'push', bodyId: GROUND_ID, point: [0, 0], impulse: [1, 0] });
    c.send({ type: 'select', env: 'nope', controller: 'pd' });
    c.send({ type: 'reset', seed: 1, padding: 'x'.repeat(400) });
    c.ws.send(Buffer.from([1, 2, 3]));
    await c.waitFor(() => c.json('error').length >= 8, '8 error frames');
    expect(c.json('error').map((e) => e.code)).toEqual([
      'bad_message',
      'bad_message',
      'bad_message',
      'unknown_body',
      'unknown_body',
      'unknown_choice',
      'too_large',
      'binary_not_accepted',
    ]);
    expect(env().state.x).toBe(before.x);
    expect(env().state.v).toBe(before.v);
    expect(env().impulses).toEqual([]);
    const after = server.stats();
    expect(after.tick).toBe(before.tick);
    expect(after.episode).toBe(before.episode);
    expect(after.paused).toBe(true);
    expect(c.json('state').length).toBe(before.states);
  });

  it('rate-limits a flooding client without affecting the others', async () => {
    const { server } = await start({ rateLimitPerS: 5, rateLimitBurst: 10 });
    const flood = await client(server);
    const calm = await client(server);
    await calm.waitFor(() => calm.json('state').length >= 1, 'state');
    for (let i = 0; i < 40; i++) flood.send({ type: 'speed', factor: 1 });
    await flood.waitFor(() => flood.json('error').filter((e) => e.code === 'rate_limited').length >= 25, 'rate_limited errors');
    expect(calm.json('error')).toEqual([]);
    expect(server.stats().clients.find((s) => s.errors > 0)).toBeDefined();
  });

  it('switches env/controller for all tabs, and reports a failed switch without stopping the run', async () => {
    const { server } = await start();
    const a = await client(server);
    const b = await client(server);
    await b.waitFor(() => b.json('hello').length === 1, 'hello');
    a.send({ type: 'select', env: 'broken', controller: 'pd' });
    await a.waitFor(() => a.json('error').length === 1, 'switch error');
    expect(a.json('error')[0]).toMatchObject({ code: 'switch_failed' });
    expect(a.json('error')[0]!.message).toMatch(/cannot build broken/);
    a.send({ type: 'select', env: 'sled', controller: 'pd' });
    await b.waitFor(() => b.json('hello').length === 2, 'second hello on the other tab');
    const ticks = server.stats().tick;
    await b.waitFor(() => server.stats().tick > ticks + 3, 'ticks continue');
  });

  it('rejects a cross-origin WebSocket, accepts same-host and allow-listed origins', async () => {
    const { server } = await start({ allowedOrigins: ['http://viewer.example:9000'] });
    const host = new URL(server.url).host;
    await expect(TestClient.open(server.url, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(TestClient.open(server.url, { Origin: `http://${host}.evil.example` })).rejects.toThrow(/403/);
    clients.push(await TestClient.open(server.url, { Origin: `http://${host}` }));
    clients.push(await TestClient.open(server.url, { Origin: 'http://viewer.example:9000' }));
    expect(server.stats().rejectedUpgrades).toBe(2);
  });

  it('refuses DNS-rebinding requests (a foreign Host on a loopback bind) for the page and the socket', async () => {
    const { server } = await start({ allowedOrigins: ['http://viewer.example:9000'] });
    const { port } = new URL(server.url);
    const { request } = await import('node:http');
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/', headers: { Host: host } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        })
          .on('error', reject)
          .end();
      });
    expect(await status(`evil.example:${port}`)).toBe(421);
    expect(await status(`localhost:${port}`)).toBe(200);
    expect(await status(`viewer.example:${port}`)).toBe(200);
    await expect(TestClient.open(server.url, { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` })).rejects.toThrow(
      /403/,
    );
  });

  it('stays healthy when a client disconnects in the middle of a frame', async () => {
    const { server } = await start();
    const { port } = new URL(server.url);
    // Hand-made upgrade, then half of a masked text frame, then a hard close.
    await new Promise<void>((resolve, reject) => {
      const sock = connect(Number(port), '127.0.0.1', () => {
        sock.write(
          'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        );
      });
      sock.once('data', (d) => {
        expect(d.toString()).toMatch(/^HTTP\/1.1 101/);
        // FIN+text, masked, length 100, mask key — and then only 3 payload bytes.
        sock.write(Buffer.from([0x81, 0x80 | 100, 1, 2, 3, 4, 65, 66, 67]));
        setTimeout(() => {
          sock.destroy();
          resolve();
        }, 50);
      });
      sock.once('error', reject);
    });
    await new Promise((r) => setTimeout(r, 100));
    const c = await client(server);
    const t0 = server.stats().tick;
    await c.waitFor(() => c.spikes().length > 5, 'spikes on a fresh client');
    expect(server.stats().tick).toBeGreaterThan(t0);
    expect(server.stats().clients.length).toBe(1);
  });

  it('closes cleanly: clients get 1001 and the port is released', async () => {
    const { server: s } = await start();
    const c = await client(s);
    const code = new Promise<number>((r) => c.ws.once('close', (k) => r(k)));
    await s.close();
    server = undefined;
    expect(await code).toBe(1001);
    await expect(fetch(s.url)).rejects.toThrow();
  });

  it('closes a connection that sends a frame over maxPayloadBytes (1009) and keeps serving others', async () => {
    const { server } = await start({ maxPayloadBytes: 8192 });
    const big = await client(server);
    const other = await client(server);
    const code = new Promise<number>((r) => big.ws.once('close', (k) => r(k)));
    big.ws.send('x'.repeat(10000));
    expect(await code).toBe(1009);
    other.send({ type: 'pause' });
    await other.waitFor(() => other.json('state').some((s) => s.paused), 'paused state on the other client');
    expect(server.stats().clients.length).toBe(1);
  });

  it('pauses and tells every tab when the simulation throws, and recovers on reset + resume', async () => {
    let failAt = 5;
    const s = await startVizServer(
      () => {
        const { sim } = fakeSledSimulation();
        return {
          ...sim,
          step: () => {
            if (--failAt === 0) throw new Error('controller diverged');
            return sim.step();
          },
        };
      },
      { env: 'sled', controller: 'pd' },
      { port: 0 },
    );
    server = s;
    const c = await client(s);
    await c.waitFor(() => c.json('error').length === 1, 'simulation_error');
    expect(c.json('error')[0]).toMatchObject({ code: 'simulation_error' });
    expect(c.json('error')[0]!.message).toMatch(/controller diverged/);
    expect(s.stats().paused).toBe(true);
    c.send({ type: 'reset' });
    c.send({ type: 'resume' });
    const t0 = s.stats().tick;
    await c.waitFor(() => s.stats().tick > t0 + 3 && c.spikes().length > 3, 'ticks after recovery');
  });
});

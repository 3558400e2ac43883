/**
 * Visualizer soak: N clients that never read (their sockets paused, so the server's backlog for
 * them can only grow), W clients that watch, and one client that floods commands (`speed` at
 * `floodHz`, just under the rate limit). Used by the bounded soak test (test/viz/soak.test.ts) and,
 * longer, by the benchmark (bench/viz.bench.ts).
 *
 * The world is deliberately heavy (`extraBodies` drawn bodies, ≈ 150 bytes each per snapshot) so
 * that every command's snapshot weighs on the stalled clients' backlog.
 */
import { WebSocket } from 'ws';
import { closedLoopSimulation, type EnvLike } from '../../src/viz/loop.ts';
import { startVizServer } from '../../src/viz/server.ts';
import type { SpikeSource, VizBody } from '../../src/viz/types.ts';

export interface SoakOptions {
  stalledClients: number;
  watchingClients: number;
  /** Commands per second from the flooding client. */
  floodHz: number;
  seconds: number;
  speed: number;
  spikesPerTick: number;
  extraBodies: number;
  /** The server's per-client backlog cap, bytes. */
  maxBufferedBytes: number;
}

export const DEFAULT_SOAK: Readonly<SoakOptions> = Object.freeze({
  stalledClients: 6,
  watchingClients: 2,
  floodHz: 29,
  seconds: 4,
  speed: 1,
  spikesPerTick: 4000,
  extraBodies: 200,
  maxBufferedBytes: 256 * 1024,
});

export interface SoakResult {
  controlHz: number;
  wallS: number;
  ticks: number;
  /** Ticks run ÷ ticks due at the requested speed. */
  measuredRtf: number;
  /** Mean of the `stats.rtf` a watcher received in the second half of the window. */
  reportedRtf: number;
  /** Slowest watcher's SPIKES frames per wall second. */
  minWatcherFps: number;
  /** Largest server-side backlog of any stalled client seen while sampling every 100 ms, bytes. */
  maxStalledBacklogBytes: number;
  /** Backlog of the stalled clients at the end, bytes (largest). */
  finalStalledBacklogBytes: number;
  stalledFramesDropped: number;
  commandsSent: number;
  /** Largest SPIKES frame and snapshot sent, bytes. */
  spikeFrameBytes: number;
  snapshotBytes: number;
  rssGrowthMiB: number;
}

const CONTROL_HZ = 50;

function heavyEnv(extraBodies: number): EnvLike {
  let x = 0;
  const square = (cx: number, cy: number): Array<[number, number]> => [
    [cx - 0.05, cy - 0.05],
    [cx + 0.05, cy - 0.05],
    [cx + 0.05, cy + 0.05],
    [cx - 0.05, cy + 0.05],
  ];
  return {
    metadata: { controlHz: CONTROL_HZ, maxEpisodeSteps: 1e12 },
    reset: () => ((x = 0), { observation: Float64Array.of(x) }),
    step: (a) => {
      x = 0.999 * x + 0.001 * (typeof a === 'number' ? a : a[0]!);
      return { observation: Float64Array.of(x), reward: 1, terminated: false, truncated: false };
    },
    snapshot: () => {
      const bodies: VizBody[] = [{ id: 0, label: 'mover', position: [x, 0], angle: 0, vertices: square(x, 0), isStatic: false }];
      for (let i = 1; i <= extraBodies; i++) {
        const cx = (i % 20) * 0.2 + x;
        const cy = Math.floor(i / 20) * 0.2 + 1;
        bodies.push({ id: i, label: `block${i}`, position: [cx, cy], angle: 0.001 * i, vertices: square(cx, cy), isStatic: true });
      }
      return { time: x, bodies, constraints: [] };
    },
    close: () => {},
  };
}

function sweepSource(spikesPerTick: number): SpikeSource {
  let t = 0;
  return {
    layers: [{ name: 'wide', size: spikesPerTick * 10 }],
    step: () => {
      const s = new Uint32Array(spikesPerTick);
      const off = t++ % 10;
      for (let k = 0; k < spikesPerTick; k++) s[k] = k * 10 + off;
      return { action: [1], spikes: [s], motor: Float32Array.of(1) };
    },
  };
}

function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Runs one soak and measures backlog, frame rate and RTF (see `SoakResult`). */
export async function runVizSoak(options: Partial<SoakOptions> = {}): Promise<SoakResult> {
  const o: SoakOptions = { ...DEFAULT_SOAK, ...options };
  const server = await startVizServer(
    () =>
      closedLoopSimulation({
        env: heavyEnv(o.extraBodies),
        source: sweepSource(o.spikesPerTick),
        envName: 'heavy',
        controllerName: 'sweep',
      }),
    { env: 'heavy', controller: 'sweep' },
    { port: 0, speed: o.speed, maxBufferedBytes: o.maxBufferedBytes },
  );
  const wsUrl = server.url.replace(/^http/, 'ws') + 'ws';
  const sockets: WebSocket[] = [];
  try {
    for (let i = 0; i < o.stalledClients; i++) {
      const ws = await open(wsUrl);
      // Never read: the TCP windows fill and everything else stays in the server's backlog.
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      sockets.push(ws);
    }
    const stalledIds = new Set(server.stats().clients.map((c) => c.id));
    const frames = new Array<number>(o.watchingClients).fill(0);
    let counting = false;
    let spikeFrameBytes = 0;
    let snapshotBytes = 0;
    const rtfReports: Array<{ atMs: number; rtf: number }> = [];
    for (let i = 0; i < o.watchingClients; i++) {
      const ws = await open(wsUrl);
      ws.on('message', (d: Buffer, isBinary) => {
        if (isBinary) {
          spikeFrameBytes = Math.max(spikeFrameBytes, d.length);
          if (counting) frames[i]!++;
          return;
        }
        const msg = JSON.parse(d.toString('utf8')) as { type: string; rtf?: number };
        if (msg.type === 'snapshot') snapshotBytes = Math.max(snapshotBytes, d.length);
        if (msg.type === 'stats' && i === 0 && counting) rtfReports.push({ atMs: performance.now(), rtf: msg.rtf! });
      });
      sockets.push(ws);
    }
    const flooder = await open(wsUrl);
    sockets.push(flooder);

    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const tick0 = server.stats().tick;
    const t0 = performance.now();
    counting = true;
    let commandsSent = 0;
    let maxStalledBacklogBytes = 0;
    const flood = setInterval(() => {
      flooder.send(JSON.stringify({ type: 'speed', factor: o.speed }));
      commandsSent++;
    }, 1000 / o.floodHz);
    const sampler = setInterval(() => {
      for (const c of server.stats().clients) {
        if (stalledIds.has(c.id)) maxStalledBacklogBytes = Math.max(maxStalledBacklogBytes, c.bufferedBytes ?? 0, c.maxBufferedBytes);
      }
    }, 100);
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    clearInterval(flood);
    clearInterval(sampler);
    counting = false;
    const wallS = (performance.now() - t0) / 1000;
    const stats = server.stats();
    const ticks = stats.tick - tick0;
    const stalled = stats.clients.filter((c) => stalledIds.has(c.id));
    const late = rtfReports.filter((r) => r.atMs - t0 >= (o.seconds * 1000) / 2);
    return {
      controlHz: CONTROL_HZ,
      wallS,
      ticks,
      measuredRtf: ticks / CONTROL_HZ / wallS / o.speed,
      reportedRtf: late.length ? late.reduce((s, r) => s + r.rtf, 0) / late.length : NaN,
      minWatcherFps: Math.min(...frames) / wallS,
      maxStalledBacklogBytes: Math.max(maxStalledBacklogBytes, ...stalled.map((c) => Math.max(c.bufferedBytes ?? 0, c.maxBufferedBytes))),
      finalStalledBacklogBytes: Math.max(0, ...stalled.map((c) => c.bufferedBytes ?? 0)),
      stalledFramesDropped: stalled.reduce((n, c) => n + c.framesDropped, 0),
      commandsSent,
      spikeFrameBytes,
      snapshotBytes,
      rssGrowthMiB: (process.memoryUsage().rss - rss0) / 2 ** 20,
    };
  } finally {
    for (const s of sockets) s.terminate();
    await server.close();
  }
}

/**
 * Visualizer streaming benchmark.
 * - Latency: from the moment a tick's spikes are computed in the simulation (`sentAtMs` in the
 *   SPIKES frame) to the frame's arrival in a ws client running in a worker thread (its own event
 *   loop, as a browser would be), p50/p99 over every frame.
 * - Sustained rate: spike events per second delivered to each of 1 and 10 clients while the
 *   simulation offers a growing rate (5000–40000 spikes per tick, speed ×1…×40); the server drops frames
 *   for clients that fall behind, so "delivered" and "dropped" are both reported.
 * - Soak (`bench/workloads/vizSoak.ts`): clients that never read plus one flooding `speed`
 *   commands at 29/s; the stalled clients' server-side backlog, the watchers' frame rate, the
 *   measured and reported RTF and the RSS growth over a longer window.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { closedLoopSimulation, type EnvLike } from '../src/viz/loop.ts';
import { startVizServer } from '../src/viz/server.ts';
import type { SpikeSource } from '../src/viz/types.ts';
import { runVizSoak } from './workloads/vizSoak.ts';
import type { BenchSuite, BenchTable } from './types.ts';

const CONTROL_HZ = 50;

/** Minimal world: one body drifting on a line (the bench measures streaming, not physics). */
function driftEnv(): EnvLike {
  let x = 0;
  return {
    metadata: { controlHz: CONTROL_HZ, maxEpisodeSteps: 1e12 },
    reset: () => ((x = 0), { observation: Float64Array.of(x) }),
    step: (a) => {
      x += 0.001 * (typeof a === 'number' ? a : a[0]!);
      return { observation: Float64Array.of(x), reward: 0, terminated: false, truncated: false };
    },
    snapshot: () => ({
      time: 0,
      bodies: [
        {
          id: 1,
          label: 'b',
          position: [x, 0],
          angle: 0,
          vertices: [
            [x - 0.1, -0.1],
            [x + 0.1, -0.1],
            [x + 0.1, 0.1],
            [x - 0.1, 0.1],
          ],
          isStatic: false,
        },
      ],
      constraints: [],
    }),
    close: () => {},
  };
}

/** `spikesPerTick` events per tick in one layer of 10·spikesPerTick neurons, pattern shifting each tick. */
function sweepSource(spikesPerTick: number): SpikeSource {
  const size = spikesPerTick * 10;
  let t = 0;
  return {
    layers: [{ name: 'wide', size }],
    step: () => {
      const s = new Uint32Array(spikesPerTick);
      const off = t++ % 10;
      for (let k = 0; k < spikesPerTick; k++) s[k] = k * 10 + off;
      return { action: [1], spikes: [s], motor: Float32Array.of(1) };
    },
  };
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { WebSocket } = require(workerData.wsPath);
const n = workerData.clients;
const lat = []; const frames = new Array(n).fill(0); const events = new Array(n).fill(0);
let open = 0; let counting = false;
for (let i = 0; i < n; i++) {
  const ws = new WebSocket(workerData.url);
  ws.on('open', () => { if (++open === n) parentPort.postMessage({ type: 'ready' }); });
  ws.on('message', (d, bin) => {
    if (!bin || !counting) return;
    const now = performance.timeOrigin + performance.now();
    const L = d.readUInt16LE(2);
    let c = 0; for (let l = 0; l < L; l++) c += d.readUInt32LE(32 + 4 * l);
    frames[i]++; events[i] += c;
    if (i === 0) lat.push(now - d.readDoubleLE(24));
  });
}
parentPort.on('message', (m) => {
  if (m === 'start') counting = true;
  if (m === 'stop') { counting = false; parentPort.postMessage({ type: 'result', lat, frames, events }); }
});
`;

interface RunResult {
  latencies: number[];
  frames: number[];
  events: number[];
  ticks: number;
  wallS: number;
  rtf: number;
  dropped: number;
}

async function run(opts: { clients: number; spikesPerTick: number; speed: number; seconds: number }): Promise<RunResult> {
  const server = await startVizServer(
    () => closedLoopSimulation({ env: driftEnv(), source: sweepSource(opts.spikesPerTick), envName: 'drift', controllerName: 'sweep' }),
    { env: 'drift', controller: 'sweep' },
    { port: 0, speed: opts.speed, snapshotHz: 30 },
  );
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      url: server.url.replace(/^http/, 'ws') + 'ws',
      clients: opts.clients,
      wsPath: createRequire(import.meta.url).resolve('ws'),
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 300)); // let connections settle
    const dropped0 = server.stats().clients.reduce((n, c) => n + c.framesDropped, 0);
    const tick0 = server.stats().tick;
    const t0 = performance.now();
    worker.postMessage('start');
    await new Promise((r) => setTimeout(r, opts.seconds * 1000));
    const result = new Promise<{ lat: number[]; frames: number[]; events: number[] }>((resolve) => worker.once('message', resolve));
    worker.postMessage('stop');
    const wallS = (performance.now() - t0) / 1000;
    const ticks = server.stats().tick - tick0;
    const dropped = server.stats().clients.reduce((n, c) => n + c.framesDropped, 0) - dropped0;
    const r = await result;
    return { latencies: r.lat, frames: r.frames, events: r.events, ticks, wallS, rtf: ticks / CONTROL_HZ / wallS / opts.speed, dropped };
  } finally {
    await worker.terminate();
    await server.close();
  }
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

const suite: BenchSuite = async ({ quick }) => {
  const seconds = quick ? 1.5 : 4;
  const latency: BenchTable = {
    title: 'viz: spike → client latency (tick computed → frame received in a worker-thread ws client)',
    columns: ['clients', 'spikes/tick', 'ticks/s', 'frames', 'p50 ms', 'p99 ms', 'max ms'],
    rows: [],
  };
  for (const [clients, spt] of [
    [1, 64],
    [10, 64],
    [1, 5000],
    [10, 5000],
  ] as const) {
    const r = await run({ clients, spikesPerTick: spt, speed: 1, seconds });
    latency.rows.push([
      clients,
      spt,
      r.ticks / r.wallS,
      r.latencies.length,
      quantile(r.latencies, 0.5),
      quantile(r.latencies, 0.99),
      Math.max(...r.latencies),
    ]);
  }
  const rate: BenchTable = {
    title: 'viz: sustained spike-event rate per client (one SPIKES frame per tick, 4 bytes per event)',
    columns: ['clients', 'spikes/tick', 'speed', 'offered ev/s', 'delivered ev/s per client (min)', 'frames dropped %', 'sim RTF'],
    rows: [],
    notes: [
      'offered = spikes/tick × 50 Hz × speed × RTF; delivered counts events in frames a client received in the window; drops are the server shedding frames for clients whose backlog exceeds 1 MiB.',
    ],
  };
  const levels: Array<[number, number]> = quick
    ? [
        [5000, 1],
        [20000, 10],
      ]
    : [
        [5000, 1],
        [5000, 10],
        [20000, 10],
        [20000, 20],
        [40000, 20],
        [40000, 40],
      ];
  for (const clients of [1, 10]) {
    for (const [spt, speed] of levels) {
      const r = await run({ clients, spikesPerTick: spt, speed, seconds });
      const minEvents = Math.min(...r.events);
      const sentFrames = r.ticks * clients;
      rate.rows.push([
        clients,
        spt,
        speed,
        (spt * r.ticks) / r.wallS,
        minEvents / r.wallS,
        (100 * r.dropped) / Math.max(1, sentFrames),
        r.rtf,
      ]);
    }
  }
  const soakCap = 1 << 20;
  const soak: BenchTable = {
    title: 'viz soak: N stalled clients + 2 watchers + 1 client sending `speed` 29×/s (heavy world: 200 bodies)',
    columns: [
      'stalled',
      'seconds',
      'commands',
      'max stalled backlog KiB',
      'cap KiB',
      'watcher fps (min)',
      'RTF measured',
      'RTF reported',
      'RSS growth MiB',
    ],
    rows: [],
    notes: [
      'backlog = ws bufferedAmount of the stalled clients sampled every 100 ms (bounded by cap + one frame + one flush of held-back messages); watcher fps should be 50 (control rate).',
    ],
  };
  for (const stalled of quick ? [6] : [6, 20]) {
    const seconds = quick ? 5 : 60;
    const r = await runVizSoak({ stalledClients: stalled, watchingClients: 2, floodHz: 29, seconds, maxBufferedBytes: soakCap });
    soak.rows.push([
      stalled,
      seconds,
      r.commandsSent,
      r.maxStalledBacklogBytes / 1024,
      soakCap / 1024,
      r.minWatcherFps,
      r.measuredRtf,
      r.reportedRtf,
      r.rssGrowthMiB,
    ]);
  }
  return [latency, rate, soak];
};

export default suite;

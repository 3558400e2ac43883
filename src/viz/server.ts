/**
 * Live visualizer server: HTTP for the page, a WebSocket endpoint at `/ws`, and a real-time
 * closed loop (`RealtimeRunner`) whose ticks are broadcast to every connected tab.
 *
 * Robustness rules (docs/protocol.md §Limits):
 * - binds 127.0.0.1 unless told otherwise; WebSocket upgrades must come from the same host
 *   (Origin host == Host header) or an allow-listed origin;
 * - client messages are capped in size and rate; bad ones get an `error` frame and change nothing;
 * - a client whose `bufferedAmount` exceeds `maxBufferedBytes` has frames dropped — the loop never
 *   waits for a socket.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  encodeSpikes,
  parseClientMessage,
  PROTOCOL_VERSION,
  type ClientMessage,
  type ErrorCode,
  type ServerMessage,
} from './protocol.ts';
import { RealtimeRunner } from './runner.ts';
import { createStaticHandler } from './static.ts';
import type { SimulationFactory, VizSimulation } from './types.ts';

export interface VizServerOptions {
  /** Interface to bind; 127.0.0.1 keeps the server private to this machine. */
  host: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Extra origins (e.g. `http://myhost:8080`) allowed to open the WebSocket besides the same host. */
  allowedOrigins: readonly string[];
  /** Whether clients that send no Origin header (non-browser tools) may connect. */
  allowMissingOrigin: boolean;
  /** Largest accepted client text message, bytes; larger ones get `too_large`. */
  maxMessageBytes: number;
  /** Hard frame limit at the WebSocket layer; a larger frame closes the connection (1009). */
  maxPayloadBytes: number;
  /** Client message rate limit: sustained messages per second and burst size. */
  rateLimitPerS: number;
  rateLimitBurst: number;
  /** Frames to a client are dropped while its unsent backlog exceeds this. */
  maxBufferedBytes: number;
  snapshotHz: number;
  statsHz: number;
  maxClients: number;
  /** Push impulses are clamped to this magnitude, N·s. */
  maxImpulseNs: number;
  speed: number;
  seed: number;
  /** Choices offered in the page's env/controller menus. */
  envs: readonly string[];
  controllers: readonly string[];
}

export const DEFAULT_VIZ_SERVER: VizServerOptions = {
  host: '127.0.0.1',
  port: 8080,
  allowedOrigins: [],
  allowMissingOrigin: true,
  maxMessageBytes: 4096,
  maxPayloadBytes: 65536,
  rateLimitPerS: 30,
  rateLimitBurst: 60,
  maxBufferedBytes: 1 << 20,
  snapshotHz: 30,
  statsHz: 2,
  maxClients: 64,
  maxImpulseNs: 5,
  speed: 1,
  seed: 1,
  envs: [],
  controllers: [],
};

export interface ClientStats {
  id: number;
  framesSent: number;
  framesDropped: number;
  maxBufferedBytes: number;
  errors: number;
}

export interface VizServerStats {
  clients: ClientStats[];
  tick: number;
  episode: number;
  rtf: number;
  paused: boolean;
  rejectedUpgrades: number;
}

export interface VizServer {
  /** Page URL, e.g. `http://127.0.0.1:8080/`. */
  readonly url: string;
  readonly port: number;
  readonly runner: RealtimeRunner;
  stats(): VizServerStats;
  close(): Promise<void>;
}

interface Client {
  id: number;
  ws: WebSocket;
  tokens: number;
  lastRefillMs: number;
  stats: ClientStats;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The hostname of a URL (as a 0/1-element list, so that bad input is simply no match). */
function safeHostname(url: string): string[] {
  try {
    return [new URL(url).hostname];
  } catch {
    return [];
  }
}

/** Starts the server with the simulation built by `factory` for `initial`. */
export async function startVizServer(
  factory: SimulationFactory,
  initial: { env: string; controller: string },
  options: Partial<VizServerOptions> = {},
): Promise<VizServer> {
  const opts: VizServerOptions = { ...DEFAULT_VIZ_SERVER, ...options };
  const envs = opts.envs.length ? opts.envs : [initial.env];
  const controllers = opts.controllers.length ? opts.controllers : [initial.controller];
  const clients = new Set<Client>();
  let nextClientId = 1;
  let rejectedUpgrades = 0;
  let lastSnapshotMs = -Infinity;
  let switching = false;
  let closed = false;

  const sim0: VizSimulation = await factory(initial);
  const send = (c: Client, data: string | Uint8Array, droppable: boolean): void => {
    const ws = c.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    const buffered = ws.bufferedAmount;
    if (buffered > c.stats.maxBufferedBytes) c.stats.maxBufferedBytes = buffered;
    if (droppable && buffered > opts.maxBufferedBytes) {
      c.stats.framesDropped++;
      return;
    }
    ws.send(data, { binary: typeof data !== 'string' });
    c.stats.framesSent++;
  };
  const broadcast = (msg: ServerMessage | Uint8Array, droppable = true): void => {
    const data = msg instanceof Uint8Array ? msg : JSON.stringify(msg);
    for (const c of clients) send(c, data, droppable);
  };

  const runner: RealtimeRunner = new RealtimeRunner(
    sim0,
    {
      onTick: (t, meta) => {
        if (clients.size === 0) return;
        broadcast(
          encodeSpikes({
            tick: meta.tick,
            episode: meta.episode,
            simTimeS: meta.simTimeS,
            sentAtMs: meta.computedAtMs,
            spikes: t.spikes as Uint32Array[],
            motor: t.motor,
          }),
        );
      },
      onEpisode: (s) => broadcast({ type: 'episode', ...s }, false),
      onWake: (now) => {
        if (now - lastSnapshotMs >= 1000 / opts.snapshotHz) {
          lastSnapshotMs = now;
          if (clients.size) broadcast(snapshotMessage());
        }
      },
      onError: (err) => {
        broadcast({ type: 'error', code: 'simulation_error', message: `simulation paused: ${err instanceof Error ? err.message : String(err)}` }, false);
        broadcast(stateMessage(), false);
      },
    },
    { speed: opts.speed, seed: opts.seed },
  );

  const helloMessage = (): ServerMessage => {
    const info = runner.simulation.info;
    return {
      type: 'hello',
      version: PROTOCOL_VERSION,
      env: info.env,
      controller: info.controller,
      envs,
      controllers,
      controlHz: info.controlHz,
      layers: info.layers,
      motorNames: info.motorNames,
      maxImpulseNs: opts.maxImpulseNs,
    };
  };
  const stateMessage = (): ServerMessage => ({
    type: 'state',
    paused: runner.paused,
    speed: runner.speed,
    seed: runner.seed,
    episode: runner.episode,
  });
  const snapshotMessage = (): ServerMessage => ({
    type: 'snapshot',
    tick: runner.tick,
    episode: runner.episode,
    ...runner.simulation.world(),
  });
  const fail = (c: Client, code: ErrorCode, message: string): void => {
    c.stats.errors++;
    send(c, JSON.stringify({ type: 'error', code, message } satisfies ServerMessage), true);
  };

  const handle = async (c: Client, m: ClientMessage): Promise<void> => {
    switch (m.type) {
      case 'pause':
        runner.pause();
        break;
      case 'resume':
        runner.resume();
        break;
      case 'step':
        if (!runner.paused) return fail(c, 'bad_message', "'step' only applies while paused");
        runner.stepOnce();
        break;
      case 'reset':
        runner.reset(m.seed);
        break;
      case 'speed':
        runner.setSpeed(m.factor);
        break;
      case 'push': {
        const [ix, iy] = m.impulse;
        const mag = Math.hypot(ix, iy);
        const k = mag > opts.maxImpulseNs ? opts.maxImpulseNs / mag : 1;
        const impulse: [number, number] = [ix * k, iy * k];
        if (!runner.simulation.push(m.bodyId, m.point, impulse)) {
          return fail(c, 'unknown_body', `body ${m.bodyId} does not exist or cannot be pushed`);
        }
        broadcast({ type: 'pushed', bodyId: m.bodyId, point: m.point, impulse, tick: runner.tick }, false);
        return;
      }
      case 'select': {
        if (!envs.includes(m.env)) return fail(c, 'unknown_choice', `env '${m.env}' is not one of ${envs.join(', ')}`);
        if (!controllers.includes(m.controller)) {
          return fail(c, 'unknown_choice', `controller '${m.controller}' is not one of ${controllers.join(', ')}`);
        }
        if (switching) return fail(c, 'switch_failed', 'a switch is already in progress');
        switching = true;
        try {
          const sim = await factory({ env: m.env, controller: m.controller });
          if (closed) {
            sim.close();
            return;
          }
          runner.replace(sim);
        } catch (err) {
          return fail(c, 'switch_failed', `could not build ${m.env}/${m.controller}: ${err instanceof Error ? err.message : String(err)}`);
        } finally {
          switching = false;
        }
        broadcast(helloMessage(), false);
        break;
      }
    }
    broadcast(stateMessage(), false);
    broadcast(snapshotMessage(), false);
  };

  const onMessage = (c: Client, data: RawData, isBinary: boolean): void => {
    const now = performance.now();
    c.tokens = Math.min(opts.rateLimitBurst, c.tokens + ((now - c.lastRefillMs) / 1000) * opts.rateLimitPerS);
    c.lastRefillMs = now;
    if (c.tokens < 1) return fail(c, 'rate_limited', `more than ${opts.rateLimitPerS} messages/s; message ignored`);
    c.tokens -= 1;
    if (isBinary) return fail(c, 'binary_not_accepted', 'commands are JSON text frames');
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (size > opts.maxMessageBytes) return fail(c, 'too_large', `message of ${size} bytes exceeds ${opts.maxMessageBytes}`);
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = parseClientMessage(text);
    if (!parsed.ok) return fail(c, 'bad_message', parsed.error);
    handle(c, parsed.message).catch((err) => fail(c, 'bad_message', err instanceof Error ? err.message : String(err)));
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes, perMessageDeflate: false });
  wss.on('connection', (ws: WebSocket) => {
    const c: Client = {
      id: nextClientId++,
      ws,
      tokens: opts.rateLimitBurst,
      lastRefillMs: performance.now(),
      stats: { id: 0, framesSent: 0, framesDropped: 0, maxBufferedBytes: 0, errors: 0 },
    };
    c.stats.id = c.id;
    clients.add(c);
    // A peer that vanishes mid-frame surfaces here as an error; the server just forgets it.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => clients.delete(c));
    ws.on('message', (data, isBinary) => onMessage(c, data, isBinary));
    send(c, JSON.stringify(helloMessage()), false);
    send(c, JSON.stringify(stateMessage()), false);
    send(c, JSON.stringify(snapshotMessage()), false);
  });

  const reject = (socket: Duplex, status: string): void => {
    rejectedUpgrades++;
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  const originAllowed = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (origin === undefined) return opts.allowMissingOrigin;
    if (opts.allowedOrigins.includes(origin)) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  };

  // DNS rebinding: a hostile page can make its own name resolve to 127.0.0.1, and then its Origin
  // and Host agree. On a loopback bind, only loopback names (or allow-listed origins' hosts) pass.
  const loopbackBind = LOOPBACK.has(opts.host);
  const allowedHostnames = new Set([...LOOPBACK, ...opts.allowedOrigins.flatMap((o) => safeHostname(o))]);
  const hostAllowed = (req: IncomingMessage): boolean => {
    if (!loopbackBind) return true;
    const name = safeHostname(`http://${req.headers.host ?? ''}`);
    return name.length === 1 && allowedHostnames.has(name[0]!);
  };
  const staticHandler = createStaticHandler();
  const http: Server = createServer((req, res) => {
    if (!hostAllowed(req)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' });
      res.end('misdirected request: unexpected Host header\n');
      return;
    }
    staticHandler(req, res);
  });
  http.on('clientError', (_err, socket) => socket.destroy());
  http.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    if ((req.url ?? '').split('?')[0] !== '/ws') return reject(socket, '404 Not Found');
    if (!hostAllowed(req) || !originAllowed(req)) return reject(socket, '403 Forbidden');
    if (clients.size >= opts.maxClients) return reject(socket, '503 Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const statsTimer = setInterval(() => {
    if (!clients.size) return;
    broadcast({
      type: 'stats',
      episode: runner.episode,
      steps: runner.stepsInEpisode,
      return: runner.episodeReturn,
      rtf: runner.rtf,
      clients: clients.size,
    });
  }, 1000 / opts.statsHz);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port, opts.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  runner.start();
  const addr = http.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;

  return {
    url: `http://${hostForUrl}:${port}/`,
    port,
    runner,
    stats: () => ({
      clients: [...clients].map((c) => ({ ...c.stats })),
      tick: runner.tick,
      episode: runner.episode,
      rtf: runner.rtf,
      paused: runner.paused,
      rejectedUpgrades,
    }),
    close: async () => {
      if (closed) return;
      closed = true;
      runner.stop();
      clearInterval(statsTimer);
      for (const c of clients) c.ws.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          for (const c of clients) c.ws.terminate();
        }, 1000);
        wss.close(() => {
          clearTimeout(force);
          resolve();
        });
        if (clients.size === 0) resolve();
      });
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      runner.simulation.close();
    },
  };
}

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
import { encodeSpikes, parseClientMessage, PROTOCOL_VERSION, type ClientMessage, type ErrorCode, type ServerMessage } from './protocol.ts';
import { createClientHub, type Client, type ClientHub, type ClientStats } from './clients.ts';
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
  /** Frames to a client are dropped (state kept as its latest copy only) while its unsent backlog exceeds this. */
  maxBufferedBytes: number;
  /** Episode/push announcements kept per slow client; older ones are dropped. */
  maxPendingEvents: number;
  snapshotHz: number;
  statsHz: number;
  maxClients: number;
  /** Push impulses are clamped to this magnitude, N·s. */
  maxImpulseNs: number;
  /**
   * A push point must lie within the pushed body's extent (largest centre-to-vertex distance) times
   * this factor plus `pushMarginM`; farther points would turn a clamped impulse into any spin.
   */
  pushReachFactor: number;
  pushMarginM: number;
  speed: number;
  seed: number;
  /** Choices offered in the page's env/controller menus. */
  envs: readonly string[];
  controllers: readonly string[];
}

export const DEFAULT_VIZ_SERVER: Readonly<VizServerOptions> = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  allowedOrigins: [],
  allowMissingOrigin: true,
  maxMessageBytes: 4096,
  maxPayloadBytes: 65536,
  rateLimitPerS: 30,
  rateLimitBurst: 60,
  maxBufferedBytes: 1 << 20,
  maxPendingEvents: 32,
  snapshotHz: 30,
  statsHz: 2,
  maxClients: 64,
  maxImpulseNs: 5,
  pushReachFactor: 1.1,
  pushMarginM: 0.05,
  speed: 1,
  seed: 1,
  envs: [],
  controllers: [],
});

export type { ClientStats } from './clients.ts';

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

/** What the steps of `startVizServer` share. */
interface ServerContext {
  readonly opts: VizServerOptions;
  readonly envs: readonly string[];
  readonly controllers: readonly string[];
  readonly factory: SimulationFactory;
  readonly hub: ClientHub;
  runner: RealtimeRunner;
  switching: boolean;
  closed: boolean;
  rejectedUpgrades: number;
  lastSnapshotMs: number;
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

/**
 * Starts the server with the simulation built by `factory` for `initial`. Rejects (after releasing
 * everything it made) when the port cannot be bound or the host cannot be resolved.
 */
export async function startVizServer(
  factory: SimulationFactory,
  initial: { env: string; controller: string },
  options: Partial<VizServerOptions> = {},
): Promise<VizServer> {
  const opts: VizServerOptions = { ...DEFAULT_VIZ_SERVER, ...options };
  const sim0 = await factory(initial);
  const ctx: ServerContext = {
    opts,
    envs: opts.envs.length ? opts.envs : [initial.env],
    controllers: opts.controllers.length ? opts.controllers : [initial.controller],
    factory,
    hub: createClientHub(opts),
    runner: undefined as unknown as RealtimeRunner, // set on the next line; the hooks need ctx
    switching: false,
    closed: false,
    rejectedUpgrades: 0,
    lastSnapshotMs: -Infinity,
  };
  ctx.runner = createRunner(ctx, sim0);
  const wss = createSocketServer(ctx);
  const http = createHttpServer(ctx, wss);
  try {
    await listen(http, opts);
  } catch (err) {
    wss.close();
    sim0.close();
    throw err;
  }
  // Timers start only once listening, so that a failed start leaves nothing keeping the process alive.
  const statsTimer = startStatsTimer(ctx);
  ctx.runner.start();
  return serverHandle(ctx, http, wss, statsTimer);
}

/** The real-time loop, with hooks that broadcast ticks, episodes, snapshots and errors. */
function createRunner(ctx: ServerContext, sim0: VizSimulation): RealtimeRunner {
  const { hub, opts } = ctx;
  return new RealtimeRunner(
    sim0,
    {
      onTick: (t, meta) => {
        if (hub.clients.size === 0) return;
        const frame = encodeSpikes({
          tick: meta.tick,
          episode: meta.episode,
          simTimeS: meta.simTimeS,
          sentAtMs: meta.computedAtMs,
          spikes: t.spikes as Uint32Array[],
          motor: t.motor,
        });
        hub.broadcast(frame, 'droppable');
      },
      onEpisode: (s) => hub.broadcast({ type: 'episode', ...s }, 'event'),
      onWake: (now) => {
        hub.flush();
        if (now - ctx.lastSnapshotMs < 1000 / opts.snapshotHz) return;
        ctx.lastSnapshotMs = now;
        hub.broadcast(snapshotMessage(ctx), 'droppable');
      },
      onError: (err) => {
        const message = `simulation paused: ${err instanceof Error ? err.message : String(err)}`;
        hub.broadcast({ type: 'error', code: 'simulation_error', message }, 'event');
        hub.broadcast(stateMessage(ctx), 'latest');
      },
    },
    { speed: opts.speed, seed: opts.seed },
  );
}

function helloMessage(ctx: ServerContext): ServerMessage {
  const info = ctx.runner.simulation.info;
  return {
    type: 'hello',
    version: PROTOCOL_VERSION,
    env: info.env,
    controller: info.controller,
    envs: ctx.envs,
    controllers: ctx.controllers,
    controlHz: info.controlHz,
    layers: info.layers,
    motorNames: info.motorNames,
    maxImpulseNs: ctx.opts.maxImpulseNs,
    ...(ctx.runner.simulation.manual ? { manual: ctx.runner.simulation.manual.names } : {}),
    ...(info.recording !== undefined ? { recording: info.recording } : {}),
  };
}

function stateMessage({ runner }: ServerContext): ServerMessage {
  return { type: 'state', paused: runner.paused, speed: runner.speed, seed: runner.seed, episode: runner.episode };
}

function snapshotMessage({ runner }: ServerContext): ServerMessage {
  return { type: 'snapshot', tick: runner.tick, episode: runner.episode, ...runner.simulation.world() };
}

function fail(ctx: ServerContext, c: Client, code: ErrorCode, message: string): void {
  c.stats.errors++;
  ctx.hub.send(c, { type: 'error', code, message }, 'droppable');
}

/** Applies one validated command; every tab then gets the new state and world (newest copy only). */
async function handleCommand(ctx: ServerContext, c: Client, m: ClientMessage): Promise<void> {
  const { runner } = ctx;
  switch (m.type) {
    case 'pause':
      runner.pause();
      break;
    case 'resume':
      runner.resume();
      break;
    case 'step':
      if (!runner.paused) return fail(ctx, c, 'bad_message', "'step' only applies while paused");
      runner.stepOnce();
      break;
    case 'reset':
      runner.reset(m.seed);
      break;
    case 'speed':
      runner.setSpeed(m.factor);
      break;
    case 'push':
      return handlePush(ctx, c, m);
    case 'action':
      return handleAction(ctx, c, m);
    case 'select':
      if (!(await handleSelect(ctx, c, m))) return;
      break;
  }
  ctx.hub.broadcast(stateMessage(ctx), 'latest');
  ctx.hub.broadcast(snapshotMessage(ctx), 'latest');
}

/** Clamps the impulse, checks the point lies on the body, applies it and tells every tab. */
function handlePush(ctx: ServerContext, c: Client, m: Extract<ClientMessage, { type: 'push' }>): void {
  const { opts, runner } = ctx;
  const body = runner.simulation.world().bodies.find((b) => b.id === m.bodyId);
  if (!body || body.isStatic) return fail(ctx, c, 'unknown_body', `body ${m.bodyId} does not exist or cannot be pushed`);
  const [px, py] = body.position;
  const extentM = Math.max(0, ...body.vertices.map(([x, y]) => Math.hypot(x - px, y - py)));
  const reachM = extentM * opts.pushReachFactor + opts.pushMarginM;
  const distM = Math.hypot(m.point[0] - px, m.point[1] - py);
  if (!(distM <= reachM)) {
    return fail(
      ctx,
      c,
      'out_of_reach',
      `push point [${m.point}] is ${distM.toPrecision(3)} m from body ${m.bodyId}'s centre; it must be within ${reachM.toPrecision(3)} m`,
    );
  }
  const [ix, iy] = m.impulse;
  const mag = Math.hypot(ix, iy);
  const k = mag > opts.maxImpulseNs ? opts.maxImpulseNs / mag : 1;
  const impulse: [number, number] = [ix * k, iy * k];
  if (!runner.simulation.push(m.bodyId, m.point, impulse)) {
    return fail(ctx, c, 'unknown_body', `body ${m.bodyId} does not exist or cannot be pushed`);
  }
  ctx.hub.broadcast({ type: 'pushed', bodyId: m.bodyId, point: m.point, impulse, tick: runner.tick }, 'event');
}

/** Sets the keyboard controller's held command (no broadcast: the next ticks show it). */
function handleAction(ctx: ServerContext, c: Client, m: Extract<ClientMessage, { type: 'action' }>): void {
  const { simulation } = ctx.runner;
  const manual = simulation.manual;
  if (!manual) {
    return fail(
      ctx,
      c,
      'not_manual',
      `'action' applies to the keyboard controller only; the body is driven by '${simulation.info.controller}'`,
    );
  }
  if (m.values.length !== manual.names.length) {
    return fail(
      ctx,
      c,
      'bad_message',
      `values: ${m.values.length} given, but ${simulation.info.env} has ${manual.names.length} action dimensions (${manual.names.join(', ')})`,
    );
  }
  manual.set(m.values);
}

/** Rebuilds the simulation for another env/controller; false when refused or failed (the sender was told). */
async function handleSelect(ctx: ServerContext, c: Client, m: Extract<ClientMessage, { type: 'select' }>): Promise<boolean> {
  const { envs, controllers } = ctx;
  if (!envs.includes(m.env)) return (fail(ctx, c, 'unknown_choice', `env '${m.env}' is not one of ${envs.join(', ')}`), false);
  if (!controllers.includes(m.controller)) {
    return (fail(ctx, c, 'unknown_choice', `controller '${m.controller}' is not one of ${controllers.join(', ')}`), false);
  }
  if (ctx.switching) return (fail(ctx, c, 'switch_failed', 'a switch is already in progress'), false);
  ctx.switching = true;
  try {
    const sim = await ctx.factory({ env: m.env, controller: m.controller });
    if (ctx.closed) {
      sim.close();
      return false;
    }
    ctx.runner.replace(sim);
  } catch (err) {
    fail(ctx, c, 'switch_failed', `could not build ${m.env}/${m.controller}: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  } finally {
    ctx.switching = false;
  }
  ctx.hub.broadcast(helloMessage(ctx), 'latest');
  return true;
}

/** Rate limit, size and schema checks on one client frame, then the command. */
function onClientMessage(ctx: ServerContext, c: Client, data: RawData, isBinary: boolean): void {
  const { opts } = ctx;
  const now = performance.now();
  c.tokens = Math.min(opts.rateLimitBurst, c.tokens + ((now - c.lastRefillMs) / 1000) * opts.rateLimitPerS);
  c.lastRefillMs = now;
  if (c.tokens < 1) return fail(ctx, c, 'rate_limited', `more than ${opts.rateLimitPerS} messages/s; message ignored`);
  c.tokens -= 1;
  if (isBinary) return fail(ctx, c, 'binary_not_accepted', 'commands are JSON text frames');
  const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
  if (size > opts.maxMessageBytes) return fail(ctx, c, 'too_large', `message of ${size} bytes exceeds ${opts.maxMessageBytes}`);
  const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
  const parsed = parseClientMessage(text);
  if (!parsed.ok) return fail(ctx, c, 'bad_message', parsed.error);
  handleCommand(ctx, c, parsed.message).catch((err) => fail(ctx, c, 'bad_message', err instanceof Error ? err.message : String(err)));
}

/** The WebSocket endpoint: registers each connection and greets it with hello, state and the world. */
function createSocketServer(ctx: ServerContext): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: ctx.opts.maxPayloadBytes, perMessageDeflate: false });
  wss.on('connection', (ws: WebSocket) => {
    const c = ctx.hub.add(ws, ctx.opts.rateLimitBurst);
    // A peer that vanishes mid-frame surfaces here as an error; the server just forgets it.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => ctx.hub.remove(c));
    ws.on('message', (data, isBinary) => onClientMessage(ctx, c, data, isBinary));
    ctx.hub.send(c, helloMessage(ctx), 'latest');
    ctx.hub.send(c, stateMessage(ctx), 'latest');
    ctx.hub.send(c, snapshotMessage(ctx), 'latest');
  });
  return wss;
}

/** Origin and Host checks (cross-site pages, DNS rebinding) for the page and the upgrade. */
function requestGuards(opts: VizServerOptions): {
  originAllowed(req: IncomingMessage): boolean;
  hostAllowed(req: IncomingMessage): boolean;
} {
  // DNS rebinding: a hostile page can make its own name resolve to 127.0.0.1, and then its Origin
  // and Host agree. On a loopback bind, only loopback names (or allow-listed origins' hosts) pass.
  const loopbackBind = LOOPBACK.has(opts.host);
  const allowedHostnames = new Set([...LOOPBACK, ...opts.allowedOrigins.flatMap((o) => safeHostname(o))]);
  return {
    originAllowed(req) {
      const origin = req.headers.origin;
      if (origin === undefined) return opts.allowMissingOrigin;
      if (opts.allowedOrigins.includes(origin)) return true;
      try {
        return new URL(origin).host === req.headers.host;
      } catch {
        return false;
      }
    },
    hostAllowed(req) {
      if (!loopbackBind) return true;
      const name = safeHostname(`http://${req.headers.host ?? ''}`);
      return name.length === 1 && allowedHostnames.has(name[0]!);
    },
  };
}

/** HTTP for the static page, and the guarded upgrade to the WebSocket at `/ws`. */
function createHttpServer(ctx: ServerContext, wss: WebSocketServer): Server {
  const { originAllowed, hostAllowed } = requestGuards(ctx.opts);
  const staticHandler = createStaticHandler();
  const reject = (socket: Duplex, status: string): void => {
    ctx.rejectedUpgrades++;
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  const http = createServer((req, res) => {
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
    if (ctx.hub.clients.size >= ctx.opts.maxClients) return reject(socket, '503 Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  return http;
}

/** Binds the port; rejects with the reason (port in use, unknown host, no permission). */
function listen(http: Server, opts: VizServerOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const why =
        err.code === 'EADDRINUSE'
          ? 'the port is already in use'
          : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
            ? 'the host name cannot be resolved'
            : err.code === 'EADDRNOTAVAIL'
              ? 'the address is not on this machine'
              : err.code === 'EACCES'
                ? 'permission denied'
                : err.message;
      reject(new Error(`cannot listen on ${opts.host}:${opts.port}: ${why} (${err.code ?? err.message})`));
    };
    http.once('error', onError);
    http.listen(opts.port, opts.host, () => {
      http.off('error', onError);
      resolve();
    });
  });
}

/** Broadcasts `stats` at `statsHz`, and delivers what slow clients have pending even while paused. */
function startStatsTimer(ctx: ServerContext): NodeJS.Timeout {
  const { hub, runner } = ctx;
  return setInterval(() => {
    hub.flush();
    if (!hub.clients.size) return;
    const stats: ServerMessage = {
      type: 'stats',
      episode: runner.episode,
      steps: runner.stepsInEpisode,
      return: runner.episodeReturn,
      rtf: runner.rtf,
      clients: hub.clients.size,
    };
    hub.broadcast(stats, 'droppable');
  }, 1000 / ctx.opts.statsHz);
}

/** The running server: its URL, stats, and an orderly close. */
function serverHandle(ctx: ServerContext, http: Server, wss: WebSocketServer, statsTimer: NodeJS.Timeout): VizServer {
  const { opts, hub, runner } = ctx;
  const addr = http.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  return {
    url: `http://${hostForUrl}:${port}/`,
    port,
    runner,
    stats: () => ({
      clients: [...hub.clients].map((c) => ({
        ...c.stats,
        bufferedBytes: c.ws.bufferedAmount,
        pendingMessages: c.pendingEvents.length + c.pendingLatest.size,
      })),
      tick: runner.tick,
      episode: runner.episode,
      rtf: runner.rtf,
      paused: runner.paused,
      rejectedUpgrades: ctx.rejectedUpgrades,
    }),
    close: async () => {
      if (ctx.closed) return;
      ctx.closed = true;
      runner.stop();
      clearInterval(statsTimer);
      for (const c of hub.clients) c.ws.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          for (const c of hub.clients) c.ws.terminate();
        }, 1000);
        wss.close(() => {
          clearTimeout(force);
          resolve();
        });
        if (hub.clients.size === 0) resolve();
      });
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      runner.simulation.close();
    },
  };
}

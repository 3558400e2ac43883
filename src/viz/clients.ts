/**
 * The visualizer's connected clients and the delivery policy that keeps each one's server-side
 * backlog bounded (docs/protocol.md §Limits).
 *
 * Every message has a delivery class:
 * - `droppable` (SPIKES, periodic snapshots, stats, errors): dropped while the client's unsent
 *   backlog (`ws.bufferedAmount`) exceeds `maxBufferedBytes`;
 * - `latest` (hello, state, the snapshot after a command): only the newest one of each type matters,
 *   so a slow client gets at most one pending copy per type, sent once it has caught up;
 * - `event` (episode, pushed): kept in a per-client queue of at most `maxPendingEvents` (the oldest
 *   is dropped beyond that), sent once it has caught up.
 * A client therefore never holds more than `maxBufferedBytes` + one frame + one flush of pending
 * messages, however many commands arrive (before, every command queued an undroppable snapshot).
 */
import { WebSocket } from 'ws';
import type { ServerMessage } from './protocol.ts';

export type Delivery = 'droppable' | 'latest' | 'event';

export interface ClientStats {
  id: number;
  framesSent: number;
  framesDropped: number;
  /** Largest unsent backlog seen before a send, bytes. */
  maxBufferedBytes: number;
  /** Unsent backlog now (filled in when stats are read), bytes. */
  bufferedBytes: number;
  /** Messages held back for this client until it catches up. */
  pendingMessages: number;
  errors: number;
}

export interface Client {
  readonly id: number;
  readonly ws: WebSocket;
  tokens: number;
  lastRefillMs: number;
  readonly stats: ClientStats;
  /** Newest undelivered message per `latest` type, in first-queued order. */
  readonly pendingLatest: Map<string, string>;
  readonly pendingEvents: string[];
}

interface Encoded {
  type: string;
  data: string | Uint8Array;
}

export interface ClientHubOptions {
  maxBufferedBytes: number;
  maxPendingEvents: number;
}

export interface ClientHub {
  readonly clients: ReadonlySet<Client>;
  add(ws: WebSocket, tokens: number): Client;
  remove(c: Client): void;
  send(c: Client, msg: ServerMessage | Uint8Array, delivery: Delivery): void;
  broadcast(msg: ServerMessage | Uint8Array, delivery: Delivery): void;
  /** Sends what slow clients have pending once they have caught up. */
  flush(): void;
}

/** Creates the client set with the bounded delivery policy described in the file header. */
export function createClientHub(opts: ClientHubOptions): ClientHub {
  const clients = new Set<Client>();
  let nextId = 1;

  const write = (c: Client, data: string | Uint8Array): void => {
    c.ws.send(data, { binary: typeof data !== 'string' });
    c.stats.framesSent++;
  };
  const caughtUp = (c: Client): boolean => c.ws.bufferedAmount <= opts.maxBufferedBytes;
  const flushClient = (c: Client): void => {
    if (c.ws.readyState !== WebSocket.OPEN || !caughtUp(c)) return;
    for (const e of c.pendingEvents.splice(0)) write(c, e);
    for (const m of c.pendingLatest.values()) write(c, m);
    c.pendingLatest.clear();
  };
  const encode = (msg: ServerMessage | Uint8Array): Encoded =>
    msg instanceof Uint8Array ? { type: 'spikes', data: msg } : { type: msg.type, data: JSON.stringify(msg) };
  const deliver = (c: Client, { type, data }: Encoded, delivery: Delivery): void => {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    const buffered = c.ws.bufferedAmount;
    if (buffered > c.stats.maxBufferedBytes) c.stats.maxBufferedBytes = buffered;
    flushClient(c);
    if (caughtUp(c)) return write(c, data);
    if (delivery === 'droppable' || typeof data !== 'string') {
      c.stats.framesDropped++;
    } else if (delivery === 'latest') {
      c.pendingLatest.delete(type);
      c.pendingLatest.set(type, data);
    } else {
      c.pendingEvents.push(data);
      if (c.pendingEvents.length > opts.maxPendingEvents) {
        c.pendingEvents.shift();
        c.stats.framesDropped++;
      }
    }
  };

  return {
    clients,
    add(ws, tokens) {
      const id = nextId++;
      const c: Client = {
        id,
        ws,
        tokens,
        lastRefillMs: performance.now(),
        stats: { id, framesSent: 0, framesDropped: 0, maxBufferedBytes: 0, bufferedBytes: 0, pendingMessages: 0, errors: 0 },
        pendingLatest: new Map(),
        pendingEvents: [],
      };
      clients.add(c);
      return c;
    },
    remove: (c) => void clients.delete(c),
    send: (c, msg, delivery) => deliver(c, encode(msg), delivery),
    broadcast(msg, delivery) {
      if (!clients.size) return;
      const encoded = encode(msg); // serialized once for all clients
      for (const c of clients) deliver(c, encoded, delivery);
    },
    flush() {
      for (const c of clients) if (c.pendingEvents.length || c.pendingLatest.size) flushClient(c);
    },
  };
}

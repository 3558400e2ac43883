/** Test helper: a real `ws` client that records every message and can wait for one. */
import { WebSocket } from 'ws';
import { decodeSpikes, type ServerMessage, type SpikesFrame } from '../../src/viz/protocol.ts';

export type Received = { kind: 'json'; msg: ServerMessage } | { kind: 'spikes'; frame: SpikesFrame; bytes: number };

export class TestClient {
  readonly ws: WebSocket;
  readonly received: Received[] = [];
  private waiters: Array<() => void> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      const buf = data as Buffer;
      this.received.push(
        isBinary
          ? { kind: 'spikes', frame: decodeSpikes(buf), bytes: buf.length }
          : { kind: 'json', msg: JSON.parse(buf.toString('utf8')) },
      );
      for (const w of this.waiters) w();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + 'ws', { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestClient(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  json<T extends ServerMessage['type']>(type: T): Array<Extract<ServerMessage, { type: T }>> {
    return this.received.flatMap((r) => (r.kind === 'json' && r.msg.type === type ? [r.msg as Extract<ServerMessage, { type: T }>] : []));
  }

  spikes(): SpikesFrame[] {
    return this.received.flatMap((r) => (r.kind === 'spikes' ? [r.frame] : []));
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Resolves when `pred` holds over the received messages (checked on each arrival). */
  waitFor(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createClientHub } from '../../src/viz/clients.ts';

/** A socket stand-in whose unsent backlog the test sets. */
function fakeSocket() {
  const sent: Array<string | Uint8Array> = [];
  const ws = {
    readyState: WebSocket.OPEN,
    bufferedAmount: 0,
    send(data: string | Uint8Array) {
      sent.push(data);
    },
  };
  return { ws, sent };
}

describe('client hub delivery policy', () => {
  it('holds one newest copy per state-like message and at most maxPendingEvents events for a client over the cap, then delivers them in order', () => {
    const hub = createClientHub({ maxBufferedBytes: 1000, maxPendingEvents: 4 });
    const { ws, sent } = fakeSocket();
    const c = hub.add(ws as unknown as WebSocket, 10);
    ws.bufferedAmount = 5000;
    for (let i = 0; i < 1000; i++) {
      hub.broadcast({ type: 'state', paused: false, speed: 1, seed: i, episode: 1 }, 'latest');
      hub.broadcast({ type: 'snapshot', tick: i, episode: 1, time: 0, bodies: [], constraints: [] }, 'latest');
      hub.broadcast({ type: 'pushed', bodyId: 1, point: [0, 0], impulse: [i, 0], tick: i }, 'event');
      hub.broadcast(new Uint8Array(8), 'droppable');
    }
    expect(sent).toHaveLength(0);
    expect(c.pendingLatest.size).toBe(2);
    expect(c.pendingEvents).toHaveLength(4);
    ws.bufferedAmount = 0;
    hub.flush();
    const msgs = sent.map((d) => JSON.parse(d as string) as { type: string; seed?: number; tick?: number });
    expect(msgs.map((m) => m.type)).toEqual(['pushed', 'pushed', 'pushed', 'pushed', 'state', 'snapshot']);
    expect(msgs.slice(0, 4).map((m) => m.tick)).toEqual([996, 997, 998, 999]);
    expect(msgs[4]!.seed).toBe(999);
    expect(c.stats.framesDropped).toBe(1000 + 996);
  });
});

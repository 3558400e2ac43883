import { describe, expect, it } from 'vitest';
import { decodeSpikes, encodeSpikes, parseClientMessage, SPIKES_HEADER_BYTES } from '../../src/viz/protocol.ts';

const layers = [
  { name: 'in', size: 40 },
  { name: 'hidden', size: 1000 },
  { name: 'out', size: 4 },
];

describe('viz protocol', () => {
  it('round-trips a SPIKES frame bit-exactly', () => {
    const frame = {
      tick: 123456,
      episode: 7,
      simTimeS: 3.14,
      sentAtMs: 1764350000123.456,
      spikes: [Uint32Array.of(0, 5, 39), Uint32Array.of(), Uint32Array.of(3)],
      motor: Float32Array.of(0.25, -1.5),
    };
    const bytes = encodeSpikes(frame);
    expect(bytes.byteLength).toBe(SPIKES_HEADER_BYTES + 4 * (3 + 4 + 2));
    const back = decodeSpikes(bytes, layers);
    expect(back.tick).toBe(123456);
    expect(back.episode).toBe(7);
    expect(back.simTimeS).toBe(3.14);
    expect(back.sentAtMs).toBe(1764350000123.456);
    expect(back.spikes.map((s) => [...s])).toEqual([[0, 5, 39], [], [3]]);
    expect([...back.motor]).toEqual([0.25, -1.5]);
  });

  it('decodes a frame that sits at an unaligned offset of a larger buffer', () => {
    const bytes = encodeSpikes({ tick: 1, episode: 1, simTimeS: 0, sentAtMs: 0, spikes: [Uint32Array.of(9)], motor: Float32Array.of(1) });
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect([...decodeSpikes(big.subarray(3)).spikes[0]!]).toEqual([9]);
  });

  it('writes the documented little-endian header layout', () => {
    const bytes = encodeSpikes({
      tick: 0x01020304,
      episode: 2,
      simTimeS: 0.5,
      sentAtMs: 0,
      spikes: [Uint32Array.of(7, 8)],
      motor: Float32Array.of(),
    });
    const dv = new DataView(bytes.buffer);
    expect(dv.getUint8(0)).toBe(1);
    expect(dv.getUint8(1)).toBe(1);
    expect(dv.getUint16(2, true)).toBe(1);
    expect([...bytes.subarray(4, 8)]).toEqual([4, 3, 2, 1]);
    expect(dv.getUint32(8, true)).toBe(2);
    expect(dv.getUint16(12, true)).toBe(0);
    expect(dv.getFloat64(16, true)).toBe(0.5);
    expect(dv.getUint32(32, true)).toBe(2);
    expect(dv.getUint32(36, true)).toBe(7);
    expect(dv.getUint32(40, true)).toBe(8);
  });

  it('rejects truncated, mistyped, wrong-version and out-of-range frames with a reason', () => {
    const good = encodeSpikes({
      tick: 1,
      episode: 1,
      simTimeS: 0,
      sentAtMs: 0,
      spikes: [Uint32Array.of(1), Uint32Array.of(), Uint32Array.of()],
      motor: Float32Array.of(),
    });
    expect(() => decodeSpikes(good.subarray(0, 10))).toThrow(/shorter than the 32-byte header/);
    expect(() => decodeSpikes(good.subarray(0, good.length - 4))).toThrow(/counts say/);
    const wrongType = good.slice();
    wrongType[0] = 9;
    expect(() => decodeSpikes(wrongType)).toThrow(/frameType 9/);
    const wrongVersion = good.slice();
    wrongVersion[1] = 2;
    expect(() => decodeSpikes(wrongVersion)).toThrow(/protocol version 2/);
    const outOfRange = encodeSpikes({
      tick: 1,
      episode: 1,
      simTimeS: 0,
      sentAtMs: 0,
      spikes: [Uint32Array.of(40), Uint32Array.of(), Uint32Array.of()],
      motor: Float32Array.of(),
    });
    expect(() => decodeSpikes(outOfRange, layers)).toThrow(/index 40 out of range for layer 'in'/);
    expect(() => decodeSpikes(good, layers.slice(0, 2))).toThrow(/3 layers, expected 2/);
  });

  it('accepts every documented command and rejects malformed ones naming the field', () => {
    for (const m of [
      { type: 'pause' },
      { type: 'resume' },
      { type: 'step' },
      { type: 'reset' },
      { type: 'reset', seed: 42 },
      { type: 'speed', factor: 2 },
      { type: 'select', env: 'cartpole', controller: 'teacher' },
      { type: 'push', bodyId: 3, point: [0.1, 0.2], impulse: [1, 0] },
    ]) {
      const r = parseClientMessage(JSON.stringify(m));
      expect(r.ok, JSON.stringify(m)).toBe(true);
    }
    const bad = (text: string) => {
      const r = parseClientMessage(text);
      if (r.ok) throw new Error(`accepted ${text}`);
      return r.error;
    };
    expect(bad('{not json')).toMatch(/not valid JSON/);
    expect(bad('{"type":"explode"}')).toMatch(/type/);
    expect(bad('{"type":"speed","factor":1000}')).toMatch(/factor/);
    expect(bad('{"type":"speed","factor":"fast"}')).toMatch(/factor/);
    expect(bad('{"type":"push","bodyId":1,"point":[0],"impulse":[1,0]}')).toMatch(/point/);
    expect(bad('{"type":"push","bodyId":1.5,"point":[0,0],"impulse":[1,0]}')).toMatch(/bodyId/);
    expect(bad('{"type":"pause","extra":1}')).toMatch(/extra|unrecognized/i);
    expect(bad('{"type":"reset","seed":-1}')).toMatch(/seed/);
  });
});

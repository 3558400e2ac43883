/**
 * spikeloop visualizer wire protocol, version 1 (full description: docs/protocol.md).
 *
 * Server → client
 *   binary  SPIKES frame, one per control tick, little-endian:
 *     off  size  field
 *       0  u8    frameType = 1
 *       1  u8    protocol version = 1
 *       2  u16   L, number of layers
 *       4  u32   tick (control ticks since server start, wraps at 2^32)
 *       8  u32   episode
 *      12  u16   M, number of motor channels
 *      14  u16   reserved (0)
 *      16  f64   simTimeS (time in the episode, s)
 *      24  f64   sentAtMs (Unix epoch ms, sub-ms precision, when the tick was computed)
 *      32  L×u32 spike count per layer
 *       …  Σcount×u32 neuron indices, layer after layer
 *       …  M×f32 motor commands
 *   text    JSON objects with a `type`: hello, state, snapshot, stats, episode, pushed, error.
 * Client → server
 *   text    JSON commands (validated here): pause, resume, reset, speed, select, push, step, action.
 *           `action` {values: [v0, …]} sets the keyboard controller's held command, one value in
 *           [−1, 1] per action dimension (hello's `manual` names them); it persists until the next.
 */
import { z } from 'zod';
import type { LayerInfo, VizWorld } from './types.ts';

export const PROTOCOL_VERSION = 1;
export const FRAME_SPIKES = 1;
export const SPIKES_HEADER_BYTES = 32;

export interface SpikesFrame {
  tick: number;
  episode: number;
  simTimeS: number;
  sentAtMs: number;
  spikes: Uint32Array[];
  motor: Float32Array;
}

/** Packs one tick into a binary SPIKES frame (layout in the file header). */
export function encodeSpikes(frame: SpikesFrame): Uint8Array {
  const L = frame.spikes.length;
  const M = frame.motor.length;
  if (L > 0xffff) throw new Error(`encodeSpikes: too many layers (${L} > 65535)`);
  if (M > 0xffff) throw new Error(`encodeSpikes: too many motor channels (${M} > 65535)`);
  let total = 0;
  for (const s of frame.spikes) total += s.length;
  const bytes = SPIKES_HEADER_BYTES + 4 * L + 4 * total + 4 * M;
  const buf = new ArrayBuffer(bytes);
  const dv = new DataView(buf);
  dv.setUint8(0, FRAME_SPIKES);
  dv.setUint8(1, PROTOCOL_VERSION);
  dv.setUint16(2, L, true);
  dv.setUint32(4, frame.tick >>> 0, true);
  dv.setUint32(8, frame.episode >>> 0, true);
  dv.setUint16(12, M, true);
  dv.setUint16(14, 0, true);
  dv.setFloat64(16, frame.simTimeS, true);
  dv.setFloat64(24, frame.sentAtMs, true);
  const u32 = new Uint32Array(buf, SPIKES_HEADER_BYTES, L + total);
  let o = 0;
  for (const s of frame.spikes) u32[o++] = s.length;
  for (const s of frame.spikes) {
    u32.set(s, o);
    o += s.length;
  }
  new Float32Array(buf, SPIKES_HEADER_BYTES + 4 * (L + total), M).set(frame.motor);
  return new Uint8Array(buf);
}

/**
 * Unpacks a SPIKES frame. When `layers` is given, the layer count and every neuron index are
 * checked against it. Throws with the offending field named.
 */
export function decodeSpikes(data: ArrayBuffer | ArrayBufferView, layers?: readonly LayerInfo[]): SpikesFrame {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength < SPIKES_HEADER_BYTES)
    throw new Error(`decodeSpikes: frame of ${bytes.byteLength} bytes is shorter than the 32-byte header`);
  // Copy so that typed-array views are aligned whatever the source offset.
  const buf = bytes.slice().buffer;
  const dv = new DataView(buf);
  const type = dv.getUint8(0);
  if (type !== FRAME_SPIKES) throw new Error(`decodeSpikes: frameType ${type} is not SPIKES (${FRAME_SPIKES})`);
  const version = dv.getUint8(1);
  if (version !== PROTOCOL_VERSION) throw new Error(`decodeSpikes: protocol version ${version}, expected ${PROTOCOL_VERSION}`);
  const L = dv.getUint16(2, true);
  const M = dv.getUint16(12, true);
  if (layers && layers.length !== L) throw new Error(`decodeSpikes: frame has ${L} layers, expected ${layers.length}`);
  if (buf.byteLength < SPIKES_HEADER_BYTES + 4 * L) throw new Error('decodeSpikes: frame truncated inside the layer counts');
  const counts = new Uint32Array(buf, SPIKES_HEADER_BYTES, L);
  let total = 0;
  for (const c of counts) total += c;
  const expected = SPIKES_HEADER_BYTES + 4 * (L + total + M);
  if (buf.byteLength !== expected) throw new Error(`decodeSpikes: frame is ${buf.byteLength} bytes, counts say ${expected}`);
  const spikes: Uint32Array[] = [];
  let off = SPIKES_HEADER_BYTES + 4 * L;
  for (let l = 0; l < L; l++) {
    const s = new Uint32Array(buf, off, counts[l]!);
    if (layers) {
      const size = layers[l]!.size;
      for (const i of s)
        if (i >= size) throw new Error(`decodeSpikes: neuron index ${i} out of range for layer '${layers[l]!.name}' (size ${size})`);
    }
    spikes.push(s);
    off += 4 * counts[l]!;
  }
  return {
    tick: dv.getUint32(4, true),
    episode: dv.getUint32(8, true),
    simTimeS: dv.getFloat64(16, true),
    sentAtMs: dv.getFloat64(24, true),
    spikes,
    motor: new Float32Array(buf, off, M),
  };
}

const finite = z.number().finite();
const vec2 = z.tuple([finite, finite]);
/** Largest world coordinate a client may name, m: far beyond any env, far below overflow. */
export const MAX_WORLD_COORD_M = 1e4;
const coord = finite.min(-MAX_WORLD_COORD_M).max(MAX_WORLD_COORD_M);

/** Most action dimensions a keyboard command may carry. */
export const MAX_MANUAL_DIMS = 32;

/** Client commands. Unknown fields are rejected so typos fail loudly. */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('pause') }),
  z.strictObject({ type: z.literal('resume') }),
  z.strictObject({ type: z.literal('step') }),
  z.strictObject({ type: z.literal('reset'), seed: z.number().int().min(0).max(0xffffffff).optional() }),
  z.strictObject({ type: z.literal('speed'), factor: finite.min(0.05).max(20) }),
  z.strictObject({ type: z.literal('select'), env: z.string().min(1).max(64), controller: z.string().min(1).max(64) }),
  z.strictObject({ type: z.literal('push'), bodyId: z.number().int(), point: z.tuple([coord, coord]), impulse: vec2 }),
  z.strictObject({ type: z.literal('action'), values: z.array(finite.min(-1).max(1)).min(1).max(MAX_MANUAL_DIMS) }),
]);

export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; error: string };

/** Parses and validates one text frame from a client; never throws. */
export function parseClientMessage(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'message is not valid JSON' };
  }
  const r = ClientMessageSchema.safeParse(raw);
  if (r.success) return { ok: true, message: r.data };
  const issue = r.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'message';
  return { ok: false, error: `${where}: ${issue.message}` };
}

/** Server text messages (JSON). */
export type ServerMessage =
  | {
      type: 'hello';
      version: number;
      env: string;
      controller: string;
      envs: readonly string[];
      controllers: readonly string[];
      controlHz: number;
      layers: readonly LayerInfo[];
      motorNames: readonly string[];
      maxImpulseNs: number;
      /** Present when the controller is the keyboard: the action dimensions, one key pair each. */
      manual?: readonly string[];
      /** Present when the session's steps are being written as demonstrations: the file. */
      recording?: string;
    }
  | { type: 'state'; paused: boolean; speed: number; seed: number; episode: number }
  | ({ type: 'snapshot'; tick: number; episode: number } & VizWorld)
  | { type: 'stats'; episode: number; steps: number; return: number; rtf: number; clients: number }
  | { type: 'episode'; episode: number; steps: number; return: number; terminated: boolean; truncated: boolean }
  | { type: 'pushed'; bodyId: number; point: readonly [number, number]; impulse: readonly [number, number]; tick: number }
  | { type: 'error'; code: ErrorCode; message: string };

export type ErrorCode =
  | 'bad_message'
  | 'too_large'
  | 'rate_limited'
  | 'binary_not_accepted'
  | 'unknown_body'
  | 'out_of_reach'
  | 'unknown_choice'
  | 'not_manual'
  | 'switch_failed'
  | 'simulation_error';

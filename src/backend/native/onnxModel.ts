/**
 * A minimal ONNX model writer: just the protobuf fields that a graph of a few float32 nodes with
 * fixed shapes needs, so that the native provider can build one small model per op and shape
 * without a protobuf dependency. Field numbers are those of onnx/onnx.proto (ONNX IR version 8):
 *
 *   ModelProto      ir_version 1 (int64), producer_name 2, graph 7, opset_import 8
 *   OperatorSetId   domain 1, version 2 (int64)
 *   GraphProto      node 1, name 2, input 11, output 12
 *   NodeProto       input 1, output 2, name 3, op_type 4, attribute 5
 *   AttributeProto  name 1, i 3 (int64), ints 8 (int64, repeated), type 20 (INT 2, INTS 7)
 *   ValueInfoProto  name 1, type 2 → TypeProto.tensor_type 1 → elem_type 1 (FLOAT 1), shape 2
 *   TensorShape     dim 1 → dim_value 1 (int64)
 */

/** One node: `op(inputs) → outputs`, with integer or integer-list attributes. */
export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, number | number[]>;
}

/** A float32 graph input or output with a fixed shape. */
export interface OnnxValue {
  name: string;
  shape: readonly number[];
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  /** Default opset 17 of the default domain. */
  opset?: number;
}

const WIRE_VARINT = 0;
const WIRE_BYTES = 2;

/** Appends protobuf fields to a growing byte list. */
class Writer {
  private readonly bytes: number[] = [];

  private varint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`onnxModel: varint out of range: ${v}`);
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  int(field: number, v: number): this {
    if (v < 0) throw new Error(`onnxModel: negative integer ${v} in field ${field}`);
    this.tag(field, WIRE_VARINT);
    this.varint(v);
    return this;
  }

  bytesField(field: number, data: Uint8Array | number[]): this {
    this.tag(field, WIRE_BYTES);
    this.varint(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytesField(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Writer): this {
    return this.bytesField(field, m.bytes);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const ATTR_INT = 2;
const ATTR_INTS = 7;
const ELEM_FLOAT = 1;

function attribute(name: string, value: number | number[]): Writer {
  const w = new Writer().string(1, name);
  if (Array.isArray(value)) {
    for (const v of value) w.int(8, v);
    return w.int(20, ATTR_INTS);
  }
  return w.int(3, value).int(20, ATTR_INT);
}

function node(n: OnnxNode, index: number): Writer {
  const w = new Writer();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, `n${index}`).string(4, n.op);
  for (const [k, v] of Object.entries(n.attrs ?? {})) w.message(5, attribute(k, v));
  return w;
}

function valueInfo(v: OnnxValue): Writer {
  const shape = new Writer();
  for (const d of v.shape) shape.message(1, new Writer().int(1, d));
  const tensorType = new Writer().int(1, ELEM_FLOAT).message(2, shape);
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensorType));
}

/** Serialises a one-graph ONNX model (float32 values, fixed shapes) to its protobuf bytes. */
export function encodeOnnxModel(g: OnnxGraph): Uint8Array {
  const graph = new Writer();
  g.nodes.forEach((n, i) => graph.message(1, node(n, i)));
  graph.string(2, 'spikeloop');
  for (const v of g.inputs) graph.message(11, valueInfo(v));
  for (const v of g.outputs) graph.message(12, valueInfo(v));
  return new Writer()
    .int(1, 8)
    .string(2, 'spikeloop')
    .message(7, graph)
    .message(8, new Writer().string(1, '').int(2, g.opset ?? 17))
    .finish();
}

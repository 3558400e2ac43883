/**
 * The Oxford spike-to-spike task's files (../shared/data/oxford/README.md) as rasters `[T, neurons]`:
 *
 *   input.bs1          input raster, times rounded to the nearest step (as SLAYER reads it)
 *   output.bs1         target raster, times truncated to the step (as SLAYER reads it)
 *   slayer_output.npy  SLAYER's released output, float64 [n, 3] rows (neuron, 0, step); optional
 *
 * Source: lava-dl's SLAYER tutorial `slayer/oxford` (BSD-3-Clause, Intel).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readBs1Raster, type SpikeRaster } from '../../data/bs1.ts';
import { readNpy, type NpyArray } from '../../data/npy.ts';

export interface OxfordData {
  input: SpikeRaster;
  target: SpikeRaster;
  /** Absent when the folder has no slayer_output.npy. */
  slayer?: SpikeRaster;
  /** Input events that fell on an occupied (step, neuron) when rounded. */
  mergedInputEvents: number;
}

/** SLAYER's released output (rows neuron, 0, step) as a binary raster; names a bad row. */
export function slayerOutputRaster(a: NpyArray, neurons: number, T: number): SpikeRaster {
  if (a.shape.length !== 2 || a.shape[1] !== 3)
    throw new Error(`SLAYER output: expected [n, 3] rows (neuron, 0, step), got [${a.shape.join(', ')}]`);
  const data = new Uint8Array(T * neurons);
  for (let r = 0; r < a.shape[0]!; r++) {
    const n = a.data[r * 3]!;
    const t = a.data[r * 3 + 2]!;
    if (!Number.isInteger(n) || n < 0 || n >= neurons)
      throw new Error(`SLAYER output: row ${r} has neuron ${n}; the raster has ${neurons} neurons`);
    if (!Number.isInteger(t) || t < 0 || t >= T) throw new Error(`SLAYER output: row ${r} has step ${t}; the raster has T = ${T} steps`);
    data[t * neurons + n] = 1;
  }
  return { T, neurons, data };
}

/** Reads the task from `dir`; the rasters have `T` steps and the given neuron counts. */
export function loadOxford(dir: string, shape: { T: number; inputNeurons: number; outputNeurons: number }): OxfordData {
  for (const f of ['input.bs1', 'output.bs1']) {
    if (!existsSync(join(dir, f)))
      throw new Error(`oxford data: ${join(dir, f)} not found (the folder must hold input.bs1 and output.bs1; see --data)`);
  }
  const input = readBs1Raster(join(dir, 'input.bs1'), { neurons: shape.inputNeurons, T: shape.T, rounding: 'round' });
  const target = readBs1Raster(join(dir, 'output.bs1'), { neurons: shape.outputNeurons, T: shape.T, rounding: 'floor' });
  const npy = join(dir, 'slayer_output.npy');
  const slayer = existsSync(npy) ? slayerOutputRaster(readNpy(npy), shape.outputNeurons, shape.T) : undefined;
  return {
    input: { T: input.T, neurons: input.neurons, data: input.data },
    target: { T: target.T, neurons: target.neurons, data: target.data },
    ...(slayer ? { slayer } : {}),
    mergedInputEvents: input.merged,
  };
}

/**
 * A time-major 2-D array `[rows, cols]` stored row-major: row t is time step t, column i is
 * neuron or channel i. Spike trains are 0/1 `Float32Array`s (ready for `tf.tensor2d`),
 * commands and decoded signals are `Float64Array`s.
 */
export interface Matrix<A extends Float32Array | Float64Array = Float32Array | Float64Array> {
  readonly rows: number;
  readonly cols: number;
  readonly data: A;
}

/**
 * Accepts either a `Matrix` or an array of per-step vectors (what a teacher rollout records)
 * and returns a `Matrix` of float64 values, checking that every row has the same length and
 * every value is finite.
 */
export function toMatrix(x: Matrix | readonly ArrayLike<number>[], what = 'matrix'): Matrix<Float64Array> {
  if (!Array.isArray(x)) {
    const m = x as Matrix;
    if (m.data.length !== m.rows * m.cols) {
      throw new Error(`${what}: data length ${m.data.length} != rows ${m.rows} × cols ${m.cols}`);
    }
    checkFinite(m.data, what, m.cols);
    return { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) };
  }
  const rowsIn = x as readonly ArrayLike<number>[];
  const rows = rowsIn.length;
  const cols = rows > 0 ? rowsIn[0]!.length : 0;
  const data = new Float64Array(rows * cols);
  for (let t = 0; t < rows; t++) {
    const r = rowsIn[t]!;
    if (r.length !== cols) throw new Error(`${what}: row ${t} has ${r.length} values, row 0 has ${cols}`);
    for (let i = 0; i < cols; i++) data[t * cols + i] = r[i]!;
  }
  checkFinite(data, what, cols);
  return { rows, cols, data };
}

function checkFinite(data: ArrayLike<number>, what: string, cols: number): void {
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k]!)) {
      throw new Error(`${what}: value at step ${Math.floor(k / Math.max(cols, 1))}, column ${k % Math.max(cols, 1)} is ${data[k]}`);
    }
  }
}

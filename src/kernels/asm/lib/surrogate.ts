// Shared by the scan kernels (a folder below asm/, so build-wasm.mjs does not build it alone).

// Surrogate kinds, as numbered by heapModule.ts's asmSurrogate (for lifScanHeap.ts and alifScanHeap.ts).
export const RECTANGULAR: i32 = 0;
export const SIGMOID: i32 = 1;
export const ARCTAN: i32 = 2;
export const FAST_SIGMOID: i32 = 3;

// σ'(x) in double precision with the operations of surrogateGrad (src/neurons/surrogate.ts) in
// the same order; `a` is the kind's parameter (width, α or slope) and `c` = π/2·α for arctan.
// @ts-ignore: decorator
@inline
export function surrogate(kind: i32, x: f64, a: f64, c: f64): f64 {
  if (kind == FAST_SIGMOID) {
    const d = 1 + a * Math.abs(x);
    return 1 / (d * d);
  }
  if (kind == SIGMOID) {
    const y = 1 / (1 + Math.exp(-a * x));
    return a * y * (1 - y);
  }
  if (kind == ARCTAN) return a / 2 / (1 + c * x * c * x);
  return Math.abs(x) < a / 2 ? 1 / a : 0;
}

// Shared by the scan kernels (a folder below asm/, so build-wasm.mjs does not build it alone).

// Surrogate kinds, as numbered by heapModule.ts's asmSurrogate (for lifScanHeap.ts and alifScanHeap.ts).
export const RECTANGULAR: i32 = 0;
export const SIGMOID: i32 = 1;
export const ARCTAN: i32 = 2;
export const FAST_SIGMOID: i32 = 3;

// e^x computed as V8 computes Math.exp (fdlibm's __ieee754_exp, src/base/ieee754.cc), so the
// sigmoid surrogate equals the TypeScript one bit for bit (checked on 12 M inputs against
// Math.exp, edge cases included). AssemblyScript's own Math.exp at -O3 is table-driven: its 2 KB
// table became an active data segment at address 1024, which every instantiation on the tfjs
// heap wrote over tfjs's static data (printf's tables, error-message strings). No tables here.
// @ts-ignore: decorator
@inline
function fdlibmExp(x: f64): f64 {
  const o_threshold: f64 = 7.09782712893383973096e+02;
  const u_threshold: f64 = -7.45133219101941108420e+02;
  const ln2HI: f64 = 6.93147180369123816490e-01;
  const ln2LO: f64 = 1.90821492927058770002e-10;
  const invln2: f64 = 1.44269504088896338700e+00;
  const P1: f64 = 1.66666666666666019037e-01;
  const P2: f64 = -2.77777777770155933842e-03;
  const P3: f64 = 6.61375632143793436117e-05;
  const P4: f64 = -1.65339022054652515390e-06;
  const P5: f64 = 4.13813679705723846039e-08;
  const E: f64 = 2.718281828459045;
  const huge: f64 = 1.0e+300;
  const twom1000: f64 = 9.33263618503218878990e-302;
  const two1023: f64 = 8.988465674311579539e307;
  let hi: f64 = 0, lo: f64 = 0, k: i32 = 0;
  const bits = reinterpret<u64>(x);
  let hx = <u32>(bits >> 32);
  const xsb = <i32>(hx >> 31);
  hx &= 0x7fffffff;
  if (hx >= 0x40862E42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | <u32>bits) != 0) return x + x;
      return xsb == 0 ? x : 0.0;
    }
    if (x > o_threshold) return huge * huge;
    if (x < u_threshold) return twom1000 * twom1000;
  }
  if (hx > 0x3fd62e42) {
    if (hx < 0x3FF0A2B2) {
      if (x == 1.0) return E;
      hi = x - (xsb ? -ln2HI : ln2HI);
      lo = xsb ? -ln2LO : ln2LO;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(invln2 * x + (xsb ? -0.5 : 0.5));
      const t = <f64>k;
      hi = x - t * ln2HI;
      lo = t * ln2LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    if (huge + x > 1.0) return 1.0 + x;
  } else {
    k = 0;
  }
  const t = x * x;
  const twopk = k >= -1021
    ? reinterpret<f64>(<u64>(0x3ff00000 + (k << 20)) << 32)
    : reinterpret<f64>(<u64>(0x3ff00000 + ((k + 1000) << 20)) << 32);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * two1023;
    return y * twopk;
  }
  return y * twopk * twom1000;
}
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
    const y = 1 / (1 + fdlibmExp(-a * x));
    return a * y * (1 - y);
  }
  if (kind == ARCTAN) return a / 2 / (1 + c * x * c * x);
  return Math.abs(x) < a / 2 ? 1 / a : 0;
}

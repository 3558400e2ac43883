/**
 * LQR balance for CartPole (continuous or discrete), designed on the analytic equations of
 * `envs/cartpole.ts` linearised at the upright, zero-force point with the env's period τ.
 * Cost: Q = diag(1, 1, 10, 1), R = 0.1 (state in SI, u = force/10 N). Discrete variant: sign of u.
 */
import { CARTPOLE_PARAMS, cartPoleDerivative } from '../../envs/cartpole.ts';
import { dlqr, linearize, type Matrix } from './lqr.ts';
import { clip, type Teacher } from './teacher.ts';

export interface CartPoleTeacherOptions {
  discrete: boolean;
  q: readonly [number, number, number, number];
  r: number;
}

export const DEFAULT_CARTPOLE_TEACHER: Readonly<CartPoleTeacherOptions> = Object.freeze({
  discrete: false,
  q: [1, 1, 10, 1] as const,
  r: 0.1,
});

export function cartPoleLqrGain(opts: Partial<CartPoleTeacherOptions> = {}): number[] {
  const o = { ...DEFAULT_CARTPOLE_TEACHER, ...opts };
  const p = CARTPOLE_PARAMS;
  const [A, B] = linearize((x, u) => cartPoleDerivative(x, p.forceMagN * u[0]!), [0, 0, 0, 0], [0], p.tauS);
  const Q: Matrix = o.q.map((v, i) => o.q.map((_, j) => (i === j ? v : 0)));
  return dlqr(A, B, Q, [[o.r]])[0]!;
}

export class CartPoleTeacher implements Teacher {
  private readonly opts: CartPoleTeacherOptions;
  private readonly k: number[];
  private readonly out = new Float64Array(1);

  constructor(options: Partial<CartPoleTeacherOptions> = {}) {
    this.opts = { ...DEFAULT_CARTPOLE_TEACHER, ...options };
    this.k = cartPoleLqrGain(this.opts);
  }

  reset(): void {}

  act(observation: Float64Array): Float64Array {
    if (observation.length !== 4) throw new Error(`CartPoleTeacher: observation must have 4 values, got ${observation.length}`);
    let u = 0;
    for (let i = 0; i < 4; i++) u -= this.k[i]! * observation[i]!;
    this.out[0] = this.opts.discrete ? (u > 0 ? 1 : 0) : clip(u, -1, 1);
    return Float64Array.from(this.out);
  }
}

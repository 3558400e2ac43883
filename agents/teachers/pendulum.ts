/**
 * Pendulum swing-up (Åström & Furuta 2000, energy control) with an LQR catch.
 *
 *   E = m l² θ̇²/6 + m g (l/2) cosθ,  E* = m g l/2 (upright at rest),  dE/dt = u θ̇
 *   swing-up: u = u_max · sign((E* − E) θ̇)       (pumps energy at the largest allowed rate)
 *   catch:    u = −K [norm(θ), θ̇]  when |norm(θ)| < catchRad, K = dlqr at the upright
 *             with Gymnasium's own cost Q = diag(1, 0.1), R = 0.001.
 */
import { PENDULUM_PARAMS, angleNormalize, pendulumDerivative } from '../../envs/pendulum.ts';
import { dlqr, linearize } from './lqr.ts';
import { clip, type Teacher } from './teacher.ts';

export interface PendulumTeacherOptions {
  /** Switch to LQR inside this |θ| (rad). */
  catchRad: number;
  /** Energy band (J) inside which the swing-up stops pumping. */
  energyBandJ: number;
}

export const DEFAULT_PENDULUM_TEACHER: Readonly<PendulumTeacherOptions> = Object.freeze({ catchRad: 0.6, energyBandJ: 0.05 });

export class PendulumTeacher implements Teacher {
  private readonly opts: PendulumTeacherOptions;
  private readonly k: number[];
  private readonly out = new Float64Array(1);

  constructor(options: Partial<PendulumTeacherOptions> = {}) {
    this.opts = { ...DEFAULT_PENDULUM_TEACHER, ...options };
    const [A, B] = linearize((x, u) => pendulumDerivative(x, u[0]!), [0, 0], [0], PENDULUM_PARAMS.dtS);
    this.k = dlqr(
      A,
      B,
      [
        [1, 0],
        [0, 0.1],
      ],
      [[0.001]],
    )[0]!;
  }

  reset(): void {}

  act(observation: Float64Array): Float64Array {
    if (observation.length !== 3) throw new Error(`PendulumTeacher: observation must have 3 values, got ${observation.length}`);
    const p = PENDULUM_PARAMS;
    const th = angleNormalize(Math.atan2(observation[1]!, observation[0]!));
    const thd = observation[2]!;
    let u: number;
    if (Math.abs(th) < this.opts.catchRad) {
      u = -(this.k[0]! * th + this.k[1]! * thd);
    } else {
      const e = (p.massKg * p.lengthM * p.lengthM * thd * thd) / 6 + (p.massKg * p.gravityMS2 * p.lengthM * Math.cos(th)) / 2;
      const eStar = (p.massKg * p.gravityMS2 * p.lengthM) / 2;
      const de = eStar - e;
      // At rest at the bottom θ̇ = 0 gives no direction; push toward the side θ already leans to.
      const dir = thd !== 0 ? Math.sign(thd) : th >= 0 ? 1 : -1;
      u = Math.abs(de) < this.opts.energyBandJ ? 0 : p.maxTorqueNm * Math.sign(de) * dir;
    }
    this.out[0] = clip(u, -p.maxTorqueNm, p.maxTorqueNm);
    return Float64Array.from(this.out);
  }
}

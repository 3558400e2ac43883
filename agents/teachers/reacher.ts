/**
 * Reacher teacher: closed-form inverse kinematics of the two-link arm, then joint PD.
 *
 *   cos q2* = (d² − l1² − l2²)/(2 l1 l2)   (elbow sign: see `ReacherTeacherOptions.elbow`)
 *   q1* = atan2(ty, tx) − atan2(l2 sin q2*, l1 + l2 cos q2*)
 *   τ = Kp·wrap(q* − q) − Kd·q̇,  a = clip(τ/τ_max, −1, 1)
 */
import { REACHER_PARAMS } from '../../envs/reacher.ts';
import { angleNormalize } from '../../envs/pendulum.ts';
import { clip, type Teacher } from './teacher.ts';

export interface ReacherTeacherOptions {
  /** [shoulder, elbow] proportional gains. */
  kpNmPerRad: readonly [number, number];
  /**
   * [shoulder, elbow] derivative gains. The elbow sees only the forearm's inertia (≈ m l²/3 =
   * 0.083 kg m²), so kd·dt/I must stay well below 1 there or the 50 Hz loop chatters.
   */
  kdNmsPerRad: readonly [number, number];
  /**
   * Which of the two IK solutions (elbow bends) is the goal:
   * 'current' — the bend the arm has now (sign of q2), a function of the observation alone, so a
   *   student that sees only the observation can imitate it (DAgger labels the student's states);
   * 'initial' — the bend at the episode's first step, kept all episode: the goal never flips when
   *   q2 crosses 0, but it is hidden state: once a student's arm has crossed over, the teacher asks
   *   for a full swing back with saturated torques at a posture where the fingertip is on target.
   */
  elbow: 'current' | 'initial';
}

export const DEFAULT_REACHER_TEACHER: Readonly<ReacherTeacherOptions> = Object.freeze({
  kpNmPerRad: [25, 8] as const,
  kdNmsPerRad: [6, 0.8] as const,
  elbow: 'current',
});

/** Joint angles that put the fingertip at (x, y); `elbowSign` picks the bend (±1). Unreachable targets are pulled onto the workspace edge. */
export function reacherIk(
  x: number,
  y: number,
  elbowSign: number,
  l1 = REACHER_PARAMS.link1M,
  l2 = REACHER_PARAMS.link2M,
): [number, number] {
  const d2 = x * x + y * y;
  const c2 = clip((d2 - l1 * l1 - l2 * l2) / (2 * l1 * l2), -1, 1);
  const q2 = (elbowSign >= 0 ? 1 : -1) * Math.acos(c2);
  const q1 = Math.atan2(y, x) - Math.atan2(l2 * Math.sin(q2), l1 + l2 * Math.cos(q2));
  return [q1, q2];
}

export class ReacherTeacher implements Teacher {
  private readonly opts: ReacherTeacherOptions;

  constructor(options: Partial<ReacherTeacherOptions> = {}) {
    this.opts = { ...DEFAULT_REACHER_TEACHER, ...options };
  }

  private elbowSign = 0;

  reset(): void {
    this.elbowSign = 0;
  }

  act(o: Float64Array): Float64Array {
    if (o.length !== 10) throw new Error(`ReacherTeacher: observation must have 10 values, got ${o.length}`);
    const q1 = Math.atan2(o[2]!, o[0]!);
    const q2 = Math.atan2(o[3]!, o[1]!);
    if (this.elbowSign === 0 || this.opts.elbow === 'current') this.elbowSign = q2 >= 0 ? 1 : -1;
    const [t1, t2] = reacherIk(o[4]!, o[5]!, this.elbowSign);
    const { kpNmPerRad: kp, kdNmsPerRad: kd } = this.opts;
    const tau = REACHER_PARAMS.maxTorqueNm;
    return Float64Array.of(
      clip((kp[0] * angleNormalize(t1 - q1) - kd[0] * o[6]!) / tau, -1, 1),
      clip((kp[1] * angleNormalize(t2 - q2) - kd[1] * o[7]!) / tau, -1, 1),
    );
  }
}

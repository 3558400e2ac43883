/**
 * The acrobot's teacher: LQR on the ideal body's equations (`acrobotDerivative`), linearised at
 * the upright, zero-torque point over one control period. Cost Q = diag(10, 10, 1, 1) on
 * [q1, q2, q̇1, q̇2] (observations 0–3), R = 0.01 on the unit command; the command is clipped to [−1, 1].
 *
 * A user module: `--teacher-module examples/acrobot/teacher.mjs` (after `--env-module
 * examples/acrobot/env.mjs`, which registers the env this teacher is for).
 */
import { ACROBOT_TASK, DEFAULT_ACROBOT_PARAMS, acrobotDerivative } from './env.mjs';

export const ACROBOT_LQR = Object.freeze({ q: [10, 10, 1, 1], r: 0.01 });

/** The LQR gain row K (u = −K·x) for the default body. */
export function acrobotLqrGain({ linearize, dlqr }, cost = ACROBOT_LQR) {
  const torque = DEFAULT_ACROBOT_PARAMS.maxTorqueNm;
  const [A, B] = linearize((x, u) => acrobotDerivative(x, torque * u[0]), [0, 0, 0, 0], [0], ACROBOT_TASK.dtS);
  const Q = cost.q.map((v, i) => cost.q.map((_, j) => (i === j ? v : 0)));
  return dlqr(A, B, Q, [[cost.r]])[0];
}

export default function register(api) {
  const k = acrobotLqrGain(api);
  api.registerTeacher('Acrobot-v1', () => (obs) => [
    Math.max(-1, Math.min(1, -(k[0] * obs[0] + k[1] * obs[1] + k[2] * obs[2] + k[3] * obs[3]))),
  ]);
}

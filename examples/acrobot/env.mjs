/**
 * Acrobot balance on matter-js: two links in a vertical plane, the upper one pinned to the world,
 * a motor only at the elbow (Spong 1995, "The swing up control problem for the Acrobot", with his
 * link sizes: the lower link twice as long). The task is to keep it upright from perturbed starts.
 *
 * | obs | meaning                                   | min  | max | units |
 * |-----|-------------------------------------------|------|-----|-------|
 * | 0   | q1, upper link from upright (CCW +)       | −π   | π   | rad   |
 * | 1   | q2, lower link relative to the upper one  | −π   | π   | rad   |
 * | 2   | q̇1 (mean over the control step)          | −4π  | 4π  | rad/s |
 * | 3   | q̇2 (mean over the control step)          | −9π  | 9π  | rad/s |
 * | 4   | φ, lean of the centre of mass from upright | −π   | π   | rad   |
 * | 5   | φ̇                                        | −4π  | 4π  | rad/s |
 *
 * φ is what balancing acts on. Near upright φ ≈ q1 + 0.4·q2, and the LQR teacher's command is
 * −21.7·(q1 + 0.42·q2) − 9.4·(q̇1 + 0.48·q̇2): in joint angles alone it is a small difference of
 * large terms (q1 = 0.47 with q2 = −1.08 mid-recovery), which a spiking network fitted poorly; with
 * φ among its inputs it does (bench/notes/2026-12-02b-byo.md).
 *
 * Action: a ∈ [−1, 1], elbow torque τ = 40·a N·m (on the lower link, reacting on the upper one).
 * Reward: +1 for every step, including the one that ends the episode (as CartPole), so the
 * return is the number of steps balanced. Success: all 500 steps.
 * Start: q1, q2 uniform in [−0.05, 0.05] rad, q̇1, q̇2 uniform in [−0.1, 0.1] rad/s.
 * Terminated (fallen): |q1| > 1 rad or |q1 + q2| > 2 rad (the lower link's own angle).
 * Truncated (TimeLimit wrapper): 500 steps of 0.02 s. info.height: tip height above the pivot (m).
 * Links: uniform rods 1 m and 2 m, 1 kg each; pins solved by matter-js, 10 sub-steps of 2 ms.
 *
 * Equations of the ideal body (`acrobotDerivative`, which the LQR teacher is designed on):
 *   M(q) q̈ + h(q, q̇) + G(q) = [0, τ], with Spong's M, h and G for angles measured from upright.
 *
 * A user module: `spikeloop ... --env-module examples/acrobot/env.mjs`. Its default export
 * receives the registration API (agents/userModules.ts): the `PhysicsEnv` base class, the SI
 * `physics` layer over matter-js and the `kit` helpers (envs/kit.ts), so it imports nothing.
 */

/** Physical parameters (`makeEnv('Acrobot-v1', { params })`), shown in the world snapshot. */
export const DEFAULT_ACROBOT_PARAMS = Object.freeze({
  link1M: 1,
  link2M: 2,
  link1MassKg: 1,
  link2MassKg: 1,
  gravityMS2: 9.81,
  /** Elbow torque of a unit action (the motor limit). */
  maxTorqueNm: 40,
});

const PARAM_RULES = Object.freeze({
  link1M: 'positive',
  link2M: 'positive',
  link1MassKg: 'positive',
  link2MassKg: 'positive',
  gravityMS2: 'nonnegative',
  maxTorqueNm: 'positive',
});

/** Task constants: changing them changes the task, not the body. */
export const ACROBOT_TASK = Object.freeze({
  dtS: 0.02,
  substeps: 10,
  maxEpisodeSteps: 500,
  startAngleRad: 0.05,
  startSpeedRadS: 0.1,
  fallLink1Rad: 1,
  fallLink2Rad: 2,
});

/** d/dt [q1, q2, q̇1, q̇2] of the ideal acrobot (uniform rods, frictionless pins) under elbow torque τ. */
export function acrobotDerivative(x, torqueNm, p = DEFAULT_ACROBOT_PARAMS) {
  const [q1, q2, d1, d2] = x;
  const { link1M: l1, link2M: l2, link1MassKg: m1, link2MassKg: m2, gravityMS2: g } = p;
  const c1 = l1 / 2;
  const c2 = l2 / 2;
  const i1 = (m1 * l1 * l1) / 12;
  const i2 = (m2 * l2 * l2) / 12;
  const cos2 = Math.cos(q2);
  const sin2 = Math.sin(q2);
  const m11 = m1 * c1 * c1 + m2 * (l1 * l1 + c2 * c2 + 2 * l1 * c2 * cos2) + i1 + i2;
  const m12 = m2 * (c2 * c2 + l1 * c2 * cos2) + i2;
  const m22 = m2 * c2 * c2 + i2;
  const h1 = -m2 * l1 * c2 * sin2 * (2 * d1 * d2 + d2 * d2);
  const h2 = m2 * l1 * c2 * sin2 * d1 * d1;
  const g1 = -(m1 * c1 + m2 * l1) * g * Math.sin(q1) - m2 * c2 * g * Math.sin(q1 + q2);
  const g2 = -m2 * c2 * g * Math.sin(q1 + q2);
  const b1 = -h1 - g1;
  const b2 = torqueNm - h2 - g2;
  const det = m11 * m22 - m12 * m12;
  return [d1, d2, (m22 * b1 - m12 * b2) / det, (m11 * b2 - m12 * b1) / det];
}

/** Lean φ of the centre of mass from upright (CCW +) and its rate φ̇, from joint angles and speeds. */
export function acrobotLean(s, p = DEFAULT_ACROBOT_PARAMS) {
  const { link1M: l1, link2M: l2, link1MassKg: m1, link2MassKg: m2 } = p;
  const a2 = s.q1 + s.q2;
  const w2 = s.q1Dot + s.q2Dot;
  const m = m1 + m2;
  // centre of mass relative to the pivot; a link at angle a points along (−sin a, cos a)
  const x = -(m1 * (l1 / 2) * Math.sin(s.q1) + m2 * (l1 * Math.sin(s.q1) + (l2 / 2) * Math.sin(a2))) / m;
  const y = (m1 * (l1 / 2) * Math.cos(s.q1) + m2 * (l1 * Math.cos(s.q1) + (l2 / 2) * Math.cos(a2))) / m;
  const vx = -(m1 * (l1 / 2) * Math.cos(s.q1) * s.q1Dot + m2 * (l1 * Math.cos(s.q1) * s.q1Dot + (l2 / 2) * Math.cos(a2) * w2)) / m;
  const vy = -(m1 * (l1 / 2) * Math.sin(s.q1) * s.q1Dot + m2 * (l1 * Math.sin(s.q1) * s.q1Dot + (l2 / 2) * Math.sin(a2) * w2)) / m;
  return { phi: Math.atan2(-x, y), phiDot: (x * vy - y * vx) / (x * x + y * y) };
}

/** Fallen: the upper link leans more than 1 rad, or the lower link more than 2 rad, from upright. */
export function acrobotFallen(s, task = ACROBOT_TASK) {
  const lower = ((((s.q1 + s.q2 + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) - Math.PI; // wrapped to [−π, π)
  return Math.abs(s.q1) > task.fallLink1Rad || Math.abs(lower) > task.fallLink2Rad;
}

/** Registers `Acrobot-v1` (alias `acrobot`) with the API that spikeloop hands to a user module. */
export default function register({ registerEnv, PhysicsEnv, physics: P, kit, box }) {
  const { Bodies } = P.Matter;
  const none = { collisionFilter: { group: 0, category: 0, mask: 0 } };
  const T = ACROBOT_TASK;

  class AcrobotEnv extends PhysicsEnv {
    id = 'Acrobot-v1';
    paramRules = PARAM_RULES;
    observationSpace = box(
      [-Math.PI, -Math.PI, -4 * Math.PI, -9 * Math.PI, -Math.PI, -4 * Math.PI],
      [Math.PI, Math.PI, 4 * Math.PI, 9 * Math.PI, Math.PI, 4 * Math.PI],
    );
    actionSpace = box([-1], [1]);
    state = { q1: 0, q2: 0, q1Dot: 0, q2Dot: 0 };

    constructor(options = {}) {
      super();
      this.initParams(DEFAULT_ACROBOT_PARAMS, options.params);
      const lengthScaleM = this.params.link1M + this.params.link2M;
      this.metadata = kit.envMetadata({ dtS: T.dtS, substeps: T.substeps, maxEpisodeSteps: T.maxEpisodeSteps, lengthScaleM });
      this.physics = this.buildWorld();
    }

    applyParams(params) {
      this.p = params;
    }

    /** A fixed pivot and two vertical rods pinned end to end (a body's angle 0 is upright). */
    buildWorld() {
      const { link1M: l1, link2M: l2, link1MassKg: m1, link2MassKg: m2, gravityMS2 } = this.p;
      const world = P.createPhysics({ contacts: false, gravityMS2, substepS: T.dtS / T.substeps, constraintIterations: 4 });
      const rod = (l, w, label) => Bodies.rectangle(0, 0, w * P.PX_PER_M, l * P.PX_PER_M, { ...none, label });
      P.addBody(world, Bodies.circle(0, 0, 0.06 * P.PX_PER_M, { ...none, isStatic: true, label: 'pivot' }), 0, 0);
      this.upper = P.addBody(world, rod(l1, 0.08, 'upper'), m1, (m1 * l1 * l1) / 12);
      this.lower = P.addBody(world, rod(l2, 0.06, 'lower'), m2, (m2 * l2 * l2) / 12);
      P.addPin(world, 'shoulder', undefined, [0, 0], this.upper, [0, -l1 / 2]);
      P.addPin(world, 'elbow', this.upper, [0, l1 / 2], this.lower, [0, -l2 / 2]);
      return world;
    }

    reset(opts = {}) {
      const rng = this.beginEpisode(opts);
      const a = T.startAngleRad;
      const w = T.startSpeedRadS;
      const [q1, q2, q1Dot, q2Dot] = kit.uniformDraws(rng, [
        [-a, a],
        [-a, a],
        [-w, w],
        [-w, w],
      ]);
      this.setState(q1, q2, q1Dot, q2Dot);
      return { observation: this.observe(), info: { height: this.height() } };
    }

    /** Places both links at joint angles and speeds (in a rebuilt world, so no solver memory carries over). */
    setState(q1, q2, q1Dot, q2Dot) {
      this.rebuildWorld();
      const { link1M: l1, link2M: l2 } = this.p;
      // the elbow and its velocity: the upper link's far end
      const elbow = [-l1 * Math.sin(q1), l1 * Math.cos(q1)];
      const elbowVel = [-l1 * Math.cos(q1) * q1Dot, -l1 * Math.sin(q1) * q1Dot];
      kit.placeLink(this.physics, this.upper, { angle: q1, omega: q1Dot, halfLengthM: l1 / 2, axis: 'up' });
      kit.placeLink(this.physics, this.lower, {
        pivot: elbow,
        pivotVel: elbowVel,
        angle: q1 + q2,
        omega: q1Dot + q2Dot,
        halfLengthM: l2 / 2,
        axis: 'up',
      });
      Object.assign(this.state, { q1: kit.wrapAngle(q1), q2: kit.wrapAngle(q2), q1Dot, q2Dot });
    }

    stepWorld(action) {
      const tau = kit.motorCommand(this.p.maxTorqueNm, this.boxAction(action, 'error')[0]);
      const before = [P.getAngle(this.upper), P.getAngle(this.lower)];
      for (let k = 0; k < T.substeps; k++) {
        kit.applyJointTorque(this.upper, this.lower, tau);
        P.substep(this.physics);
      }
      this.readState();
      // joint speeds over the whole control step: the pin solver leaves a sub-step wobble in the
      // last sub-step's Verlet velocity, which the LQR's velocity gains would chase
      this.state.q1Dot = (P.getAngle(this.upper) - before[0]) / T.dtS;
      this.state.q2Dot = (P.getAngle(this.lower) - before[1]) / T.dtS - this.state.q1Dot;
      const terminated = acrobotFallen(this.state);
      return { observation: this.observe(), reward: 1, terminated, truncated: false, info: { height: this.height() } };
    }

    readState() {
      const a1 = P.getAngle(this.upper);
      const a2 = P.getAngle(this.lower);
      this.state.q1 = kit.wrapAngle(a1);
      this.state.q2 = kit.wrapAngle(a2 - a1);
      this.state.q1Dot = P.getOmega(this.physics, this.upper);
      this.state.q2Dot = P.getOmega(this.physics, this.lower) - this.state.q1Dot;
    }

    height() {
      const { q1, q2 } = this.state;
      return this.p.link1M * Math.cos(q1) + this.p.link2M * Math.cos(q1 + q2);
    }

    getState() {
      return { ...this.state };
    }

    observe() {
      const s = this.state;
      const { phi, phiDot } = acrobotLean(s, this.p);
      const clip = (v, h) => kit.clip(v, -h, h);
      return Float64Array.of(s.q1, s.q2, clip(s.q1Dot, 4 * Math.PI), clip(s.q2Dot, 9 * Math.PI), phi, clip(phiDot, 4 * Math.PI));
    }
  }

  registerEnv('Acrobot-v1', (options) => new AcrobotEnv(options), ['acrobot']);
}

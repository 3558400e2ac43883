/**
 * Walker teacher: a central pattern generator of four coupled phase oscillators (Ijspeert 2008)
 * driving joint PD loops in a trot (diagonal legs in phase).
 *
 *   φ̇_i = 2π f + k Σ_j sin(φ_j − φ_i − ψ_ij),  ψ = 0 for diagonal pairs (0,3), (1,2), π otherwise
 *   hip*_i  = A_h sin φ_i                      (foot forward while sin rises)
 *   knee*_i = min(0, b − A_k max(0, cos φ_i))  (crouched stance; the shin folds back during the forward
 *                                               swing so the foot clears the ground)
 * Open loop in the body's posture: a pitch-feedback term on the knees (tried with gains ±0.5…2)
 * made falls more frequent (86/100 episodes succeeded with gain 1, 20/20 with gain 0 on seeds 500..519).
 *   τ = Kp (q* − q) − Kd q̇,  a = clip(τ/τ_max, −1, 1)
 *
 * Phase feedback (`phaseFeedback` k > 0, default 0 = the open-loop CPG above): each oscillator is
 * also pulled towards the gait phase read off the body, φ̂ = atan2(h, ḣ/ω) + `phaseOffsetRad`, where h
 * is the trot's hip signal (hip0 − hip1 − hip2 + hip3)/4 (`walkerGaitPhase`):
 *   φ_i += dt · k · sin(φ̂ + ψ_i − φ_i),  ψ_i = 0 for legs 0, 3 and π for legs 1, 2
 * The teacher then labels a state by the phase the body is in, not by the time since the episode
 * started: what DAgger needs when a controller without a clock input drives (issue 11, item 4).
 * k ≥ 1000 sets φ = φ̂ outright (a memoryless function of the observation).
 */
import { WALKER_LEGS, WALKER_PARAMS } from '../../envs/walker.ts';
import { createRng } from '../../src/util/random.ts';
import { clip, type Teacher } from './teacher.ts';

export interface WalkerTeacherOptions {
  frequencyHz: number;
  hipAmplitudeRad: number;
  kneeAmplitudeRad: number;
  coupling: number;
  kpNmPerRad: number;
  kdNmsPerRad: number;
  /** Standing knee bend (rad, negative folds the shin back): a crouch keeps the knee off its straight singularity. */
  kneeBiasRad: number;
  /** Pull of the oscillators towards the body's gait phase (1/s); 0 = open loop, ≥ 1000 = the body's phase outright. */
  phaseFeedback: number;
  /** Lag of the body's hip signal behind the oscillator (rad), added to the phase read off the body. */
  phaseOffsetRad: number;
}

export const DEFAULT_WALKER_TEACHER: Readonly<WalkerTeacherOptions> = Object.freeze({
  frequencyHz: 1.5,
  hipAmplitudeRad: 0.4,
  kneeAmplitudeRad: 0.8,
  coupling: 2.0,
  kpNmPerRad: 20,
  kdNmsPerRad: 0.5,
  kneeBiasRad: -0.3,
  phaseFeedback: 0,
  // circular mean of φ0 − atan2(h, ḣ/ω) over 5 teacher episodes (seeds 0–4, steps 50–1000)
  phaseOffsetRad: 0.29,
});

/** Gait phase read off the body (rad, before `phaseOffsetRad`): atan2(h, ḣ/ω) of the trot's hip signal h. */
export function walkerGaitPhase(o: ArrayLike<number>, frequencyHz: number): number {
  const h = (o[5]! - o[6]! - o[7]! + o[8]!) / 4;
  const hv = (o[13]! - o[14]! - o[15]! + o[16]!) / 4;
  return Math.atan2(h, hv / (2 * Math.PI * frequencyHz));
}

export class WalkerTeacher implements Teacher {
  private readonly opts: WalkerTeacherOptions;
  private readonly phase = new Float64Array(WALKER_LEGS);

  constructor(options: Partial<WalkerTeacherOptions> = {}) {
    this.opts = { ...DEFAULT_WALKER_TEACHER, ...options };
    if (!(this.opts.phaseFeedback >= 0)) throw new Error(`WalkerTeacher: phaseFeedback must be >= 0, got ${this.opts.phaseFeedback}`);
    this.reset();
  }

  /** Starts the oscillators in the trot pattern, with a small seeded jitter the coupling removes. */
  reset(seed = 0): void {
    const rng = createRng(seed);
    for (let i = 0; i < WALKER_LEGS; i++) this.phase[i] = (i === 0 || i === 3 ? 0 : Math.PI) + rng.uniform(-0.1, 0.1);
  }

  /** Current oscillator phases (rad). */
  phases(): Float64Array {
    return Float64Array.from(this.phase);
  }

  act(o: Float64Array): Float64Array {
    const n = WALKER_LEGS;
    if (o.length !== 5 + 4 * n) throw new Error(`WalkerTeacher: observation must have ${5 + 4 * n} values, got ${o.length}`);
    const { frequencyHz, hipAmplitudeRad, kneeAmplitudeRad, coupling, kpNmPerRad: kp, kdNmsPerRad: kd, kneeBiasRad } = this.opts;
    const dt = WALKER_PARAMS.dtS;
    const tau = WALKER_PARAMS.maxTorqueNm;
    const k = this.opts.phaseFeedback;
    if (k > 0) {
      const body = walkerGaitPhase(o, frequencyHz) + this.opts.phaseOffsetRad;
      for (let i = 0; i < n; i++) {
        const target = body + (i === 0 || i === 3 ? 0 : Math.PI);
        this.phase[i] = k >= 1000 ? target : this.phase[i]! + dt * k * Math.sin(target - this.phase[i]!);
      }
    }
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const hip = hipAmplitudeRad * Math.sin(this.phase[i]!);
      const knee = Math.min(0, kneeBiasRad - kneeAmplitudeRad * Math.max(0, Math.cos(this.phase[i]!)));
      out[i] = clip((kp * (hip - o[5 + i]!) - kd * o[5 + 2 * n + i]!) / tau, -1, 1);
      out[n + i] = clip((kp * (knee - o[5 + n + i]!) - kd * o[5 + 3 * n + i]!) / tau, -1, 1);
    }
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let d = 2 * Math.PI * frequencyHz;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const psi = i + j === 3 ? 0 : Math.PI;
        d += coupling * Math.sin(this.phase[j]! - this.phase[i]! - psi);
      }
      next[i] = this.phase[i]! + d * dt;
    }
    this.phase.set(next);
    return out;
  }
}

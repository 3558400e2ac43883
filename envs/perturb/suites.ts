/**
 * Named perturbation suites: lists of conditions (a name and a spec string) per env, for
 * `spikeloop eval --suite NAME` and for training under perturbations.
 *
 * `robust`: the nominal env, then each perturbation alone at its chosen magnitude. A magnitude is
 * the largest of a scanned grid at which the teacher still succeeds in >= 90% of seeded episodes
 * (bench/experiments/robustness-scan.ts; the scan table and the reasons are in
 * bench/results/robustness.md). A perturbation the teacher cannot meet at any grid value is left out.
 * Mass ranges stop at ×[0.5, 1.5] (mass=1.5): the teachers met every scanned range up to ×[0.1, 1.9],
 * and beyond ±50% it is another body rather than a perturbed one.
 */

/** Chosen magnitude per perturbation kind, in the spec string's units (pushes N·s, noise share of the noise unit, delay steps, mass factor F = ×[2 − F, F]). */
export interface RobustMagnitudes {
  readonly pushes?: number;
  readonly noise?: number;
  readonly delay?: number;
  readonly mass?: number;
}

export const ROBUST_MAGNITUDES: Readonly<Record<string, RobustMagnitudes>> = Object.freeze({
  'CartPoleContinuous-v1': { pushes: 0.09, noise: 0.2, delay: 3, mass: 1.5 },
  'Pendulum-v1': { pushes: 0.7, noise: 0.06, delay: 3, mass: 1.5 },
  'Reacher-v1': { pushes: 1.2, noise: 0.05, delay: 1, mass: 1.5 },
  // No delay: the teacher falls in 6/20 episodes already at one step.
  'Walker-v1': { pushes: 5, noise: 0.2, mass: 1.1 },
});

export interface SuiteCondition {
  readonly name: string;
  /** Spec string for `makeEnv(id, { perturb })`; 'none' is the nominal env. */
  readonly perturb: string;
}

export const SUITE_NAMES = ['robust', 'nominal'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

/** The conditions of a named suite for one env (versioned id); errors name an unknown suite or env. */
export function perturbationSuite(name: string, envId: string): SuiteCondition[] {
  if (!(SUITE_NAMES as readonly string[]).includes(name))
    throw new Error(`unknown perturbation suite '${name}'; known: ${SUITE_NAMES.join(', ')}`);
  const nominal: SuiteCondition = { name: 'nominal', perturb: 'none' };
  if (name === 'nominal') return [nominal];
  const m = ROBUST_MAGNITUDES[envId];
  if (!m) throw new Error(`suite '${name}': no chosen magnitudes for ${envId}; known: ${Object.keys(ROBUST_MAGNITUDES).join(', ')}`);
  const out = [nominal];
  if (m.pushes !== undefined) out.push({ name: 'pushes', perturb: `pushes=${m.pushes}` });
  if (m.noise !== undefined) out.push({ name: 'noise', perturb: `noise=${m.noise}` });
  if (m.delay !== undefined) out.push({ name: 'delay', perturb: `delay=${m.delay}` });
  if (m.mass !== undefined) out.push({ name: 'mass', perturb: `mass=${m.mass}` });
  return out;
}

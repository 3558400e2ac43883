/**
 * Perturbations, Gymnasium style: one wrapper per perturbation, each seeded from the episode seed
 * through its own stream (paired comparisons), composable in any order; a spec (string or object)
 * and named suites build the stack.
 */
export { RandomPushes, DEFAULT_PUSH_INTERVAL_S, type PushOptions, type PushRecord } from './pushes.ts';
export { ObservationNoise, type ObservationNoiseOptions } from './observationNoise.ts';
export { ActionDelay, type ActionDelayOptions } from './actionDelay.ts';
export { DomainRandomization, type DomainRandomizationOptions } from './domainRandomization.ts';
export { EpisodeStream, deriveRng } from './stream.ts';
export {
  parsePerturbation,
  validatePerturbation,
  toPerturbation,
  formatPerturbation,
  perturbEnv,
  expandRandomize,
  noiseSigma,
  perturbationSpecSchema,
  PARAM_GROUPS,
  PERTURBATION_DEFAULTS,
  type PerturbationSpec,
  type EnvPerturbationDefaults,
} from './spec.ts';
export { ROBUST_MAGNITUDES, SUITE_NAMES, perturbationSuite, type RobustMagnitudes, type SuiteCondition, type SuiteName } from './suites.ts';

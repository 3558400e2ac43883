/** Public API of the neuron models: surrogates, LIF, PSP filter, and their unfused references. */
export { type ResolvedPsp, DEFAULT_SURROGATE, DEFAULT_MOTOR_PSP, surrogateSchema, lifSchema, pspSchema } from './defaults.ts';
export {
  type SurrogateSpec,
  type SurrogateKind,
  type ResolvedSurrogate,
  DEFAULT_RECTANGULAR,
  DEFAULT_SIGMOID,
  DEFAULT_ARCTAN,
  DEFAULT_FAST_SIGMOID,
  rectangular,
  sigmoid,
  arctan,
  fastSigmoid,
  resolveSurrogate,
  surrogateGrad,
  surrogateSmooth,
  surrogateGradTensor,
  spikeFn,
} from './surrogate.ts';
export {
  type LifOptions,
  type ResolvedLif,
  type LifState,
  DEFAULT_LIF,
  resolveLif,
  initLifState,
  lifStep,
  lifMultiStep,
  lifMultiStepWithState,
} from './lif.ts';
export { type PspOptions, type PspState, DEFAULT_PSP, resolvePsp, initPspState, pspStep, pspFilter } from './psp.ts';
export { lifMultiStepReference, pspFilterReference } from './reference.ts';
export {
  type AlifOptions,
  type ResolvedAlif,
  type AlifState,
  type AlifTensors,
  type AlifArrays,
  DEFAULT_ALIF,
  resolveAlif,
  initAlifState,
  alifStep,
  alifMultiStep,
  alifMultiStepWithState,
} from './alif.ts';
export { recurrentLifStep, recurrentLifMultiStep, recurrentLifMultiStepWithState } from './recurrentLif.ts';
export { alifMultiStepReference } from './alifReference.ts';

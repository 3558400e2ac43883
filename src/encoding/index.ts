export { type Matrix, toMatrix } from './matrix.ts';
export { pspFilterRows } from './kernel.ts';
export {
  type PopulationOptions,
  type PopulationCode,
  DEFAULT_POPULATION,
  createPopulationCode,
  populationEncode,
  PopulationSpikeEncoder,
} from './population.ts';
export {
  type SigmaDeltaMode,
  type SigmaDeltaOptions,
  type SigmaDeltaState,
  type SigmaDeltaStepper,
  DEFAULT_SIGMA_DELTA,
  createSigmaDelta,
  sigmaDeltaEncode,
} from './sigmaDelta.ts';
export {
  type MotorDecoderOptions,
  type ControlReadout,
  DEFAULT_MOTOR_DECODER,
  MotorDecoder,
  decodeMotor,
  readoutControl,
} from './motorDecoder.ts';
export { compressCommand, expandCommand } from './companding.ts';

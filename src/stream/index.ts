export type { SpikeLayerEvents, SpikeTick, SpikingPolicy } from './events.ts';
export { type MotorActuatorOptions, DEFAULT_MOTOR_ACTUATOR, motorActuator } from './actuator.ts';
export {
  type LoopEnv,
  type LoopPace,
  type ClosedLoopOptions,
  type ObservationEvent,
  type ActionEvent,
  type LoopStep,
  type EpisodeSummary,
  type ClosedLoop,
  DEFAULT_CLOSED_LOOP,
  createClosedLoop,
} from './loop.ts';

/** Public API of the live visualizer (see docs/protocol.md for the wire format). */
export {
  startVizServer,
  DEFAULT_VIZ_SERVER,
  type VizServer,
  type VizServerOptions,
  type VizServerStats,
  type ClientStats,
} from './server.ts';
export { closedLoopSimulation, type ClosedLoopOptions, type EnvLike } from './loop.ts';
export { teacherSpikeSource, DEFAULT_TEACHER_SOURCE, type TeacherSourceOptions } from './teacherSource.ts';
export { manualSpikeSource, type ManualSourceOptions } from './manualSource.ts';
export { RealtimeRunner, DEFAULT_RUNNER, type RunnerOptions, type RunnerHooks, type TickMeta, type EpisodeSummary } from './runner.ts';
export {
  PROTOCOL_VERSION,
  FRAME_SPIKES,
  SPIKES_HEADER_BYTES,
  encodeSpikes,
  decodeSpikes,
  parseClientMessage,
  ClientMessageSchema,
  type SpikesFrame,
  type ClientMessage,
  type ServerMessage,
  type ErrorCode,
  type ParseResult,
} from './protocol.ts';
export type {
  LayerInfo,
  SpikeSource,
  SpikeSourceStep,
  VizBody,
  VizConstraint,
  VizWorld,
  VizSimulation,
  VizSimulationInfo,
  VizTick,
  SimulationFactory,
  ManualControl,
} from './types.ts';

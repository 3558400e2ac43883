export { type LifParams, type DenseLayerSpec, type EventNetworkSpec, lifDecay, validateSpec } from './spec.ts';
export { EventDrivenNetwork } from './engine.ts';
export { type ObservationEncoder, type SpikingPolicyOptions, DEFAULT_SPIKING_POLICY, createSpikingPolicy } from './policy.ts';
export { populationCurrentEncoder, populationSpikeEncoder } from './encoders.ts';
export { type SequentialLike, fromSequential } from './fromSequential.ts';

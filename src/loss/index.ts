export { type SpikeSequenceLossOptions, DEFAULT_SPIKE_SEQUENCE_LOSS, spikeSequenceLoss, vanRossumDistance } from './spikeSequence.ts';
export {
  type RateLossOptions,
  DEFAULT_RATE_LOSS,
  type SpikeCountLossOptions,
  DEFAULT_SPIKE_COUNT_LOSS,
  rateLoss,
  spikeCountLoss,
} from './rate.ts';

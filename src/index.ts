/**
 * spikeloop's public API. Helpers stay in their modules; what is listed here is supported.
 */
// layers and networks
export {
  type LayerLifOptions,
  type LayerPspOptions,
  type LayerSurrogate,
  DEFAULT_LAYER_LIF,
  DEFAULT_LAYER_PSP,
} from './layers/neuronOptions.ts';
export type { LayerTrace, SnnLayer } from './layers/types.ts';
export { type SynapseHints, denseSynapse } from './layers/synapse.ts';
export { type NetworkConfig, type LayerConfig, type ResolvedNetworkConfig, parseNetworkConfig } from './network/config.ts';
export { type ForwardOptions, type ForwardResult, type WeightEntry, Sequential } from './network/sequential.ts';

// losses and labels
export * from './loss/index.ts';
export {
  type ClassPattern,
  type ClassTrainOptions,
  DEFAULT_CLASS_TRAINS,
  classSpikeTrains,
  classTargets,
  predictFromPsp,
  targetPattern,
} from './labels/classification.ts';

// training and checkpoints
export * from './train/index.ts';

// backend selection (call once before building networks)
export {
  type ActiveBackend,
  type BackendName,
  type BackendOptions,
  DEFAULT_BACKEND,
  initBackend,
  parseBackendName,
} from './backend/index.ts';

// neuron dynamics as fused multi-step ops
export * from './neurons/index.ts';

// event-driven synaptic kernels (spike input) and the dense product with fast gradients
export { type SpikeDenseMode, isBinarySpikes, spikeDense, useSpikeKernels } from './kernels/spikeDenseOp.ts';
export { denseMatMul } from './kernels/denseMatMul.ts';
export { type SpikeIndex, type SpikeKernelKind, type SpikeKernels, spikeKernels } from './kernels/spikeDense.ts';

// data sets, encoders, closed loop, event-driven inference
// (the loaders' parsing, batching, download and archive helpers stay internal: src/data/*)
export {
  Cifar10Dataset,
  type CifarOptions,
  type CifarSplitOptions,
  DEFAULT_CIFAR,
  CIFAR_CLASSES,
  NmnistDataset,
  type NmnistOptions,
  type FrameOptions,
  DEFAULT_NMNIST,
  DEFAULT_FRAMES,
  resolveDataset,
  defaultCacheDir,
  DATASET_SOURCES,
  type DatasetName,
  type ResolveOptions,
  type Bs1Events,
  type SpikeRaster,
  type RasterOptions,
  DEFAULT_RASTER,
  Bs1FormatError,
  Bs1RangeError,
  readBs1,
  writeBs1,
  readBs1Raster,
  eventsToRaster,
  rasterToEvents,
  type NpyArray,
  NpyFormatError,
  readNpy,
} from './data/index.ts';
export * from './encoding/index.ts';
export * from './stream/index.ts';
export * from './inference/index.ts';

// classification experiments and their report writers
export * from './experiments/index.ts';
export * from './report/index.ts';

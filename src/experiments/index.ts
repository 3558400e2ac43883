/** Public API of the classification experiments (configs/*.json, `spikeloop bench`). */
export {
  experimentConfigSchema,
  parseExperimentConfig,
  loadExperimentConfig,
  type ExperimentConfig,
  type ResolvedExperiment,
} from './config.ts';
export { makeObjective, type Objective } from './objective.ts';
export { PooledDataset, loadSources, trainingPool, epochChunk, type SampleSource } from './data.ts';
export {
  runClassification,
  evaluateClassifier,
  DEFAULT_RUN,
  type RunOptions,
  type ClassificationResult,
  type EpochRecord,
} from './runner.ts';
// the Oxford spike-to-spike regression bench (configs/oxford-cpu.json, `spikeloop bench oxford`)
export { oxfordConfigSchema, parseOxfordConfig, loadOxfordConfig, type OxfordConfig, type ResolvedOxfordConfig } from './oxford/config.ts';
export { loadOxford, slayerOutputRaster, type OxfordData } from './oxford/data.ts';
export {
  runOxford,
  trainObjective,
  DEFAULT_OXFORD_RUN,
  type OxfordRunOptions,
  type OxfordResult,
  type ObjectiveRun,
  type OxfordObjective,
} from './oxford/runner.ts';

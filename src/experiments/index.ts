/** Public API of the classification experiments (configs/*.json, `spikeloop bench`). */
export { experimentConfigSchema, parseExperimentConfig, loadExperimentConfig, type ExperimentConfig, type ResolvedExperiment } from './config.ts';
export { makeObjective, type Objective } from './objective.ts';
export { PooledDataset, loadSources, trainingPool, epochChunk, type SampleSource } from './data.ts';
export { runClassification, evaluateClassifier, DEFAULT_RUN, type RunOptions, type ClassificationResult, type EpochRecord } from './runner.ts';

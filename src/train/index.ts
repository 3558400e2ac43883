export { type OptimizerSpec, DEFAULT_OPTIMIZER, Optimizer } from './optimizers.ts';
export { type LrSchedule, DEFAULT_SCHEDULE, learningRate } from './schedule.ts';
export {
  type Checkpoint,
  type CheckpointData,
  type EpochMetrics,
  type TrainerState,
  type EpochProgress,
  type SaveCheckpointOptions,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  saveCheckpoint,
  loadCheckpoint,
  restoreNetwork,
} from './checkpoint.ts';
export { type Batch, type Dataset, type LossFn, type TrainerOptions, type FitOptions, type EvalResult, DEFAULT_TRAINER, NonFiniteError, Trainer, tensorDataset } from './trainer.ts';

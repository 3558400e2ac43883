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
export {
  type Batch,
  type Dataset,
  type LossFn,
  type TrainerOptions,
  type FitOptions,
  type EvalResult,
  DEFAULT_TRAINER,
  NonFiniteError,
  Trainer,
  tensorDataset,
} from './trainer.ts';
export {
  type BatchLogs,
  type EarlyStoppingOptions,
  type FitContext,
  type FitResult,
  type Monitor,
  type TrainerCallbacks,
  DEFAULT_EARLY_STOPPING,
  EarlyStopping,
  earlyStopping,
} from './callbacks.ts';

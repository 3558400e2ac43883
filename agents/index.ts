/**
 * Public API of `agents/` (the package's `spikeloop/agents`): the classical teachers, the
 * imitation + DAgger recipe that trains spiking controllers, controller folders, rollouts and
 * evaluation tables. Call `initBackend()` (from `spikeloop`) before training or loading one.
 */
import '../src/backend/tfjsExtras.ts';

export * from './teachers/index.ts';
export { type RoundRecord, type TrainedController, type TrainControllerHooks, trainController } from './recipe.ts';
export {
  type HiddenMemory,
  type RecipeOptions,
  type RecipeConfig,
  DEFAULT_RECIPE,
  builtinRecipePreset,
  loadRecipeConfig,
  parseRecipeConfig,
  recipeJsonSchema,
  recipeSectionOf,
  resolveRecipe,
} from './recipeConfig.ts';
export {
  type ControllerSpec,
  type LabelKind,
  type LoadedController,
  CONTROLLER_FILE,
  loadController,
  loadPolicy,
  exportController,
  parseControllerSpec,
  saveControllerSpec,
} from './controller.ts';
export {
  type Actor,
  type EpisodeOutcome,
  type Trajectory,
  evaluateActor,
  policyActor,
  teacherRollouts,
  daggerRollouts,
} from './rollout.ts';
export { type EvalSummary, formatSummaries, summarize } from './report.ts';
export {
  type ObservationFeature,
  computeFeatures,
  observationFeature,
  observationFeatureNames,
  registerObservationFeature,
} from './features.ts';
export { loadUserModules, REGISTRATION_API, type RegistrationApi } from './userModules.ts';

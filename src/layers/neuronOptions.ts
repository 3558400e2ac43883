/**
 * Neuron and synapse options as layers and network configs carry them (plain JSON data). They are
 * the neuron models' own options, defaults, schema and resolution (`src/neurons/defaults.ts`, the
 * one source of neuron defaults; `resolveLif` in `src/neurons/lif.ts`), under the names the layer
 * code and the configs use.
 */
import type { LifOptions, PspOptions, SurrogateSpec } from '../neurons/defaults.ts';

export {
  DEFAULT_LIF as DEFAULT_LAYER_LIF,
  DEFAULT_PSP as DEFAULT_LAYER_PSP,
  lifSchema,
  pspSchema,
  resolvePsp,
  surrogateSchema,
  type ResolvedPsp,
} from '../neurons/defaults.ts';
export { resolveLif, type ResolvedLif } from '../neurons/lif.ts';

/** Surrogate derivative σ'(x), x = u − θ: `SurrogateSpec` of `src/neurons/defaults.ts`. */
export type LayerSurrogate = SurrogateSpec;
export type LayerLifOptions = LifOptions;
export type LayerPspOptions = PspOptions;

/**
 * Env registry (Gymnasium `envs/registration.py`): versioned ids plus short aliases; `makeEnv`
 * wraps every env in its perturbations (if asked) and a TimeLimit (unless asked not to).
 */
import type { Env, EnvParams } from './core.ts';
import { TimeLimit } from './wrappers.ts';
import { perturbEnv, type PerturbationSpec } from './perturb/spec.ts';

export interface MakeEnvOptions {
  /** Override the episode limit (steps); `false` returns the env with no TimeLimit. */
  maxEpisodeSteps?: number | false;
  /** Physical parameters that differ from the env's defaults (validated; errors name the field). */
  params?: EnvParams;
  /** Perturbation wrappers, in string or object form (envs/perturb/spec.ts), inside the TimeLimit. */
  perturb?: string | PerturbationSpec;
  /** Options passed to the env's constructor. */
  [key: string]: unknown;
}

type Factory = (options: Record<string, unknown>) => Env;
const factories = new Map<string, Factory>();
const aliases = new Map<string, string>();

/** Registers a versioned id (`Name-vN`) and optional short aliases. */
export function registerEnv(id: string, factory: Factory, aliasNames: readonly string[] = []): void {
  if (!/^[A-Za-z][A-Za-z0-9]*-v\d+$/.test(id)) throw new Error(`registerEnv: id must look like 'Name-v1', got '${id}'`);
  if (factories.has(id)) throw new Error(`registerEnv: '${id}' is already registered`);
  factories.set(id, factory);
  for (const a of aliasNames) {
    if (aliases.has(a)) throw new Error(`registerEnv: alias '${a}' is already taken by '${aliases.get(a)}'`);
    aliases.set(a, id);
  }
}

/** The versioned id for a name or alias (throws, listing the known ids, if unknown). */
export function resolveEnvId(name: string): string {
  const id = aliases.get(name) ?? name;
  if (!factories.has(id)) throw new Error(`makeEnv: unknown env '${name}'; known: ${[...factories.keys(), ...aliases.keys()].join(', ')}`);
  return id;
}

/** Registered versioned ids. */
export function listEnvs(): string[] {
  return [...factories.keys()];
}

/** Short aliases and the id each stands for. */
export function listAliases(): Record<string, string> {
  return Object.fromEntries(aliases);
}

/**
 * Builds an env by id or alias: `perturb`'s wrappers around the bare env, then
 * `TimeLimit(metadata.maxEpisodeSteps)` unless `maxEpisodeSteps: false`.
 */
export function makeEnv(name: string, options: MakeEnvOptions = {}): Env {
  const id = resolveEnvId(name);
  const { maxEpisodeSteps, perturb, ...rest } = options;
  const bare = factories.get(id)!(rest);
  const env = perturb === undefined ? bare : perturbEnv(bare, perturb);
  if (maxEpisodeSteps === false) return env;
  return new TimeLimit(env, maxEpisodeSteps ?? env.metadata.maxEpisodeSteps);
}

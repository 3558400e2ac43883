/**
 * Loads user modules that register their own bodies and teachers (`--env-module F`,
 * `--teacher-module F`, repeatable). A module either registers on import (calling `registerEnv`
 * / `registerTeacher` from the same spikeloop it runs under) or, safer across install layouts,
 * exports a default function that receives the registration API:
 *
 *   export default function register({ registerEnv, registerTeacher }) { ... }
 *
 * Besides registration, the API hands over what a short env or teacher file needs, so that a
 * module works without importing spikeloop itself: `PhysicsEnv` (the matter-js env base class),
 * `physics` (envs/physics.ts in SI units, plus `Matter`), `kit` (envs/kit.ts: metadata, seeded
 * draws, motors, links), `box`, `createRng`, and `linearize` + `dlqr` for LQR teachers.
 * `examples/acrobot/` uses most of them.
 *
 * `.js`/`.mjs` files load as they are; `.ts` files load through tsx, which the repository's CLI
 * already runs under (an installed copy needs `tsx` installed for `.ts` modules).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Matter from 'matter-js';
import { registerEnv, makeEnv, checkEnv, Renamed, box, discrete } from '../envs/index.ts';
import { PhysicsEnv } from '../envs/physicsEnv.ts';
import * as physicsHelpers from '../envs/physics.ts';
import * as kit from '../envs/kit.ts';
import { createRng } from '../src/util/random.ts';
import { dlqr, linearize, registerTeacher } from './teachers/index.ts';
import { registerObservationFeature } from './features.ts';

/** What a module's default export receives. */
export const REGISTRATION_API = Object.freeze({
  registerEnv,
  registerTeacher,
  registerObservationFeature,
  makeEnv,
  checkEnv,
  Renamed,
  box,
  discrete,
  PhysicsEnv,
  physics: Object.freeze({ ...physicsHelpers, Matter }),
  kit: Object.freeze({ ...kit }),
  createRng,
  linearize,
  dlqr,
});

export type RegistrationApi = typeof REGISTRATION_API;

// A module's registrations live in the process-wide env and teacher registries, so it is loaded
// once per process, like an import: a second request for the same file does nothing.
const loaded = new Set<string>();

/**
 * Imports each module (in order) and runs its default `register(api)` when it exports one; a file
 * already loaded in this process is skipped. Paths are relative to the working directory.
 */
export async function loadUserModules(paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    const file = resolve(p);
    if (loaded.has(file)) continue;
    if (!existsSync(file)) throw new Error(`module ${p} not found (resolved to ${file})`);
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (err) {
      throw new Error(`module ${p} failed to load: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (typeof mod.default === 'function') await (mod.default as (api: RegistrationApi) => unknown)(REGISTRATION_API);
    loaded.add(file);
  }
}

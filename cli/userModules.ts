/**
 * Loads user modules that register their own bodies and teachers (`--env-module F`,
 * `--teacher-module F`, repeatable). A module either registers on import (calling `registerEnv`
 * / `registerTeacher` from the same spikeloop it runs under) or, safer across install layouts,
 * exports a default function that receives the registration API:
 *
 *   export default function register({ registerEnv, registerTeacher }) { ... }
 *
 * `.js`/`.mjs` files load as they are; `.ts` files load through tsx, which the repository's CLI
 * already runs under (an installed copy needs `tsx` installed for `.ts` modules).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerEnv, makeEnv, checkEnv, Renamed, box, discrete } from '../envs/index.ts';
import { registerTeacher } from '../agents/teachers/index.ts';

/** What a module's default export receives. */
export const REGISTRATION_API = Object.freeze({ registerEnv, registerTeacher, makeEnv, checkEnv, Renamed, box, discrete });

export type RegistrationApi = typeof REGISTRATION_API;

/** Imports each module (in order) and runs its default `register(api)` when it exports one. */
export async function loadUserModules(paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    const file = resolve(p);
    if (!existsSync(file)) throw new Error(`module ${p} not found (resolved to ${file})`);
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (err) {
      throw new Error(`module ${p} failed to load: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (typeof mod.default === 'function') await (mod.default as (api: RegistrationApi) => unknown)(REGISTRATION_API);
  }
}

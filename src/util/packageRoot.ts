/**
 * The folder of spikeloop's own package.json, found by walking up from this module. The same
 * code runs from the sources (`src/util/`) and from the build (`dist/src/util/`, in a checkout
 * or under `node_modules/spikeloop/`), so files that ship beside the code (the compiled wasm
 * kernels in `build/`, `configs/`, `package.json`) are located from here, not by a fixed `..`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'spikeloop';

let root: string | undefined;

function isOurs(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The package's root folder; throws when no `package.json` named spikeloop is above this module. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (isOurs(dir)) return (root = dir);
    if (dirname(dir) === dir) break;
  }
  throw new Error(`packageRoot: no package.json named "${PACKAGE_NAME}" above ${start}`);
}

/** A path inside the package, e.g. `packagePath('build', 'kernels', 'spikeDense.wasm')`. */
export function packagePath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}

/** The package's version, read from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Runs once before the test files (vitest `globalSetup`): builds `build/tfjs/extras.mjs` when it is
 * missing (a worktree whose build/ predates it), since every test that trains imports it.
 * `npm ci` builds it through `prepare`; this only saves a manual `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  if (!existsSync(join(root, 'build', 'tfjs', 'extras.mjs'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build-tfjs-extras.mjs')], { cwd: root, stdio: 'inherit' });
  }
}

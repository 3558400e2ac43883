/**
 * Runs once before the test files (vitest `globalSetup`): builds `build/tfjs/extras.mjs` when it is
 * missing (a worktree whose build/ predates it), since every test that trains imports it, and
 * rebuilds the WebAssembly kernels when one is missing or older than the AssemblyScript sources
 * (a checkout that gained a kernel since its last build: its tests would otherwise fail or test
 * the TypeScript fallback). `npm ci` builds both through `prepare`; this only saves a manual
 * `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  if (!existsSync(join(root, 'build', 'tfjs', 'extras.mjs'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build-tfjs-extras.mjs')], { cwd: root, stdio: 'inherit' });
  }
  if (kernelsStale(root)) execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs')], { cwd: root, stdio: 'inherit' });
}

/** True when a kernel of src/kernels/asm has no build/kernels/*.wasm or one older than any source. */
function kernelsStale(root: string): boolean {
  const src = join(root, 'src', 'kernels', 'asm');
  if (!existsSync(src) || !existsSync(join(root, 'node_modules', 'assemblyscript'))) return false;
  const sources = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const newest = Math.max(...sources.map((f) => statSync(join(src, f)).mtimeMs));
  return sources
    .filter((f) => !f.includes('/') && !f.includes('\\'))
    .some((f) => {
      const out = join(root, 'build', 'kernels', f.replace(/\.ts$/, '.wasm'));
      return !existsSync(out) || statSync(out).mtimeMs < newest;
    });
}

#!/usr/bin/env node
// CLI entry. It runs the compiled dist/ (built at `npm ci`, `npm run build` and `npm pack`) when
// dist/ is at least as new as every source file, which is always so in an installed copy. In a
// checkout whose sources were edited since the last build it runs the TypeScript sources through
// tsx (a dev dependency), so that edits take effect without a build. SPIKELOOP_DIST=1 forces dist/.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../', import.meta.url));
const built = join(root, 'dist', 'cli', 'main.js');
const source = join(root, 'cli', 'main.ts');
const SOURCE_DIRS = ['src', 'envs', 'agents', 'cli'];

/** The newest modification time of the .ts files under `dir` (0 when there are none). */
function newestSource(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestSource(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

function distIsCurrent() {
  if (!existsSync(built)) return false;
  if (process.env.SPIKELOOP_DIST === '1' || !existsSync(source)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCE_DIRS.every((d) => !existsSync(join(root, d)) || newestSource(join(root, d)) <= builtAt);
}

async function loadMain() {
  if (!existsSync(join(root, 'build', 'tfjs', 'extras.mjs'))) {
    console.error('spikeloop: build/tfjs/extras.mjs is missing; build it with `npm run build` (or `npm ci`)');
    process.exit(1);
  }
  if (distIsCurrent()) return (await import(new URL('../dist/cli/main.js', import.meta.url).href)).main;
  if (existsSync(source)) {
    let tsx;
    try {
      tsx = await import('tsx/esm/api');
    } catch {
      tsx = undefined;
    }
    if (tsx) {
      tsx.register();
      return (await import(new URL('../cli/main.ts', import.meta.url).href)).main;
    }
  }
  console.error('spikeloop: dist/ is missing or older than the sources; build it with `npm run build` (or `npm ci`)');
  process.exit(1);
}

const main = await loadMain();
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
